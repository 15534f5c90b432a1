"""A URLconf with a second ``OneGateAPI`` whose operations fail in every way the tests need.

The real API at /api/v1/ stays mounted too, so tests can use both.
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import path
from ninja import Schema
from ninja.errors import Throttled
from pydantic import PositiveInt

from onegate.api.framework import OneGateAPI
from onegate.api.urls import api

sample_api = OneGateAPI(title="Sample API", version="sample", urls_namespace="api-sample")


class Profile(Schema):
    color: Literal["green", "red", "blue"]


class Applicant(Schema):
    """The request body of RFC 9457's validation example."""

    age: PositiveInt
    profile: Profile


@sample_api.post("/applicants")
def create_applicant(request: HttpRequest, applicant: Applicant) -> dict[str, int]:
    return {"age": applicant.age}


@sample_api.get("/applicants")
def list_applicants(request: HttpRequest, limit: int = 10) -> dict[str, int]:
    return {"limit": limit}


@sample_api.get("/broken")
def broken(request: HttpRequest) -> None:
    raise RuntimeError("password=hunter2 for citizen 1234567890123 at /srv/onegate/secret.py")


@sample_api.get("/missing")
def missing(request: HttpRequest) -> None:
    raise Http404("No applicant with national id 1234567890123")


@sample_api.get("/forbidden")
def forbidden(request: HttpRequest) -> None:
    raise PermissionDenied("citizen 1234567890123 belongs to another agency")


@sample_api.get("/throttled")
def throttled(request: HttpRequest) -> None:
    raise Throttled(wait=30)


urlpatterns = [
    path("api/sample/", sample_api.urls),
    path("api/v1/", api.urls),
]
