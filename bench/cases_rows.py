"""The seeded rows of ``bench/cases_data.py``: a million sent applications and their cases.

Pure Python, no database: ``CaseRows(...).batch(numbers)`` gives the application, case and
history rows of those case numbers as dicts keyed by the models' attribute names, the same every
time for the same seed, services, staff and day. Each case draws from its own
``random.Random(seed * 2**32 + number)``, so any batch can be made alone, in any process;
``order()`` gives the numbers in the order the cases were sent, the order they are loaded in.
Generated cases carry no rules evaluation (``Case.rules`` is empty; the history says what the
rules decided), so ``decision_replay --all`` leaves them out.

The mix (shares of all cases; ``STATUS_MIX``) is what a year of a busy government looks like:
most cases decided (mostly by the rules, in seconds; the rest by an officer, refusals with a
second officer), about 8.6 % waiting in a queue for an officer, 4.5 % with an officer (3 % being
reviewed, 1.5 % waiting for the person's answer), 2 % withdrawn. Open cases were sent in the last
few weeks, so a share of them is past its due day (an SLA breach); decided ones over two years.
Agencies are of very different sizes (``AGENCY_WEIGHTS``), as in life.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# (agency slug, share of all cases). The first seven are the demo catalogue's; the last three
# are added to the catalogue for the benchmark (``cases_data.EXTRA_AGENCIES``).
AGENCY_WEIGHTS = (
    ("immigration", 0.24), ("land-transport", 0.16), ("civil-registration", 0.14),
    ("health", 0.10), ("revenue", 0.08), ("consular-affairs", 0.08), ("education", 0.07),
    ("social-security", 0.06), ("employment", 0.04), ("service-centres", 0.03),
)  # fmt: skip
SERVICE_WEIGHTS = (0.6, 0.3, 0.1)  # an agency's three services: a big one and two smaller
STATUS_MIX = (
    ("approved", 0.804), ("refused", 0.045), ("withdrawn", 0.02), ("referred", 0.08),
    ("information_received", 0.006), ("in_review", 0.03), ("information_requested", 0.015),
)  # fmt: skip
OPEN = frozenset({"referred", "information_received", "in_review", "information_requested"})
WITH_AN_OFFICER = frozenset({"in_review", "information_requested"})
# Share of closed (decided, withdrawn) cases whose history is generated too; open ones all have it.
CLOSED_HISTORY_SHARE = 0.05
APPROVED_BY_RULES, REFUSED_BY_RULES = 0.85, 0.4
# Case references come from one bijection over 32**11 numbers: applications take 0 .. n-1 and
# cases n .. 2n-1, so no reference is given twice and no case shares one with an application.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SPACE = 32**11
_MULTIPLIER, _OFFSET = 0x1F3A_5C7E_9B1D_0F27 % _SPACE | 1, 0x0B5E_7C4A_3D2F_1E09 % _SPACE
GIVEN = ("Somchai", "Malee", "Anan", "Kanya", "Wichai", "Suda", "Prasert", "Nok", "Emily",
         "Kenji", "Lukas", "Sofia", "Arjun", "Mei", "Olivia", "Thanawat")  # fmt: skip
FAMILY = ("Saetang", "Srisuk", "Boonmee", "Chaiyo", "Wongsa", "Clarke", "Watanabe", "Muller",
          "Rossi", "Tanaka", "Nguyen", "Kaewmanee", "Phromma", "Inthara")  # fmt: skip
GIVEN_TH = ("สมชาย", "มาลี", "อนันต์", "กันยา", "วิชัย", "สุดา", "ประเสริฐ", "นก")
FAMILY_TH = ("แซ่ตั้ง", "ศรีสุข", "บุญมี", "ชัยโย", "วงศ์สา", "แก้วมณี", "พรหมมา", "อินทรา")
REASONS = {
    "approve": {"en": "You meet every condition.", "th": "คุณมีคุณสมบัติครบถ้วนตามเงื่อนไข"},
    "refuse": {"en": "You do not meet a condition.", "th": "คุณไม่มีคุณสมบัติตามเงื่อนไข"},
}


@dataclass(frozen=True)
class BenchService:
    """A service cases are generated for: its slug, agency, pinned version and clock."""

    slug: str
    agency_slug: str
    version_id: uuid.UUID
    sla_working_days: int
    for_children: bool


@dataclass
class Batch:
    applications: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def reference(number: int) -> str:
    """The ``number``-th reference of the bijection, as the runner writes them (``XXXX-XXXX-XXXX``),
    its check character by Luhn mod 32 (what ``stdnum.luhn`` computes, without its overhead)."""
    value = (_MULTIPLIER * number + _OFFSET) % _SPACE
    digits = [(value >> (5 * k)) & 31 for k in range(10, -1, -1)]
    total = 0
    for position, digit in enumerate(reversed(digits)):  # the check digit would be position 0
        if position % 2 == 0:
            total += sum(divmod(digit * 2, 32))
        else:
            total += digit
    text = "".join(_ALPHABET[d] for d in digits) + _ALPHABET[-total % 32]
    return f"{text[0:4]}-{text[4:8]}-{text[8:12]}"


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class _Chooser:
    """Weighted choice by one ``random()`` and a bisection (``random.choices`` is slower)."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        total = sum(weights)
        self.bounds = list(itertools.accumulate(w / total for w in weights))

    def __call__(self, rng: random.Random) -> Any:
        return self.items[min(bisect.bisect(self.bounds, rng.random()), len(self.items) - 1)]


