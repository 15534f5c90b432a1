"""Template context every page needs: the language, the other language's URL, the site's name."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils import translation

from onegate.core.languages import ENGLISH, NATIVE_NAMES, THAI, current_language


def site(request: HttpRequest) -> dict[str, Any]:
    language = current_language()
    other = THAI if language == ENGLISH else ENGLISH
    return {
        "language": language,
        "other_language": other,
        "other_language_name": NATIVE_NAMES[other],
        "other_language_url": switch_url(request, other),
    }


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
    translated = translate_url(path, language)
    if translated == path and translation.get_language_from_path(path) != language:
        return _home(language)
    query = request.META.get("QUERY_STRING", "")
    return f"{translated}?{query}" if query else translated


def _home(language: str) -> str:
    with translation.override(language):
        return reverse("catalogue:home")
