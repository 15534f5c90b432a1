"""The cases module's events for other modules: a case was decided.

``case_decided`` is sent with ``case_id`` (a string) and ``outcome`` ("approve" or "refuse") by
the task ``tasks.case_decided_announce``, which each decision enqueues in its own transaction:
receivers run only for a decision that committed, in a worker. The task retries when a receiver
fails, so every receiver must be idempotent (credentials issue one entitlement per case).
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["case_decided"]

# Sent with: sender (the Case class), case_id (str), outcome (str).
case_decided = Signal()
