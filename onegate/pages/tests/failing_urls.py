"""A URL configuration for tests: the real site plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail that must never reach the person")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [path("boom/", boom), path("forbidden/", forbidden), *site_urlpatterns]

handler403 = "onegate.pages.views.permission_denied"
handler404 = "onegate.pages.views.page_not_found"
handler500 = "onegate.pages.views.server_error"