class CaseRows:
    """The generator: ``batch(start, stop)`` gives every row of those case numbers."""

    def __init__(
        self,
        *,
        seed: int,
        total: int,
        services: Sequence[BenchService],
        workers: dict[str, list[uuid.UUID]],
        anchor: dt.datetime,
        due_on: Callable[[dt.datetime, int], dt.date],
    ) -> None:
        self.seed, self.total, self.workers, self.anchor = seed, total, workers, anchor
        self._due_on, self._due_memo = due_on, {}  # type: dict[tuple[dt.date, int], dt.date]
        by_agency: dict[str, list[BenchService]] = {}
        for service in services:
            by_agency.setdefault(service.agency_slug, []).append(service)
        self.agency = _Chooser(*zip(*AGENCY_WEIGHTS, strict=True))
        self.service = {
            agency: _Chooser(mine, SERVICE_WEIGHTS[: len(mine)])
            for agency, mine in by_agency.items()
        }
        self.status = _Chooser(*zip(*STATUS_MIX, strict=True))

    def due(self, sent: dt.datetime, days: int) -> dt.date:
        key = (sent.date(), days)
        if key not in self._due_memo:
            self._due_memo[key] = self._due_on(sent, days)
        return self._due_memo[key]

    def _start(self, number: int) -> tuple[random.Random, BenchService, str, dt.datetime]:
        """The case's own generator, after drawing its service, status and time sent."""
        rng = random.Random(self.seed * 2**32 + number)
        service = self.service[self.agency(rng)](rng)
        status = self.status(rng)
        return rng, service, status, self._sent_at(rng, status)

    def order(self) -> list[int]:
        """Every case number, in the order the cases were sent: loaded so, the rows lie in the
        table as a live system's would (the open cases, recent, together near its end)."""
        return sorted(range(self.total), key=lambda number: self._start(number)[3])

    def batch(self, numbers: Sequence[int]) -> Batch:
        out = Batch()
        for number in numbers:
            self._one(number, out)
        return out

    def _one(self, number: int, out: Batch) -> None:
        rng, service, status, sent = self._start(number)
        subject, applicant = _uuid(rng), _uuid(rng)
        if not service.for_children:
            applicant = subject
        names = _names(rng)
        application_id = _uuid(rng)
        out.applications.append(
            _application(number, application_id, service, str(applicant), str(subject), names, sent)
        )
        case = _case_base(number + self.total, rng, service, status, sent, names)
        case.update(
            id=_uuid(rng), application_id=application_id, subject_person_id=str(subject),
            applicant_person_id=str(applicant), sla_due_on=self.due(sent, service.sla_working_days),
            relationship="child" if service.for_children else "self",
        )  # fmt: skip
        history = self._progress(rng, case, service)
        out.cases.append(case)
        if status in OPEN or rng.random() < CLOSED_HISTORY_SHARE:
            out.events.extend({"case_id": case["id"], **event} for event in history)

    def _sent_at(self, rng: random.Random, status: str) -> dt.datetime:
        # Open ones were sent in the last few weeks, most recent most often; closed over 2 years.
        days = min(rng.expovariate(1 / 2.5), 45) if status in OPEN else rng.uniform(0.01, 730)
        return self.anchor - dt.timedelta(days=days)

    def _worker(
        self, rng: random.Random, agency: str, besides: uuid.UUID | None = None
    ) -> uuid.UUID:
        chosen = rng.choice(self.workers[agency])
        while chosen == besides:
            chosen = rng.choice(self.workers[agency])
        return chosen

    def _progress(
        self, rng: random.Random, case: dict[str, Any], service: BenchService
    ) -> list[dict[str, Any]]:
        """Walk the case from sent to its status: fill its fields and return its history."""
        status, sent = case["status"], case["submitted_at"]
        rules_at = sent + dt.timedelta(seconds=rng.uniform(0.5, 8))
        automatic = (status == "approved" and rng.random() < APPROVED_BY_RULES) or (
            status == "refused" and rng.random() < REFUSED_BY_RULES
        )
        outcome = {"approved": "approve", "refused": "refuse"}.get(status, "refer")
        rules_outcome = outcome if automatic else "refer"
        first = (
            "approved"
            if automatic and outcome == "approve"
            else "refused"
            if automatic
            else ("referred")
        )
        history = [
            _event("rules", rules_at, payload={"outcome": rules_outcome}),
            _event("status", rules_at, "submitted", first),
        ]
        if automatic:
            return self._decided(case, history, rules_at, outcome, "rules", None, None)
        if status == "withdrawn":
            at = _later(rng, rules_at, self.anchor)
            history.append(_event("status", at, "referred", "withdrawn"))
            return self._settle(case, history, at)
        if status in ("referred",):
            return self._settle(case, history, rules_at)
        officer = self._worker(rng, service.agency_slug)
        taken = _later(rng, rules_at, self.anchor)
        history += [
            _event("assigned", taken, actor=officer),
            _event("status", taken, "referred", "in_review", actor=officer),
        ]
        case.update(assigned_to_id=officer, assigned_at=taken)
        if status == "in_review":
            return self._settle(case, history, taken)
        if status in ("approved", "refused") and rng.random() < 0.7:  # decided without asking
            case.update(assigned_to_id=None, assigned_at=None)
            return self._officer_decides(rng, case, history, taken, outcome, officer)
        asked = _later(rng, taken, self.anchor)
        history.append(_event("information_requested", asked, actor=officer, text="Please send a "
                              "copy of your current document."))  # fmt: skip
        history.append(_event("status", asked, "in_review", "information_requested", actor=officer))
        if status == "information_requested":
            return self._settle(case, history, asked)
        answered = _later(rng, asked, self.anchor)
        history.append(_event("information_answered", answered, text="Attached."))
        history.append(_event("status", answered, "information_requested", "information_received"))
        if status == "information_received":
            case.update(assigned_to_id=None, assigned_at=None)
            return self._settle(case, history, answered)
        case.update(assigned_to_id=None, assigned_at=None)
        return self._officer_decides(rng, case, history, answered, outcome, officer)

    def _officer_decides(
        self,
        rng: random.Random,
        case: dict[str, Any],
        history: list[dict[str, Any]],
        after: dt.datetime,
        outcome: str,
        officer: uuid.UUID,
    ) -> list[dict[str, Any]]:
        """An approval by the officer, or a refusal confirmed by a second one."""
        decided_at = _later(rng, after, self.anchor)
        if outcome == "approve":
            return self._decided(case, history, decided_at, outcome, "officer", officer, None)
        second = self._worker(rng, case["agency_slug"], besides=officer)
        return self._decided(case, history, decided_at, outcome, "four_eyes", officer, second)

    def _decided(
        self,
        case: dict[str, Any],
        history: list[dict[str, Any]],
        at: dt.datetime,
        outcome: str,
        how: str,
        officer: uuid.UUID | None,
        second: uuid.UUID | None,
    ) -> list[dict[str, Any]]:
        case.update(
            outcome=outcome, decided_how=how, decided_at=at, decided_by_id=officer,
            confirmed_by_id=second, decision_template="generated", decision_reason=REASONS[outcome],
        )  # fmt: skip
        if how != "rules":
            status = "approved" if outcome == "approve" else "refused"
            history.append(_event("status", at, "in_review", status, actor=second or officer))
        return self._settle(case, history, at)

    def _settle(
        self, case: dict[str, Any], history: list[dict[str, Any]], at: dt.datetime
    ) -> list[dict[str, Any]]:
        case.update(status_changed_at=at, updated_at=at, lock_version=len(history))
        return history


