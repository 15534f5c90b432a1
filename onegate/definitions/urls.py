"""The designer's pages, under /service-design/ (and /th/service-design/)."""

from django.urls import path

from onegate.definitions import views, views_formio, views_versions

app_name = "definitions"

urlpatterns = [
    path("", views.services, name="services"),
    path("new/", views.service_new, name="new"),
    path("import-formio/", views_formio.formio_import_page, name="import_formio"),
    path("<slug:slug>/", views.definition_page, name="definition"),
    path("<slug:slug>/draft/", views.draft_edit, name="draft"),
    path("<slug:slug>/compare/", views_versions.compare, name="compare"),
    path("<slug:slug>/publish/", views_versions.publish, name="publish"),
    path("<slug:slug>/versions/<str:ref>/tests/", views.rules_tests, name="tests"),
    path("<slug:slug>/versions/<str:ref>/preview/", views.preview, name="preview"),
    path("<slug:slug>/versions/<str:ref>/export/", views.export, name="export"),
    path("<slug:slug>/versions/<int:number>/rollback/", views_versions.rollback, name="rollback"),
    path("<slug:slug>/versions/<int:number>/retire/", views_versions.retire, name="retire"),
]
