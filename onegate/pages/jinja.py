"""The Jinja2 environment for every page: GOV.UK Frontend macros, Django's translations and URLs.

Templates live in each app's ``jinja2/<app>/`` folder (Django's Jinja2 convention) and import
components as ``{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}``.

Every page's frame asks for the same few addresses (the home page, the footer's pages, the
stylesheet) and renders the same few pieces (the skip link, the phase banner, the footer) on
every request. Their answers depend only on the language, the script prefix and the URL
configuration, so they are worked out once per process for each of those and kept:
``url()`` without arguments, ``static()`` and ``frame_piece()``. Changing a setting (tests do)
forgets them all; with ``auto_reload`` (``DEBUG``) pieces are rendered every time, so an edited
template shows at once.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, KeysView, MutableMapping
from typing import Any

from django.core.signals import setting_changed
from django.templatetags.static import static as django_static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader
from markupsafe import Markup

from onegate.core import languages
from onegate.pages.formerrors import error_list, field_error

# Enough for every template the apps and govuk-frontend-jinja have, with room to grow: a
# template pushed out of Jinja's cache is compiled again on its next use.
TEMPLATE_CACHE_SIZE = 1000

# At most this many addresses (or pieces) are kept: far more than the templates name, so
# names made up on the fly can never grow them without end.
KEPT_AT_MOST = 2000

_fixed_urls: dict[tuple[object, ...], str] = {}
_static_urls: dict[tuple[str, str], str] = {}
_pieces: dict[tuple[object, ...], Markup] = {}


def _where() -> tuple[object, ...]:
    """What a fixed address depends on besides its name: language, script prefix, URLconf."""
    return (translation.get_language(), get_script_prefix(), get_urlconf())


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """``reverse`` for templates: ``url("catalogue:service", slug=service.slug)``.

    An address without arguments is reversed once per language and kept.
    """
    if args or kwargs:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    key = (name, *_where())
    found = _fixed_urls.get(key)
    if found is None:
        found = reverse(name)
        if len(_fixed_urls) < KEPT_AT_MOST:
            _fixed_urls[key] = found
    return found


def static(path: str) -> str:
    """The address of a static file (its hashed name once collected), looked up once."""
    key = (path, get_script_prefix())
    found = _static_urls.get(key)
    if found is None:
        found = django_static(path)
        if len(_static_urls) < KEPT_AT_MOST:
            _static_urls[key] = found
    return found


def _frame_piece(reload: bool) -> Callable[[str, Callable[[], Markup]], Markup]:
    def frame_piece(name: str, render: Callable[[], Markup]) -> Markup:
        """What ``render()`` (a macro: already escaped) gives, once per language, kept under
        ``name``.

        Only for markup that is the same for everyone in a language: it must not use the
        request, the person or anything else that changes from one page to the next.
        """
        if reload:
            return render()
        key = (name, *_where())
        found = _pieces.get(key)
        if found is None:
            found = render()
            if len(_pieces) < KEPT_AT_MOST:
                _pieces[key] = found
        return found

    return frame_piece


def frame_forget(**_kwargs: object) -> None:
    """Forget the kept addresses and pieces (a setting changed: URLs, static files, …)."""
    _fixed_urls.clear()
    _static_urls.clear()
    _pieces.clear()


setting_changed.connect(frame_forget, dispatch_uid="onegate.pages.jinja.frame_forget")


class TemplateGlobals(ChainMap[str, Any]):
    """A template's globals: Jinja's own ChainMap over the environment's, whose ``keys()`` is
    the environment's dict view while the template adds none of its own (always, here).

    Each ``{% from … import … %}`` (some twenty a page, most in the GOV.UK macros) subtracts
    these keys from a set; against a ChainMap that is a Python loop over every global (7 % of
    the runner's question page, measured), against a dict view it is done in C. Same keys
    either way.
    """

    def keys(self) -> KeysView[str]:
        if len(self.maps) == 2 and not self.maps[0]:
            return self.maps[1].keys()
        return super().keys()


class PageEnvironment(Environment):
    """Jinja's environment, with :class:`TemplateGlobals` for each template's globals."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return TemplateGlobals({} if d is None else d, self.globals)


def environment(**options: Any) -> Environment:
    base_loader = options.pop("loader")
    options.pop("autoescape", None)
    # Django sets auto_reload from DEBUG: off in production, so templates are never stat()ed.
    options.setdefault("cache_size", TEMPLATE_CACHE_SIZE)
    env = PageEnvironment(
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
            "frame_piece": _frame_piece(env.auto_reload),
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
