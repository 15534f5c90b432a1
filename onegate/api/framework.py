"""``OneGateAPI``: django-ninja's API with OneGate's errors, documentation and URL guard built in.

Every version of the API is one of these, so each answers the same way: problem details for
every error (including unknown paths and wrong methods, which ninja and Django would otherwise
answer in plain text or with the site's HTML error page), and Swagger UI that runs under the
site's strict Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import URLPattern, URLResolver, path, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Router, Schema
from ninja.errors import ValidationError, ValidationErrorContext

from onegate.api import problems
from onegate.api.docs import DOCS_ASSET_URL_NAME, StrictSwagger, docs_asset
from onegate.api.problems import PROBLEM_TYPE_URL_NAME, PROBLEM_TYPES

URLs = list[URLPattern | URLResolver]


class ProblemTypeOut(Schema):
    type: str
    title: str
    status: int
    description: str


problem_types = Router(tags=["problems"])


@problem_types.get(
    "/problems/{slug}", response=ProblemTypeOut, url_name=PROBLEM_TYPE_URL_NAME, auth=None
)
def problem_type(request: HttpRequest, slug: str) -> dict[str, Any]:
    """What a OneGate problem type means: the page its type URI opens."""
    problem = PROBLEM_TYPES.get(slug)
    if problem is None:
        raise Http404
    return {
        "type": request.build_absolute_uri(request.path),
        "title": str(problem.title),
        "status": problem.status,
        "description": str(problem.description),
    }


class OneGateAPI(NinjaAPI):
    def __init__(self, **options: Any) -> None:
        options.setdefault("docs", StrictSwagger())
        super().__init__(**options)
        problems.install_problem_handlers(self)
        self.add_router("", problem_types)

    @property
    def urls(self) -> tuple[URLs, str, str]:
        """ninja's URLs, then the docs assets and a catch-all, each view answering problems."""
        patterns, app_name, namespace = super().urls
        patterns = [
            *patterns,
            path("docs/assets/<str:name>", docs_asset, name=DOCS_ASSET_URL_NAME),
            # Last: any other path under the API is an API 404, not the site's HTML page.
            re_path(r"", csrf_exempt(problems.not_found), name="not-found"),
        ]
        return [_guarded(pattern) for pattern in patterns], app_name, namespace

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        """Each bad value with its place: a JSON pointer into the body, or a parameter name."""
        return ValidationError(
            [
                problems.field_error(
                    source=context.model.__ninja_param_source__,
                    loc=context.model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"]),
                    body_attr=getattr(context.model, "__read_from_single_attr__", None),
                    message=error["msg"],
                )
                for context in error_contexts
                for error in context.pydantic_validation_error.errors(
                    include_url=False, include_context=False, include_input=False
                )
            ]
        )


def _guarded(pattern: URLPattern | URLResolver) -> URLPattern | URLResolver:
    if not isinstance(pattern, URLPattern):
        return pattern
    return URLPattern(
        pattern.pattern, _answer_with_problems(pattern.callback), pattern.default_args, pattern.name
    )


def _answer_with_problems(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn what ninja answers outside its operations into problem details.

    ninja answers a wrong method with a plain-text 405, and its API root and docs views raise
    Http404 or fail outside the operations' exception handlers.
    """
    if iscoroutinefunction(view):

        @wraps(view)
        async def guarded_async(
            request: HttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            try:
                response = await view(request, *args, **kwargs)
            except Http404:
                return problems.not_found(request)
            except Exception as exc:
                return problems.unexpected_error(request, exc)
            return _problem_for_plain_405(request, response)

        return guarded_async

    @wraps(view)  # keeps csrf_exempt and the other view flags
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return problems.not_found(request)
        except Exception as exc:
            return problems.unexpected_error(request, exc)
        return _problem_for_plain_405(request, response)

    return guarded


def _problem_for_plain_405(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    if response.status_code == 405 and not problems.is_problem(response):
        return problems.method_not_allowed(request, allowed=response.get("Allow", ""))
    return response
