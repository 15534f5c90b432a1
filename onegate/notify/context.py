"""Template context for the page frame: the inbox link with its unread count, in the header.

The count is lazy: one indexed query, run only if the page shows the link (signed-in pages).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from onegate.notify.selectors import inbox_unread_count


class InboxLink:
    """The header's inbox link; ``unread`` is counted the first time a template asks."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @cached_property
    def unread(self) -> int:
        user = getattr(self._request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return inbox_unread_count(user=user)


def inbox(request: HttpRequest) -> dict[str, Any]:
    return {"inbox_link": InboxLink(request)}
