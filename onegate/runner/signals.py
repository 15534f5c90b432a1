"""The runner's events for other modules: an application was sent.

``application_submitted`` is sent with ``application_id`` (a string) by the task
``tasks.application_submitted_announce``, which the submission enqueues in its own transaction:
receivers run only for an application whose submission committed, in a worker, outside the
person's request. The task retries when a receiver fails, so every receiver must be idempotent
(the Cases module opens a case once per application, whatever it is told twice).
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["application_submitted"]

# Sent with: sender (the Application class), application_id (str).
application_submitted = Signal()
