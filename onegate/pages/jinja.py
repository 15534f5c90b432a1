"""The Jinja2 environment for every page: GOV.UK Frontend macros, Django's translations and URLs.

Templates live in each app's ``jinja2/<app>/`` folder (Django's Jinja2 convention) and import
components as ``{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}``.
"""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from onegate.core import languages
from onegate.pages.formerrors import error_list, field_error


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """``reverse`` for templates: ``url("catalogue:service", slug=service.slug)``."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    base_loader = options.pop("loader")
    options.pop("autoescape", None)
    env = Environment(
        loader=ChoiceLoader(
            [
                base_loader,
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        extensions=["jinja2.ext.i18n"],
        autoescape=True,
        **options,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext, translation.ngettext, newstyle=True
    )
    env.globals.update(
        {
            "static": static,
            "url": url,
            "pgettext": translation.pgettext,
            "form_errors": error_list,
            "field_error": field_error,
        }
    )
    env.filters.update(
        {
            "local_date": languages.format_date,
            "local_datetime": languages.format_datetime,
            "local_time": languages.format_time_of_day,
            "local_number": languages.format_number,
            "pick": languages.pick,
        }
    )
    return env
