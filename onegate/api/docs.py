"""Interactive API documentation (Swagger UI) that works under the site's strict CSP, offline.

ninja's own docs page needs ``ninja`` in INSTALLED_APPS for its template and static files, and
without it falls back to a page that loads Swagger UI from a CDN with an inline script. Here the
page is our template: no inline script or style, the configuration in a JSON data block (which
CSP does not treat as script), and the Swagger UI files ninja ships served from the installed
package by ``docs_asset``. Nothing comes from another origin, so the site-wide policy stands
unchanged for this page too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

DOCS_ASSET_URL_NAME = "docs-asset"
SWAGGER_FILES = Path(ninja.__file__).resolve().parent / "static" / "ninja"
# The only files the docs page needs, by name, with their media types.
DOCS_ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-init.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}
# The assets change only with ninja, whose version is in their URLs.
DOCS_ASSET_MAX_AGE = 7 * 24 * 3600
SWAGGER_SETTINGS = {
    "layout": "BaseLayout",
    "deepLinking": True,
    # Swagger UI would otherwise send the document to validator.swagger.io and show a badge.
    "validatorUrl": None,
}


class StrictSwagger(DocsBase):
    """Swagger UI from local files, configured by data rather than inline script."""

    template_name = "api/docs.html"

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        self.settings = {**SWAGGER_SETTINGS, **(settings or {})}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        def asset(name: str) -> str:
            url = reverse(f"{api.urls_namespace}:{DOCS_ASSET_URL_NAME}", kwargs={"name": name})
            return f"{url}?v={ninja.__version__}"

        context = {
            "title": api.title,
            "swagger_settings": {**self.settings, "url": self.get_openapi_url(api, kwargs)},
            "stylesheet_url": asset("swagger-ui.css"),
            "bundle_url": asset("swagger-ui-bundle.js"),
            "init_url": asset("swagger-ui-init.js"),
            "favicon_url": asset("favicon.png"),
        }
        return render(request, self.template_name, context, using="django")


@require_safe
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """One of the Swagger UI files bundled with the installed ninja; nothing else."""
    content_type = DOCS_ASSETS.get(name)
    if content_type is None:
        raise Http404
    response = FileResponse((SWAGGER_FILES / name).open("rb"), content_type=content_type)
    patch_cache_control(response, public=True, max_age=DOCS_ASSET_MAX_AGE)
    return response
