"""The runner's pages, all in the "runner" namespace: the citizen's application pages under
``/apply/``, "Your applications" at ``/account/applications/`` (in front of the account pages)
and the service centre's assisted applications under ``/service-centre/assist/``.

Included once at the site root (``path("", include("onegate.runner.urls"))``) so the three
prefixes share one namespace.
"""

from django.urls import include, path

from onegate.runner import (
    urls_assisted,
    views,
    views_applications,
    views_corrections,
    views_files,
    views_start,
)

app_name = "runner"

apply_patterns = [
    path("new/<slug:service_slug>/", views_start.start, name="start"),
    path("<uuid:application_id>/page/<slug:page_id>/", views.page, name="page"),
    path("<uuid:application_id>/check-answers/", views.check, name="check"),
    path("<uuid:application_id>/sent/", views.sent, name="sent"),
    path("<uuid:application_id>/cannot-apply/", views.cannot_apply, name="cannot_apply"),
    path("<uuid:application_id>/saved/", views.saved, name="saved"),
    path("<uuid:application_id>/delete/", views.delete, name="delete"),
    path(
        "<uuid:application_id>/wrong/<slug:alias>/",
        views_corrections.correction,
        name="correction",
    ),
    path(
        "<uuid:application_id>/files/<uuid:upload_id>/",
        views_files.file_download,
        name="file",
    ),
]

urlpatterns = [
    path("apply/", include(apply_patterns)),
    path("account/applications/", views_applications.applications, name="applications"),
    path("service-centre/assist/", include(urls_assisted.urlpatterns)),
]
