"""The performance pages that need sign-in, in the "insights" namespace: the service owners'
dashboard under ``/service-performance/`` and the satisfaction survey's page under ``/apply/``
(beside the runner's pages of the application it is about).

Included once at the site root (``path("", include("onegate.insights.urls"))``), inside the
language prefixes, so the two prefixes share one namespace.
"""

from django.urls import path

from onegate.insights import views_dashboard, views_survey

app_name = "insights"

urlpatterns = [
    path("service-performance/", views_dashboard.services, name="services"),
    path("service-performance/<slug:slug>/", views_dashboard.service, name="service"),
    path("service-performance/<slug:slug>/compare/", views_dashboard.compare, name="compare"),
    path("service-performance/<slug:slug>/figures/", views_dashboard.figures, name="figures"),
    # <str:month> (YYYY-MM, checked by the view after sign-in): a stricter converter would turn
    # a signed-out visitor's malformed month into a 404 instead of the sign-in page.
    path(
        "service-performance/<slug:slug>/figures/<str:month>/",
        views_dashboard.figures_month,
        name="figures_month",
    ),
    path("service-performance/<slug:slug>/comments/", views_dashboard.comments, name="comments"),
    path("apply/<uuid:application_id>/feedback/", views_survey.feedback, name="feedback"),
]
