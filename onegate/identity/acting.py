"""Acting for others: whom a signed-in person may act for, and whom they are acting for now.

A person with a linked account (``selectors.person_id_for``) may act for:

* themselves;
* their children, from the registry's parent links, until the child's 18th birthday — worked
  out from the date of birth on every call, so it stops on the day with nobody doing anything;
* the people they are guardian of, from the registry's guardian links, while the link is in
  force (its own dates decide, as the court order that made it does);
* the people who made them their delegate, while the delegation is ``ACTIVE`` and within its
  dates (past its last day it stops at once, before the expiry job marks it expired).

Links go one way: the registry's ``children_of`` answers "whose parent or guardian am I", so a
child never finds a parent among the people they may act for.

The family comes from the registry (``children_of`` asked as the person themselves, which puts
a line on each child's access log). To keep those logs readable and the registry unloaded, the
answer is kept in the cache for ``FAMILY_CACHE_SECONDS``; the dates in it (birthdays, link ends)
are still checked against today on every call. A link the registry ends early takes at most
that long to stop.

Views, selectors and services all ask ``may_act_for`` themselves: the page showing a switch is
not the check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import IdentityAction
from onegate.audit.services import audit_record
from onegate.core.languages import pick
from onegate.identity.constants import DelegationStatus
from onegate.identity.models import Delegation, IdentityLink
from onegate.identity.selectors import person_id_for
from onegate.registries.adapters import AccessContext, PersonRecord, RegistryError, registry
from onegate.registries.constants import AccessorKind, LinkKind

__all__ = [
    "ACCESS_LOG_SCOPE",
    "ADDRESS_CHANGE_SERVICE",
    "ActingOption",
    "Relationship",
    "accounts_acting_for",
    "acting_access",
    "acting_context",
    "acting_subject",
    "acting_subject_option",
    "adulthood_on",
    "family_forget",
    "family_unknown",
    "may_act_for",
    "people_i_act_for",
]

# The issue sets 18. Thai law (Civil and Commercial Code s.19) makes a person of age at 20:
# one constant to change if the service owners decide so.
AGE_OF_MAJORITY = 18
FAMILY_CACHE_SECONDS = 300
SESSION_KEY = "identity.acting_for"
ORGANISATION = "onegate"  # OneGate itself, as the organisation on a person's access log
CHANNEL = "identity"

# The person's own pages, as scopes a delegation can name like catalogue services. "Who looked
# at my data" is not a catalogue service, so only an all-services delegation (or a parent or
# guardian) reaches it; changing an address is the catalogue's "tell us you have moved".
ACCESS_LOG_SCOPE = "onegate:who-looked-at-my-data"
ADDRESS_CHANGE_SERVICE = "tell-us-you-have-moved"

LIST_PURPOSE = _("See the people I can act for")


class Relationship:
    """How the signed-in person stands to someone they may act for."""

    SELF = "self"
    CHILD = "child"  # a parent link, under 18
    WARD = "ward"  # a guardian link in force
    DELEGATION = "delegation"  # they made the signed-in person their delegate

    @staticmethod
    def describe(relationship: str) -> str:
        """How the page names the person chosen: "you", "your child", …"""
        return {
            Relationship.SELF: gettext("You"),
            Relationship.CHILD: gettext("Your child"),
            Relationship.WARD: gettext("You are their guardian"),
            Relationship.DELEGATION: gettext("They made you their delegate"),
        }[relationship]

    @staticmethod
    def reader_role(relationship: str) -> str:
        """The reader's role as the subject's access log says it ("your parent")."""
        return {
            Relationship.SELF: gettext("themselves"),
            Relationship.CHILD: gettext("your parent"),
            Relationship.WARD: gettext("your guardian"),
            Relationship.DELEGATION: gettext("your delegate"),
        }[relationship]


@dataclass(frozen=True)
class ActingOption:
    """Someone the signed-in person may act for today, how, for what, and until when."""

    person_id: str
    names: Mapping[str, str]  # {"en": Latin-script name, "th": Thai-script name}
    relationship: str  # Relationship
    until: dt.date | None = None  # the last day this lasts, when known
    all_services: bool = True
    service_slugs: tuple[str, ...] = ()
    delegation_ids: tuple[str, ...] = ()
    # A child's or ward's, from the registry's family answer (None for others: not read)
    date_of_birth: dt.date | None = None

    @property
    def name(self) -> str:
        return pick(self.names)

    @property
    def is_self(self) -> bool:
        return self.relationship == Relationship.SELF

    @property
    def description(self) -> str:
        return Relationship.describe(self.relationship)

    def covers(self, service_slug: str | None) -> bool:
        """Whether acting for ``service_slug`` is allowed (``None``: acting at all)."""
        return self.all_services or service_slug is None or service_slug in self.service_slugs


def adulthood_on(date_of_birth: dt.date) -> dt.date:
    """The day a person comes of age: their 18th birthday (1 March for 29 February birthdays in
    a year without one, as Thai CCC s.193/5 ends a period in a month lacking the day on its
    last day)."""
    year = date_of_birth.year + AGE_OF_MAJORITY
    try:
        return date_of_birth.replace(year=year)
    except ValueError:  # 29 February, and that year has none
        return dt.date(year, 3, 1)


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def _person_of(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    found = person_id_for(user)
    return str(found) if found else None


# --- the family, from the registry --------------------------------------------------------


def _names(record: PersonRecord) -> dict[str, str]:
    latin = f"{record.given_name_latin} {record.family_name_latin}".strip()
    thai = f"{record.given_name_th} {record.family_name_th}".strip()
    return {"en": latin, "th": thai or latin}


def _cache_key(person_id: str) -> str:
    return f"identity:acting:family:{person_id}"


def family_forget(person_id: str) -> None:
    """Drop the cached family of ``person_id`` (the next call asks the registry again)."""
    cache.delete(_cache_key(str(person_id)))


def self_access(user: Any, person_id: str, *, purpose: str, label: str = "") -> AccessContext:
    """A person reading about themselves (not access-logged for them; relatives returned are)."""
    return AccessContext(
        kind=AccessorKind.SELF,
        accessor_id=str(user.pk),
        accessor_label=(label or user.get_full_name())[:200],
        organisation=ORGANISATION,
        purpose=purpose,
        channel=CHANNEL,
        self_person_id=str(person_id),
        user=user,
    )


def _household(user: Any, me: str) -> dict[str, Any] | None:
    """``{"names": …, "family": [...]}`` for ``me``, from the cache or the registry.

    ``None`` when the registry cannot answer: then nobody is found through it (fail closed).
    """
    key = _cache_key(me)
    found: dict[str, Any] | None = cache.get(key)
    if found is not None:
        return found
    try:
        found = _household_from_registry(user, me)
    except RegistryError:
        return None
    cache.set(key, found, FAMILY_CACHE_SECONDS)
    return found


def _household_from_registry(user: Any, me: str) -> dict[str, Any]:
    adapter = registry()
    purpose = str(LIST_PURPOSE)
    own = adapter.person_get(person_id=me, access=self_access(user, me, purpose=purpose))
    names = _names(own.value) if own else {"en": user.get_full_name()}
    # Read on each child's log as, say, "Somchai Jaidee (your parent or guardian)".
    label = pgettext("access log reader", "%(name)s (%(role)s)") % {
        "name": pick(names),
        "role": gettext("your parent or guardian"),
    }
    access = self_access(user, me, purpose=purpose, label=label)
    family = [
        {
            "id": answer.value.person.id,
            "names": _names(answer.value.person),
            "born": answer.value.person.date_of_birth.isoformat(),
            "died": _iso(answer.value.person.date_of_death),
            "kind": answer.value.kind,
            "from": answer.value.valid_from.isoformat(),
            "until": _iso(answer.value.valid_until),
        }
        for answer in adapter.children_of(person_id=me, access=access)
    ]
    return {"names": names, "family": family}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _family_option(entry: Mapping[str, Any], today: dt.date) -> ActingOption | None:
    """The option a registry link gives today, or None once it has stopped."""
    link_from, link_until = _day(entry["from"]), _day(entry["until"])
    died = _day(entry["died"])
    if link_from is None or link_from > today or (link_until and link_until < today):
        return None
    if died and died <= today:
        return None
    until = link_until
    relationship = Relationship.WARD
    if entry["kind"] == LinkKind.PARENT:
        comes_of_age = adulthood_on(dt.date.fromisoformat(entry["born"]))
        if today >= comes_of_age:
            return None
        last_day = comes_of_age - dt.timedelta(days=1)
        until = min(until, last_day) if until else last_day
        relationship = Relationship.CHILD
    return ActingOption(
        person_id=str(entry["id"]),
        names=entry["names"],
        relationship=relationship,
        until=until,
        date_of_birth=_day(entry["born"]),
    )


# --- delegations ------------------------------------------------------------------------------


def _delegations_in_force(user: Any, me: str, today: dt.date) -> Iterable[Delegation]:
    return (
        Delegation.objects.filter(
            Q(delegate_user=user) | Q(delegate_person_id=me),
            status=DelegationStatus.ACTIVE,
            valid_from__lte=today,
            valid_until__gte=today,
        )
        .exclude(grantor_person_id=me)
        .order_by("grantor_name_en", "valid_until")
    )


def _delegation_options(delegations: Iterable[Delegation]) -> list[ActingOption]:
    """One option per grantor; several delegations from one person add their scopes up."""
    by_grantor: dict[str, ActingOption] = {}
    for delegation in delegations:
        pid = str(delegation.grantor_person_id)
        known = by_grantor.get(pid)
        slugs = tuple(delegation.service_slugs)
        option = ActingOption(
            person_id=pid,
            names={"en": delegation.grantor_name_en, "th": delegation.grantor_name_th},
            relationship=Relationship.DELEGATION,
            until=delegation.valid_until,
            all_services=delegation.all_services,
            service_slugs=slugs,
            delegation_ids=(str(delegation.pk),),
        )
        if known is not None:
            option = ActingOption(
                person_id=pid,
                names=known.names,
                relationship=Relationship.DELEGATION,
                until=max(d for d in (known.until, option.until) if d),
                all_services=known.all_services or option.all_services,
                service_slugs=tuple(sorted({*known.service_slugs, *slugs})),
                delegation_ids=known.delegation_ids + option.delegation_ids,
            )
        by_grantor[pid] = option
    return list(by_grantor.values())


# --- the contract -----------------------------------------------------------------------------


def people_i_act_for(user: Any, *, on: dt.date | None = None) -> list[ActingOption]:
    """The signed-in person first, then children, wards and delegators they may act for today.

    Empty for an account not linked to a registry person.
    """
    me = _person_of(user)
    if me is None:
        return []
    today = _today(on)
    household = _household(user, me)
    own_names = household["names"] if household else {"en": user.get_full_name()}
    options = [ActingOption(person_id=me, names=own_names, relationship=Relationship.SELF)]
    seen = {me}
    for entry in household["family"] if household else []:
        option = _family_option(entry, today)
        if option is not None and option.person_id not in seen:
            options.append(option)
            seen.add(option.person_id)
    for option in _delegation_options(_delegations_in_force(user, me, today)):
        if option.person_id not in seen:
            options.append(option)
            seen.add(option.person_id)
    return options


def family_unknown(user: Any) -> bool:
    """Whether the registry could not say who the person's children and wards are just now."""
    me = _person_of(user)
    return me is not None and _household(user, me) is None


