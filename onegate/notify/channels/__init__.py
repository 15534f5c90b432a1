"""Channels as plug-ins: each turns claimed messages into outcomes, one per message, in order.

A channel registers itself with ``@channel_registry.register("email")``. ``send`` gets a batch of
messages already marked SENDING (one connection may serve them all) and yields an ``Outcome`` for
each as soon as it is known, so the delivery loop records acceptance before sending the next.
Tests swap a channel with ``channel_registry.replaced(...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from onegate.notify.models import Message

__all__ = ["ChannelPlugin", "ChannelRegistry", "Outcome", "Result", "channel_registry"]


class Result(StrEnum):
    ACCEPTED = "accepted"  # the server took responsibility for it
    RETRY = "retry"  # a temporary failure: try again later
    REFUSED = "refused"  # a permanent failure: trying again cannot help


@dataclass(frozen=True)
class Outcome:
    message: Message
    result: Result
    error: str = ""  # an error class or a reply code, never the server's words
    provider_reference: str = ""


class ChannelPlugin(Protocol):
    def send(self, messages: Sequence[Message]) -> Iterator[Outcome]: ...


class ChannelRegistry:
    def __init__(self) -> None:
        self._plugins: dict[str, ChannelPlugin] = {}

    def register(self, name: str) -> Callable[[type], type]:
        def decorate(cls: type) -> type:
            self._plugins[name] = cls()
            return cls

        return decorate

    def get(self, name: str) -> ChannelPlugin:
        return self._plugins[name]

    def __contains__(self, name: object) -> bool:
        return name in self._plugins

    @contextmanager
    def replaced(self, name: str, plugin: ChannelPlugin) -> Iterator[None]:
        """Use ``plugin`` for ``name`` inside the block (tests)."""
        previous = self._plugins.get(name)
        self._plugins[name] = plugin
        try:
            yield
        finally:
            if previous is None:
                del self._plugins[name]
            else:
                self._plugins[name] = previous


channel_registry = ChannelRegistry()

# The built-in channels register on import.
from onegate.notify.channels import email, sms  # noqa: E402, F401
