"""Logs keep the kind and stack of a failure, never its message (it may quote personal data)."""

from __future__ import annotations

import logging
import sys

from onegate.core.logfilters import ExceptionClassOnly


def test_exception_details_are_replaced_by_the_class_name():
    try:
        raise ValueError("no benefit for citizen 1234567890123")
    except ValueError:
        record = logging.LogRecord(
            "django_tasks", logging.ERROR, __file__, 1, "Task %s failed", ("abc",), sys.exc_info()
        )
    assert ExceptionClassOnly().filter(record)
    text = logging.Formatter().format(record)
    assert "1234567890123" not in text
    assert text.startswith("Task abc failed [builtins.ValueError]\nTraceback")
    assert "test_exception_details_are_replaced_by_the_class_name" in text  # the stack is kept
    assert text.endswith("builtins.ValueError")


def test_records_without_exceptions_pass_unchanged():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "started %s", ("worker",), None)
    assert ExceptionClassOnly().filter(record)
    assert record.getMessage() == "started worker"
