"""What the issuer publishes for verifiers, without sign-in: its keys (JWT VC Issuer Metadata),
its Token Status Lists, and the type metadata of each credential type.

The status list view is on the hot path of every online verifier: it reads one cached copy (see
``publishing``) and touches the database only on a miss; a verifier that sends the ETag back
gets a 304.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.views.decorators.http import require_safe

from onegate.credentials.models import StatusList
from onegate.credentials.publishing import status_list_cached, status_list_token
from onegate.credentials.selectors import (
    credential_issuer_url,
    entitlement_type_titles,
    issuer_metadata,
)

METADATA_MAX_AGE = 300
STATUS_LIST_MAX_AGE = 60
STATUS_LIST_TYPE = "application/statuslist+jwt"


def _public(response: HttpResponse, max_age: int) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"  # anyone may verify, from a browser too
    return response


@require_safe
def issuer_metadata_view(request: HttpRequest) -> HttpResponse:
    """``/.well-known/jwt-vc-issuer``: the issuer and its public keys (active and retired)."""
    return _public(JsonResponse(issuer_metadata(issuer=credential_issuer_url())), METADATA_MAX_AGE)


@require_safe
def status_list_view(request: HttpRequest, list_id: int) -> HttpResponse:
    """``/credentials/status/<id>``: the signed, compressed status list."""
    found = status_list_cached(list_id)
    if found is None:
        try:
            found = status_list_token(list_id=list_id)
        except StatusList.DoesNotExist as missing:
            raise Http404("no such status list") from missing
    token, etag = found
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(token, content_type=STATUS_LIST_TYPE)
    response["ETag"] = etag
    return _public(response, STATUS_LIST_MAX_AGE)


@require_safe
def type_metadata_view(request: HttpRequest, slug: str) -> HttpResponse:
    """``/credentials/types/<slug>``: SD-JWT VC type metadata of one entitlement type."""
    title = entitlement_type_titles().get(slug)
    if title is None:
        raise Http404("no such credential type")
    body = {
        "vct": f"{credential_issuer_url()}/credentials/types/{slug}",
        "name": title.get("en", slug),
        "display": [
            {"lang": language, "name": title[language]}
            for language in ("en", "th")
            if title.get(language)
        ],
    }
    return _public(JsonResponse(body), METADATA_MAX_AGE)
