"""The runner's events for other modules: an application was sent.

``application_submitted`` is sent with ``application_id`` (a string) by the task
``tasks.application_submitted_announce``, which the submission enqueues in its own transaction:
receivers run only for an application whose submission committed, in a worker, outside the
person's request. The task retries when a receiver fails, so every receiver must be idempotent
(the Cases module opens a case once per application, whatever it is told twice).
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["application_submitted", "journey_event"]

# Sent with: sender (the Application class), application_id (str).
application_submitted = Signal()

# Sent synchronously, inside the caller's transaction where there is one, when something happens
# in a journey that the performance measures count (``onegate.insights`` records it):
# sender (the Application class), application (Application), kind (str: one of insights'
# EventKind values "started", "page_viewed", "page_completed", "page_invalid", "ineligible",
# "abandoned", "submitted"), page_id (str, "" when none). Receivers must be cheap and must not
# raise: a journey never fails because it could not be counted.
journey_event = Signal()
