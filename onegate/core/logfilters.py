"""Log filters that keep personal data out of logs."""

from __future__ import annotations

import logging


class ExceptionClassOnly(logging.Filter):
    """Replace a record's exception (message and traceback) with the exception's class name.

    Libraries such as django-tasks log failures with ``logger.exception``; the message of an
    exception raised while handling someone's data may quote that data. The record is kept, so an
    operator still sees that something failed, where and of which kind.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            kind = record.exc_info[0]
            record.msg = f"{record.getMessage()} [{kind.__module__}.{kind.__qualname__}]"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True
