"""Rendered HTML of catalogue page parts, kept for as long as the catalogue snapshot they show.

Catalogue pages are mostly the same for everyone: the home page's life events and popular
services, a service's description, the A to Z list. Rendering them through GOV.UK Frontend's
macros costs far more than everything else a request does, so templates wrap those parts in

    {% call cached("service", service.slug) %} ... {% endcall %}

and the body is rendered once per snapshot, language and key; later requests reuse the HTML
without evaluating the body at all. The store belongs to the snapshot (weakly), so a catalogue
change, which brings a new snapshot, also brings fresh HTML. Only catalogue data may be used
inside a cached part: nothing from the request, the session or the signed-in person. Parts keyed
by what people type (search) go in a small bounded store, so odd queries cannot fill memory.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Protocol

from django.urls import get_script_prefix
from markupsafe import Markup, escape

from onegate.catalogue.snapshot import Catalogue

VOLATILE_LIMIT = 256


class _Caller(Protocol):
    def __call__(self) -> str: ...


class FragmentStore:
    """HTML by key for one snapshot: fixed page parts, and a bounded set keyed by user input."""

    def __init__(self) -> None:
        self._fixed: dict[tuple[Hashable, ...], Markup] = {}
        self._volatile: dict[tuple[Hashable, ...], Markup] = {}

    def get_or_render(
        self, key: tuple[Hashable, ...], render: _Caller, *, volatile: bool = False
    ) -> Markup:
        store = self._volatile if volatile else self._fixed
        html = store.get(key)
        if html is None:
            if volatile and len(store) >= VOLATILE_LIMIT:
                store.clear()
            # The caller's output is already Markup (autoescaped); escape() leaves it as is.
            html = store[key] = escape(render())
        return html


_stores: weakref.WeakKeyDictionary[Catalogue, FragmentStore] = weakref.WeakKeyDictionary()


def fragment_cache(catalogue: Catalogue, language: str) -> Callable[..., Markup]:
    """The ``cached`` callable a page's template uses with ``{% call %}``, for this language."""
    store = _stores.get(catalogue)
    if store is None:
        store = _stores.setdefault(catalogue, FragmentStore())
    # Links include the script prefix, so a deployment under a sub-path keeps its own HTML.
    prefix = get_script_prefix()

    def cached(*key: Hashable, caller: _Caller, volatile: bool = False) -> Markup:
        return store.get_or_render((language, prefix, *key), caller, volatile=volatile)

    return cached