def acting_option(
    user: Any, person_id: str | None, *, on: dt.date | None = None
) -> ActingOption | None:
    """The option for ``person_id`` if the signed-in person may act for them today."""
    if not person_id:
        return None
    wanted = str(person_id)
    return next((o for o in people_i_act_for(user, on=on) if o.person_id == wanted), None)


def may_act_for(
    user: Any, person_id: str | None, *, service_slug: str | None = None, on: dt.date | None = None
) -> bool:
    """Whether ``user`` may see and do things for ``person_id`` (for ``service_slug``) today."""
    option = acting_option(user, person_id, on=on)
    return option is not None and option.covers(service_slug)


def _request_options(request: HttpRequest) -> list[ActingOption]:
    """``people_i_act_for`` once per request: the header and the page ask the same question."""
    options: list[ActingOption] | None = getattr(request, "_onegate_acting_options", None)
    if options is None:
        options = people_i_act_for(getattr(request, "user", None))
        request._onegate_acting_options = options  # type: ignore[attr-defined]
    return options


def acting_subject_option(request: HttpRequest) -> ActingOption | None:
    """Whom the request acts for: the person chosen in the switch while still allowed, else the
    signed-in person; ``None`` for an account not linked to a registry person."""
    options = _request_options(request)
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    subject = next((o for o in options if o.person_id == chosen), None) if chosen else None
    if subject is None and chosen:
        _choice_ended(request, str(chosen))
    return subject or (options[0] if options else None)