def _later(rng: random.Random, after: dt.datetime, anchor: dt.datetime) -> dt.datetime:
    """A moment between ``after`` and the anchor, usually within a few days."""
    room = (anchor - after).total_seconds()
    return after + dt.timedelta(seconds=min(room * rng.random(), rng.expovariate(1 / 200_000)))


def _names(rng: random.Random) -> dict[str, str]:
    given, family = rng.randrange(len(GIVEN)), rng.randrange(len(FAMILY))
    return {
        "en": f"{GIVEN[given]} {FAMILY[family]}",
        "th": f"{GIVEN_TH[given % len(GIVEN_TH)]} {FAMILY_TH[family % len(FAMILY_TH)]}",
    }


def _event(
    kind: str,
    at: dt.datetime,
    from_status: str = "",
    to_status: str = "",
    *,
    actor: uuid.UUID | None = None,
    text: str = "",
    payload: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "created_at": at, "kind": kind, "from_status": from_status, "to_status": to_status,
        "actor_id": actor, "text": text, "payload": json.dumps(payload or {}),
    }  # fmt: skip


def _application(
    number: int,
    pk: uuid.UUID,
    service: BenchService,
    applicant: str,
    subject: str,
    names: dict[str, str],
    sent: dt.datetime,
) -> dict[str, Any]:
    relationship = "child" if service.for_children else "self"
    return {
        "id": pk, "created_at": sent, "updated_at": sent, "status": "submitted",
        "service_slug": service.slug, "agency_slug": service.agency_slug,
        "definition_version_id": service.version_id, "applicant_person_id": applicant,
        "applies_as": relationship,
        "subjects": json.dumps([{"person_id": subject, "names": names,
                                 "relationship": relationship}], ensure_ascii=False),
        "language": "th", "submit_token": uuid.UUID(int=pk.int ^ 1), "submitted_at": sent,
        "reference": reference(number), "submission": json.dumps({"version": 1}),
    }  # fmt: skip


def _case_base(
    number: int,
    rng: random.Random,
    service: BenchService,
    status: str,
    sent: dt.datetime,
    names: dict[str, str],
) -> dict[str, Any]:
    return {
        "created_at": sent, "reference": reference(number),
        "subject_names": json.dumps(names, ensure_ascii=False), "service_slug": service.slug,
        "agency_slug": service.agency_slug, "definition_version_id": service.version_id,
        "language": "th" if rng.random() < 0.7 else "en", "status": status, "submitted_at": sent,
    }  # fmt: skip
