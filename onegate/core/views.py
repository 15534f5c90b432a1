"""Operational endpoints: ``/healthz`` for load balancers and monitors."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from onegate.core.health import run_checks


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with each part's state when all is well; 503 naming the failing part otherwise."""
    report = run_checks()
    return JsonResponse(report.as_json(), status=200 if report.ok else 503)
