"""``manage.py decision_replay REF`` (or ``--all``): evaluate kept decisions again and compare.

For each case the rules evaluated (REF: a case's reference, or an application's for all of its
cases; ``--all``: every such case), the inputs kept in ``Case.rules`` are evaluated again with
the case's pinned definition version, and the outcome, deciding rule, reason, every rule's result
and the computed values compared with what was kept. One line per case, "agree" or "disagree"
with what differs (fixed words, tab-separated, for scripts); the command exits non-zero if any
case disagrees. It reads only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from onegate.cases.models import Case
from onegate.cases.services._rules import _differences
from onegate.definitions.selectors import definition_version_compiled
from onegate.runner.references import reference_normalise

BATCH = 500


def _evaluated() -> QuerySet[Case]:
    return Case.objects.exclude(rules={}).filter(review_of__isnull=True)


def _cases_of(reference: str) -> QuerySet[Case]:
    wanted = reference_normalise(reference) or reference.strip()
    found = _evaluated().filter(Q(reference=wanted) | Q(application__reference=wanted))
    return found.order_by("reference")


class Command(BaseCommand):
    help = "Evaluate automatic decisions again from their kept inputs and check they agree."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", nargs="?", help="a case's or an application's reference")
        parser.add_argument(
            "--all", action="store_true", help="every case whose rules were evaluated"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reference = options["reference"]
        if bool(reference) == bool(options["all"]):
            raise CommandError(_("Give one reference, or --all."))
        cases = _evaluated().order_by("created_at") if options["all"] else _cases_of(reference)
        if not options["all"] and not cases.exists():
            raise CommandError(
                _("No case with the reference %(reference)s was decided by the rules.")
                % {"reference": reference}
            )
        checked, disagreed = self._replay(cases.iterator(chunk_size=BATCH))
        summary = _("%(checked)s replayed, %(disagreed)s disagree.")
        self.stdout.write(summary % {"checked": checked, "disagreed": disagreed})
        if disagreed:
            raise CommandError(_("Some decisions do not agree with their replay."))

    def _replay(self, cases: Iterable[Case]) -> tuple[int, int]:
        checked = disagreed = 0
        for case in cases:
            compiled = definition_version_compiled(version_id=case.definition_version_id)
            differences = _differences(case, compiled)
            checked += 1
            if differences:
                disagreed += 1
            # One line per case, tab-separated and the same in every language: scripts read it.
            verdict = "disagree" if differences else "agree"
            self.stdout.write("\t".join([case.reference, verdict, ", ".join(differences)]).rstrip())
        return checked, disagreed
