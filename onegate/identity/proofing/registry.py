"""The proofing-method plug-in registry: methods register by name with a decorator; tests swap it.

A method is a class with the attributes and methods of ``base.ProofingMethodPlugin``. The three
built-in methods (``national_id_card``, ``passport``, ``in_person``) register when this module
is first asked for a method, so importing the registry never imports the methods' forms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

from onegate.identity.proofing.base import ProofingMethodPlugin

M = TypeVar("M", bound=type[ProofingMethodPlugin])

_methods: dict[str, ProofingMethodPlugin] = {}
_override: list[dict[str, ProofingMethodPlugin]] = []


def register_method(name: str) -> Callable[[M], M]:
    """Class decorator: make one instance of the class the proofing method ``name``."""

    def decorate(cls: M) -> M:
        if name in _methods:
            raise ImproperlyConfigured(f"proofing method {name!r} is registered twice")
        instance = cls()
        instance.name = str(name)
        _methods[name] = instance
        return cls

    return decorate


def _known() -> dict[str, ProofingMethodPlugin]:
    if _override:
        return _override[-1]
    # Importing the built-in methods registers them (done late: they import forms and services).
    from onegate.identity.proofing import in_person, national_id_card, passport  # noqa: F401

    return _methods


def proofing_method(name: str) -> ProofingMethodPlugin:
    """The method registered as ``name``; ``LookupError`` for one nobody registered."""
    try:
        return _known()[name]
    except KeyError:
        raise LookupError(f"no proofing method {name!r}") from None


def proofing_methods(*, remote: bool | None = None) -> list[ProofingMethodPlugin]:
    """Every registered method in a stable order; ``remote=True`` only those people use online."""
    found = sorted(_known().values(), key=lambda method: (method.order, method.name))
    return [method for method in found if remote is None or method.remote == remote]


@contextmanager
def methods_override(*methods: ProofingMethodPlugin) -> Iterator[None]:
    """Use exactly ``methods`` (each with its ``name`` set) inside the block (tests)."""
    _override.append({method.name: method for method in methods})
    try:
        yield
    finally:
        _override.pop()
