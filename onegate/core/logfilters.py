"""Log filters that keep personal data out of logs."""

from __future__ import annotations

import logging
import traceback


class ExceptionClassOnly(logging.Filter):
    """Log an exception's class and stack, never its message.

    Libraries such as django-tasks log failures with ``logger.exception``; the message of an
    exception raised while handling someone's data may quote that data. The stack (file, line
    and function of each frame, without source lines) is kept, so an operator can still find the
    fault.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, trace = record.exc_info
            name = f"{kind.__module__}.{kind.__qualname__}"
            record.msg = f"{record.getMessage()} [{name}]"
            record.args = None
            stack = "".join(
                f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n'
                for frame in traceback.extract_tb(trace)
            )
            record.exc_text = f"Traceback (most recent call last):\n{stack}{name}"
            record.exc_info = None
        return True
