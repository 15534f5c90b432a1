"""Turn configuration errors into one readable line at start-up, for manage.py and the server."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.utils import OperationalError

T = TypeVar("T")


def or_exit(start: Callable[[], T]) -> T:
    """Run ``start``; on a configuration or connection error print one line and exit 2."""
    try:
        return start()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"onegate: configuration error: {exc}\n")
        raise SystemExit(2) from None
    except OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.stderr.write(f"onegate: cannot use the database named by DATABASE_URL: {reason}\n")
        raise SystemExit(2) from None