def _choice_ended(request: HttpRequest, person_id: str) -> None:
    """The person chosen may no longer be acted for (18th birthday, delegation ended or past
    its last day): back to acting for themselves, told so, and on the audit log."""
    request.session.pop(SESSION_KEY, None)
    messages.add_message(
        request,
        messages.WARNING,
        gettext("You can no longer act for the person you chose, so you are acting for yourself."),
        fail_silently=True,
    )
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action=IdentityAction.ACTING_REFUSED,
            subject_type="registries.person",
            subject_id=person_id,
            purpose="stop acting for someone no longer allowed",
            payload={"reason": "ended"},
        )


def acting_subject(request: HttpRequest) -> str | None:
    """The registry person id the request acts for (default: the signed-in person)."""
    option = acting_subject_option(request)
    return option.person_id if option else None


def acting_choose(request: HttpRequest, option: ActingOption) -> None:
    """Remember in the session whom the person acts for (``services.acting`` checked it)."""
    if option.is_self:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = option.person_id


def acting_access(
    user: Any, option: ActingOption, *, purpose: str, organisation: str = ORGANISATION
) -> AccessContext:
    """The access context for registry reads about ``option``'s person by ``user``.

    Read for someone else, the person's access log shows who read (and in what role), on whose
    behalf, and why; read for oneself, nothing is logged.
    """
    me = _person_of(user) or ""
    if option.is_self:
        return self_access(user, me, purpose=purpose)
    reader = pgettext("access log reader", "%(name)s (%(role)s)") % {
        "name": _actor_name(user, me),
        "role": Relationship.reader_role(option.relationship),
    }
    return AccessContext(
        kind=AccessorKind.SELF,
        accessor_id=str(user.pk),
        accessor_label=reader[:200],
        organisation=organisation,
        purpose=purpose,
        channel=CHANNEL,
        on_behalf_of=option.name[:200],
        self_person_id=me,
        user=user,
    )


