"""The adapter plug-in registry: adapters register by name; settings pick one; tests swap it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from onegate.registries.adapters.base import RegistryAdapter

_factories: dict[str, Callable[[], RegistryAdapter]] = {}
_override: list[RegistryAdapter] = []


def register_adapter(
    name: str,
) -> Callable[[Callable[[], RegistryAdapter]], Callable[[], RegistryAdapter]]:
    """Register an adapter factory (usually the class) under ``name``."""

    def decorate(factory: Callable[[], RegistryAdapter]) -> Callable[[], RegistryAdapter]:
        if name in _factories:
            raise ImproperlyConfigured(f"registry adapter {name!r} is registered twice")
        _factories[name] = factory
        return factory

    return decorate


def registry() -> RegistryAdapter:
    """The adapter this node uses (``REGISTRY_ADAPTER``), or the one a test put in place."""
    if _override:
        return _override[-1]
    # Importing the adapters registers them; done here so the interface has no import cycle.
    from onegate.registries.adapters import local, remote  # noqa: F401

    name = settings.REGISTRY_ADAPTER
    try:
        return _factories[name]()
    except KeyError:
        known = ", ".join(sorted(_factories))
        raise ImproperlyConfigured(
            f"REGISTRY_ADAPTER: unknown adapter {name!r} (known: {known})"
        ) from None


@contextmanager
def adapter_override(adapter: RegistryAdapter) -> Iterator[RegistryAdapter]:
    """Use ``adapter`` for ``registry()`` inside the block (tests)."""
    _override.append(adapter)
    try:
        yield adapter
    finally:
        _override.pop()
