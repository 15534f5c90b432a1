"""Registry staff pages (inside the language prefixes)."""

from django.urls import path

from onegate.registries import views

app_name = "registries"

urlpatterns = [
    path("staff/registry/", views.person_search, name="staff_search"),
    path("staff/registry/people/<uuid:person_id>/", views.person_detail, name="staff_person"),
]
