"""Answers a person sent on a question page after their session had ended, kept for their return.

A session ends after 15 minutes without a request (``identity.middleware``). A person who typed
their answers and then pressed Continue is signed out by that very request, and sent to sign in
again; what they typed on that page would otherwise be lost. It is kept in the (now signed-out)
browser session instead: nothing is saved to the application, because nobody was signed in to
save it. Once they have signed in again (Django keeps the session's data across the sign-in),
the same page shows those answers, to check and send with Continue like any other.

Only the request the session rules have just signed out keeps anything (a post from a browser
that was not signed in keeps nothing, and writes no session), with the account it was signed out
of: the answers come back only to that account, and are dropped when anyone else signs in on the
same browser. Only a page sent with its CSRF token, without a file (a file is not kept: it is
chosen again), below a size ceiling (the declared length is compared before the body is read),
and for ``KEEP_SECONDS``. One page is kept, the last; it is shown once, and only on that page of
that application, which ``selectors.application_for`` has already let the signed-in person see.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware

from onegate.identity.middleware import signed_out_by_this_request
from onegate.runner.uploads.limit import upload_limit_install, upload_too_large

__all__ = ["KEEP_SECONDS", "answers_kept_take", "answers_sent_signed_out_keep"]

SESSION_KEY = "runner.sent_signed_out"
# Long enough to sign in again (password, then the app's code), short enough not to linger.
KEEP_SECONDS = 30 * 60
# A page's answers are small; a larger body is not kept in the session.
MAX_CHARACTERS = 32_000
# The body that carries them is longer (a Thai letter is 9 bytes percent-encoded, 6 in JSON; each
# multipart field has its own framing): a body declared longer than this is not read at all.
MAX_BODY_BYTES = 4 * MAX_CHARACTERS
MULTIPART = "multipart/form-data"  # a page with a file question is sent so
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", MULTIPART})
# Not answers: the form's token and the button pressed (the person presses Continue again).
NOT_ANSWERS = frozenset({"csrfmiddlewaretoken", "action"})


def _not_forged(request: HttpRequest) -> bool:
    def nothing(_request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    return CsrfViewMiddleware(nothing).process_view(request, nothing, (), {}) is None


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return None


def answers_sent_signed_out_keep(
    request: HttpRequest, *, application_id: Any, page_id: str
) -> None:
    """Keep the answers of a question page POSTed by the request the session rules have just
    signed out, for the account it was signed out of (see above)."""
    user_id = signed_out_by_this_request(request)
    if user_id is None or request.method != "POST" or request.content_type not in FORM_TYPES:
        return
    declared = _declared_length(request)
    if declared is None or not 0 < declared <= MAX_BODY_BYTES:
        return  # never read: Django would refuse a body this large (or this many fields) loudly
    if request.content_type == MULTIPART:
        # Text answers only: a file in the body stops the reading at once, and nothing is kept.
        upload_limit_install(request, budget_bytes=0)
    try:
        if not _not_forged(request) or upload_too_large(request):
            return
        fields = {
            name: request.POST.getlist(name) for name in request.POST if name not in NOT_ANSWERS
        }
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        return  # many fields in a small body: as large, nothing kept (the page asks to sign in)
    if not fields or len(json.dumps(fields)) > MAX_CHARACTERS:
        return
    request.session[SESSION_KEY] = {
        "user": str(user_id),
        "application": str(application_id),
        "page": page_id,
        "fields": fields,
        "at": time.time(),
    }


def answers_kept_take(
    request: HttpRequest, *, application_id: Any, page_id: str
) -> QueryDict | None:
    """The answers kept for this page of this application, as the form's data, once; None when
    none are (another page's are left for that page). Answers the signed-in account did not send
    (another person signed in on the same browser) are dropped, never shown."""
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict):
        return None
    mine = request.user.is_authenticated and kept.get("user") == str(request.user.pk)
    if not mine or time.time() - float(kept.get("at", 0)) > KEEP_SECONDS:
        request.session.pop(SESSION_KEY, None)
        return None
    if kept.get("application") != str(application_id) or kept.get("page") != page_id:
        return None
    request.session.pop(SESSION_KEY, None)
    data = QueryDict(mutable=True)
    for name, values in (kept.get("fields") or {}).items():
        data.setlist(name, [str(value) for value in values])
    return data
