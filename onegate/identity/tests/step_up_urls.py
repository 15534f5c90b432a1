"""The site's URLs plus two pages guarded by ``assurance_required``, for the step-up tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from onegate.identity.assurance import assurance_required


@assurance_required("substantial")
def substantial_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("the substantial page")


@assurance_required("high")
def high_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("the high page")


urlpatterns = [
    path("guarded/substantial/", substantial_page, name="guarded_substantial"),
    path("guarded/high/", high_page, name="guarded_high"),
    *site_urlpatterns,
]
