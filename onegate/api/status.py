"""``GET /api/v1/status``: a public sign of life that proves the API is wired up."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema

from onegate.api.constants import API_VERSION

router = Router(tags=["status"])


class StatusOut(Schema):
    status: Literal["ok"]
    version: str


@router.get("/status", response=StatusOut, auth=None, url_name="status")
def status(request: HttpRequest) -> dict[str, str]:
    """The API answers, and which version it is. (Database health is ``/healthz``.)"""
    return {"status": "ok", "version": API_VERSION}
