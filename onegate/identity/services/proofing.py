"""Proving who an account belongs to, and raising a session's level (the step-up).

``identity_prove`` runs one proofing attempt from start to end in one transaction:

1. the account row is locked, so one account's attempts run one at a time;
2. online methods are refused once the account made ``DAILY_LIMIT`` counted attempts in the last
   24 hours (in-person checks are not limited: they are the way out of a limit);
3. the method finds the registry person the evidence points at;
4. online methods are refused once that person was the target of ``DAILY_LIMIT`` counted
   attempts from any account in the last 24 hours, before the rest of the evidence is checked;
5. the method verifies the rest of the evidence;
6. a person the registry records as having died cannot be proved;
7. one account, one person: an account linked to someone else, or a person linked to another
   account, is refused; a link to the same person is kept, or raised to a higher level;
8. the link is written, and every attempt leaves a ``ProofingAttempt`` row and a
   ``PROOFING_ATTEMPTED`` audit record (``IDENTITY_PROVED`` too when a link is made or raised).

What the person is told never says which detail was wrong: an unknown number, a wrong laser code,
a wrong name and a death in the registry all give the method's one "not matched" message.
A registry that cannot answer leaves the attempt recorded as unavailable and nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import IdentityAction
from onegate.audit.services import audit_record
from onegate.identity.constants import LEVEL_ORDER, LevelOfAssurance
from onegate.identity.models import IdentityLink, ProofingAttempt, User
from onegate.identity.models.proofing import COUNTED_OUTCOMES, ProofingOutcome
from onegate.identity.proofing import ProofingMethodPlugin, Verdict, proofing_method
from onegate.registries.adapters import AccessContext, Answer, PersonRecord, RegistryError
from onegate.registries.adapters.base import InvalidQuestion

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "DAILY_LIMIT",
    "ProofingResult",
    "identity_prove",
    "step_up_complete",
]

# Counted attempts allowed per account, and per registry person, in any 24 hours.
DAILY_LIMIT = 5
LIMIT_WINDOW = dt.timedelta(hours=24)
SUBJECT_TYPE = "identity.account"

MESSAGES: dict[str, StrOrPromise] = {
    ProofingOutcome.PROVED: _("Your identity is proved."),
    ProofingOutcome.ALREADY_PROVED: _("Your identity was already proved with these details."),
    ProofingOutcome.ACCOUNT_LINKED_ELSEWHERE: _(
        "Your account is already linked to an identity, and one account can be linked to one "
        "person only. If this needs to change, contact OneGate support."
    ),
    ProofingOutcome.PERSON_LINKED_ELSEWHERE: _(
        "This identity is already linked to another OneGate account. If that account is not "
        "yours, contact OneGate support straight away: someone may be using your identity."
    ),
    ProofingOutcome.RATE_LIMITED: _(
        "You have tried to prove your identity too many times in the last 24 hours. Try again "
        "tomorrow, or prove your identity at a service centre."
    ),
    ProofingOutcome.REGISTRY_UNAVAILABLE: _(
        "We could not check your details with the registry just now. Try again in a few "
        "minutes, or prove your identity at a service centre."
    ),
}
# Said to the officer at the counter, who has the person and the document in front of them.
OFFICER_MESSAGES: dict[str, StrOrPromise] = {
    ProofingOutcome.PROVED: _("The account is now linked to this person."),
    ProofingOutcome.ALREADY_PROVED: _("The account was already linked to this person."),
    ProofingOutcome.DECEASED: _(
        "The registry records this person as deceased. The identity cannot be proved."
    ),
    ProofingOutcome.ACCOUNT_LINKED_ELSEWHERE: _(
        "This account is already linked to another person. Do not link it: refer the person "
        "to OneGate support."
    ),
    ProofingOutcome.PERSON_LINKED_ELSEWHERE: _(
        "This person is already linked to another account. Do not link it: refer the person "
        "to OneGate support."
    ),
    ProofingOutcome.REGISTRY_UNAVAILABLE: _(
        "The registry did not answer, so nothing was checked. Try again in a few minutes."
    ),
}


@dataclass(frozen=True)
class ProofingResult:
    """How an attempt ended, what to tell the person, and the link if there is one."""

    outcome: ProofingOutcome
    message: StrOrPromise
    link: IdentityLink | None = None
    person: PersonRecord | None = None  # the registry person, once proved (for the officer)

    @property
    def proved(self) -> bool:
        return self.outcome in (ProofingOutcome.PROVED, ProofingOutcome.ALREADY_PROVED)


@dataclass
class _Attempt:
    """One attempt in progress: who, how, and (once found) which registry person."""

    account: Any
    method: ProofingMethodPlugin
    officer: Any
    person: PersonRecord | None = None

    def message(self, outcome: ProofingOutcome) -> StrOrPromise:
        if self.officer is not None:
            return OFFICER_MESSAGES.get(outcome) or self.method.not_matched_message
        return MESSAGES.get(outcome) or self.method.not_matched_message


def identity_prove(
    *, account: User, method: str, details: Any, officer: User | None = None
) -> ProofingResult:
    """Check ``details`` with proofing method ``method`` and, if they match, link the account.

    ``officer`` is the member of staff making an in-person check (None online). Raises
    ``PermissionDenied`` when the method may not be used so (before anything is written).
    """
    plugin = proofing_method(method)
    plugin.authorise(account=account, officer=officer, details=details)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=account.pk)
        attempt = _Attempt(account=locked, method=plugin, officer=officer)
        if plugin.remote and _over_limit(ProofingAttempt.objects.filter(user=locked)):
            return _finish(attempt, ProofingOutcome.RATE_LIMITED)
        access = plugin.access(account=locked, officer=officer, details=details)
        try:
            return _check(attempt, details, access)
        except InvalidQuestion:
            return _finish(attempt, ProofingOutcome.NOT_MATCHED)
        except RegistryError:
            return _finish(attempt, ProofingOutcome.REGISTRY_UNAVAILABLE)


def _over_limit(attempts: Any) -> bool:
    since = timezone.now() - LIMIT_WINDOW
    counted = attempts.filter(
        created_at__gte=since, outcome__in=COUNTED_OUTCOMES, officer__isnull=True
    )
    return counted.count() >= DAILY_LIMIT


def _check(attempt: _Attempt, details: Any, access: AccessContext) -> ProofingResult:
    found = attempt.method.find(details=details, access=access)
    if found is None:
        return _finish(attempt, ProofingOutcome.NOT_MATCHED)
    attempt.person = found.value
    if attempt.method.remote and _over_limit(
        ProofingAttempt.objects.filter(person_id=found.value.id)
    ):
        return _finish(attempt, ProofingOutcome.RATE_LIMITED)
    verdict = attempt.method.verify(details=details, person=found, access=access)
    if not verdict.matched:
        return _finish(attempt, ProofingOutcome.NOT_MATCHED)
    if found.value.date_of_death is not None:
        return _finish(attempt, ProofingOutcome.DECEASED)
    return _link(attempt, found, verdict)


def _link(attempt: _Attempt, found: Answer[PersonRecord], verdict: Verdict) -> ProofingResult:
    person_id = found.value.id
    current = IdentityLink.objects.filter(user=attempt.account).first()
    if current is not None and str(current.person_id) != person_id:
        return _finish(attempt, ProofingOutcome.ACCOUNT_LINKED_ELSEWHERE)
    if current is not None:
        return _raise(attempt, current, verdict)
    if IdentityLink.objects.filter(person_id=person_id).exists():
        return _finish(attempt, ProofingOutcome.PERSON_LINKED_ELSEWHERE)
    try:
        with transaction.atomic():  # a savepoint: another account may win the race for the person
            link = IdentityLink.objects.create(
                user=attempt.account,
                person_id=person_id,
                registry_node=found.provenance.node,
                **_proof(attempt, verdict),
            )
    except IntegrityError:
        return _finish(attempt, ProofingOutcome.PERSON_LINKED_ELSEWHERE)
    return _finish(attempt, ProofingOutcome.PROVED, link=link, proved=True)


def _proof(attempt: _Attempt, verdict: Verdict) -> dict[str, Any]:
    return {
        "level": attempt.method.level,
        "method": attempt.method.name,
        "proved_at": timezone.now(),
        "evidence": dict(verdict.evidence),
        "officer": attempt.officer,
    }


def _raise(attempt: _Attempt, link: IdentityLink, verdict: Verdict) -> ProofingResult:
    """Proved again as the same person: keep the link, at the higher of the two levels.

    A link that had to be proved again (its ID card was lost or cancelled) takes the new proof
    whatever its level: the old evidence no longer stands.
    """
    if not link.needs_reproofing and LEVEL_ORDER.index(
        LevelOfAssurance(attempt.method.level)
    ) <= LEVEL_ORDER.index(LevelOfAssurance(link.level)):
        return _finish(attempt, ProofingOutcome.ALREADY_PROVED, link=link)
    for name, value in _proof(attempt, verdict).items():
        setattr(link, name, value)
    link.reproof_needed_since, link.reproof_reason = None, ""
    link.save(
        update_fields=[
            "level",
            "method",
            "proved_at",
            "evidence",
            "officer",
            "reproof_needed_since",
            "reproof_reason",
            "updated_at",
        ]
    )
    return _finish(attempt, ProofingOutcome.PROVED, link=link, proved=True)


def _finish(
    attempt: _Attempt,
    outcome: ProofingOutcome,
    *,
    link: IdentityLink | None = None,
    proved: bool = False,
) -> ProofingResult:
    """Record the attempt and audit it (and the link, when one was made or raised)."""
    person_id = attempt.person.id if attempt.person else None
    ProofingAttempt.objects.create(
        user=attempt.account,
        method=attempt.method.name,
        outcome=outcome,
        person_id=person_id,
        officer=attempt.officer,
    )
    payload = {"method": attempt.method.name, "outcome": str(outcome), "person_id": person_id}
    _audit(attempt, IdentityAction.PROOFING_ATTEMPTED, payload)
    if proved and link is not None:
        _audit(attempt, IdentityAction.IDENTITY_PROVED, {**payload, "level": link.level})
    return ProofingResult(
        outcome=outcome,
        message=attempt.message(outcome),
        link=link,
        person=attempt.person if link is not None else None,
    )


def _audit(attempt: _Attempt, action: IdentityAction, payload: dict[str, Any]) -> None:
    by_officer = attempt.officer is not None
    audit_record(
        actor=attempt.officer if by_officer else attempt.account,
        on_behalf_of=attempt.account if by_officer else None,
        action=action,
        subject_type=SUBJECT_TYPE,
        subject_id=attempt.account.pk,
        purpose=(
            "Identity checked in person at a service centre"
            if by_officer
            else "Identity proofing requested by the person"
        ),
        payload=payload,
    )


def step_up_complete(*, account: User, before: str, after: str, next_path: str) -> None:
    """Record that a session was stepped up from ``before`` to ``after`` (its key was rotated)."""
    with transaction.atomic():
        audit_record(
            actor=account,
            action=IdentityAction.ASSURANCE_RAISED,
            subject_type=SUBJECT_TYPE,
            subject_id=account.pk,
            purpose="Step-up to the level a service needs",
            payload={"from": str(before), "to": str(after), "next": next_path},
        )
