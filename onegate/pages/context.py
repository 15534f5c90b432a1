"""Template context every page needs: the language, the other language's URL, the site's name."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import translate_url

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
    """The same page in ``language``, query string kept, so switching never loses your place."""
    path = translate_url(request.path, language)
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path
