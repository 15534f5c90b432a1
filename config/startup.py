"""Turn configuration errors into one readable line at start-up, for manage.py and the server."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


def or_exit(start: Callable[[], T]) -> T:
    """Run ``start``; on a configuration error print one line naming the variable and exit 2."""
    try:
        return start()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"onegate: configuration error: {exc}\n")
        raise SystemExit(2) from None