def _actor_name(user: Any, me: str) -> str:
    household = cache.get(_cache_key(me))
    names = household["names"] if household else None
    return pick(names) if names else str(user.get_full_name())


# --- the header switch ------------------------------------------------------------------------


@dataclass(frozen=True)
class SwitchState:
    """What the header's "acting for" switch shows."""

    subject: ActingOption
    choices: int  # how many people (including themselves) they may act for

    @property
    def show(self) -> bool:
        return self.choices > 1 or not self.subject.is_self


def _switch_state(request: HttpRequest) -> SwitchState | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return None
    subject = acting_subject_option(request)
    if subject is None:
        return None
    return SwitchState(subject=subject, choices=len(_request_options(request)))


def acting_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``acting``, worked out only if a template looks at it."""
    return {"acting": SimpleLazyObject(lambda: _switch_state(request))}


# --- the other way round: who acts for a person -------------------------------------------------


def _guardian_accounts(person_id: str, *, purpose: str) -> list[Any]:
    """Accounts of the parents and guardians the registry links to ``person_id``."""
    access = AccessContext(
        kind=AccessorKind.SERVICE,
        accessor_id=ORGANISATION,
        accessor_label="OneGate",
        organisation=ORGANISATION,
        purpose=purpose,
        channel=CHANNEL,
    )
    adults = [
        answer.value.person.id
        for answer in registry().guardians_of(person_id=person_id, access=access)
    ]
    links = IdentityLink.objects.select_related("user").filter(person_id__in=adults)
    return [link.user for link in links]


def accounts_acting_for(person_id: str, *, purpose: str, on: dt.date | None = None) -> list[Any]:
    """The accounts that may act for ``person_id`` today: their own, then parents, guardians and
    delegates (each checked with ``may_act_for``, so a child come of age drops out). Used to
    tell whoever acts for a person (notify). If the registry cannot answer, the parents and
    guardians are left out rather than the whole answer failing."""
    pid = str(person_id)
    today = _today(on)
    found: dict[Any, Any] = {}
    own = IdentityLink.objects.select_related("user").filter(person_id=pid).first()
    if own is not None:
        found[own.user.pk] = own.user
    try:
        candidates = _guardian_accounts(pid, purpose=purpose)
    except RegistryError:
        candidates = []
    delegations = Delegation.objects.select_related("delegate_user").filter(
        grantor_person_id=pid,
        status=DelegationStatus.ACTIVE,
        valid_from__lte=today,
        valid_until__gte=today,
        delegate_user__isnull=False,
    )
    candidates += [delegation.delegate_user for delegation in delegations]
    for user in candidates:
        if user.pk not in found and user.is_active and may_act_for(user, pid, on=today):
            found[user.pk] = user
    return list(found.values())
