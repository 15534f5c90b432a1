"""Fixed values of the REST API: its version, the problem media type and the reason phrases."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

API_VERSION = "1"

# RFC 9457 problem details. Every error the API answers has this media type, whatever the
# request's Accept header said: a client that cannot read it still gets the status code.
PROBLEM_CONTENT_TYPE = "application/problem+json"
# The problem type meaning "nothing more than the status code"; its title is the reason phrase.
ABOUT_BLANK = "about:blank"

# Reason phrases (RFC 9110) of the statuses the API answers with, for ``about:blank`` titles.
REASON_PHRASES: dict[int, Promise] = {
    400: _("Bad Request"),
    401: _("Unauthorized"),
    403: _("Forbidden"),
    404: _("Not Found"),
    405: _("Method Not Allowed"),
    409: _("Conflict"),
    422: _("Unprocessable Content"),
    429: _("Too Many Requests"),
    500: _("Internal Server Error"),
    503: _("Service Unavailable"),
}
