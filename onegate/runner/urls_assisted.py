"""Assisted digital pages of service-centre officers, included by ``runner.urls`` under
``service-centre/assist/`` in the "runner" namespace (so ``runner:assist`` and the others)."""

from django.urls import path

from onegate.runner import views_assisted

urlpatterns = [
    path("", views_assisted.assist, name="assist"),
    path("identity/", views_assisted.assist_identity, name="assist_identity"),
    path("service/", views_assisted.assist_service, name="assist_service"),
]
