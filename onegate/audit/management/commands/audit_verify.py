"""``manage.py audit_verify``: check the audit hash chain end to end and the sequencer's backlog.

Prints OK with counts, or names the first broken row and the rows overdue for chaining, and then
exits non-zero. The checking itself is ``selectors.audit_chain_verify``; this only prints.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onegate.audit.selectors import ChainReport, audit_chain_verify


class Command(BaseCommand):
    help = "Recompute every hash in the audit chain and report rows left unchained too long."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        for line in report_lines(report):
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("audit log verification failed")


def report_lines(report: ChainReport) -> list[str]:
    """The report as lines for an operator: one per problem, or one saying all is well."""
    backlog = report.backlog
    lines = []
    if report.first_break is not None:
        broken = report.first_break
        row = f"event {broken.event_id}" if broken.event_id else "rows missing from the end"
        lines.append(
            f"BROKEN: chain breaks at sequence {broken.sequence} ({row}): {broken.reason}; "
            f"{report.verified} events verified before it"
        )
    if backlog.overdue:
        oldest_age = backlog.oldest_overdue_age or datetime.timedelta()
        lines.append(
            f"OVERDUE: {backlog.overdue} events unchained for longer than "
            f"{backlog.alert_after.total_seconds():.0f} s; "
            f"the oldest for {oldest_age.total_seconds():.0f} s"
        )
    if not lines:
        lines.append(
            f"OK: {report.verified} events chained and verified; "
            f"{backlog.waiting} waiting to be chained, none overdue"
        )
    return lines
