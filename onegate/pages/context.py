"""Template context every page needs: the language, the other language's URL, the site's name,
and the form's CSRF field made once per page."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.template.backends.utils import csrf_input
from django.urls import NoReverseMatch, ResolverMatch, reverse, translate_url
from django.utils import translation
from django.utils.safestring import SafeString

from onegate.core.languages import ENGLISH, NATIVE_NAMES, THAI, current_language
from onegate.pages.jinja import url

# A path with these characters may resolve differently once split and unquoted again, as
# ``translate_url`` does: such paths go through ``translate_url`` itself.
_REPARSED = frozenset("%?#")


def site(request: HttpRequest) -> dict[str, Any]:
    language = current_language()
    other = THAI if language == ENGLISH else ENGLISH
    return {
        "language": language,
        "other_language": other,
        "other_language_name": NATIVE_NAMES[other],
        "other_language_url": switch_url(request, other),
        "csrf_input": CsrfInput(request),
    }


class CsrfInput:
    """The form's hidden CSRF field, masked once per page.

    Django's Jinja2 backend masks the secret again each time a template prints ``csrf_input``
    (the header's "Sign out", the session dialog's two forms and the page's own form: four
    times a page); Django's own template engine masks it once per page, as this does.
    """

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @cached_property
    def html(self) -> SafeString:
        return csrf_input(self._request)

    def __str__(self) -> str:
        return self.html

    def __html__(self) -> str:
        return self.html


def switch_url(request: HttpRequest, language: str) -> str:
    """The same page in ``language``, query string kept, so switching never loses your place.

    Only a path this site serves is translated; for anything else (a 404, an odd path such as
    ``//elsewhere.example/``) the switch leads to the other language's home page, so the link
    can never point off the site.
    """
    path = request.path_info
    if not path.startswith("/") or path.startswith("//"):
        return _home(language)
    # translate_url hands back the path unchanged when it does not resolve.
    translated = _translated(request, path, language)
    if translated == path and translation.get_language_from_path(path) != language:
        return _home(language)
    query = request.META.get("QUERY_STRING", "")
    return f"{translated}?{query}" if query else translated


def _translated(request: HttpRequest, path: str, language: str) -> str:
    """``translate_url(path, language)``, reusing the match Django made for this request
    instead of resolving the path a second time."""
    match: ResolverMatch | None = getattr(request, "resolver_match", None)
    if match is None or _REPARSED.intersection(path):
        return translate_url(path, language)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with translation.override(language):
        try:
            return reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path


def _home(language: str) -> str:
    with translation.override(language):
        return url("catalogue:home")
