"""Reads for the person's own pages, for themselves or for someone they act for.

Every function takes the signed-in account and the registry person the page is about, and asks
``acting.may_act_for`` itself before reading anything: another citizen gets ``PermissionDenied``
(or, for an object looked up by id, ``Http404``) whatever the view did. Reads about someone
else are on that person's access log, naming the reader, their role and why.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from onegate.audit.constants import IdentityAction
from onegate.audit.services import audit_record
from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import pick
from onegate.identity.acting import (
    ACCESS_LOG_SCOPE,
    ADDRESS_CHANGE_SERVICE,
    ORGANISATION,
    ActingOption,
    acting_access,
    acting_option,
)
from onegate.identity.models import Delegation, IdentityLink
from onegate.identity.proofing.base import ORGANISATION as PROOFING_ORGANISATION
from onegate.identity.selectors import person_id_for
from onegate.registries.access import access_record_write
from onegate.registries.adapters import AddressRecord, Answer, registry
from onegate.registries.models import AccessRecord
from onegate.registries.selectors import AccessLogFilter, access_log_for
from onegate.registries.selectors_events import AddressChange, address_change_deliveries_for

# How far back the status page of one change of address looks for it.
CHANGES_LOOKED_UP = 50


def allowed_option(user: Any, person_id: str, *, scope: str | None) -> ActingOption:
    """The signed-in person's way of acting for ``person_id`` within ``scope``, or refusal."""
    option = acting_option(user, person_id)
    if option is None or not option.covers(scope):
        raise PermissionDenied("not allowed to act for this person")
    return option


def account_of(person_id: str) -> Any:
    """The account linked to a registry person, if they have one (for ``on_behalf_of``)."""
    link = IdentityLink.objects.select_related("user").filter(person_id=person_id).first()
    return link.user if link else None


def acting_audit_fields(option: ActingOption) -> dict[str, Any]:
    """``audit_record`` arguments naming on whose behalf the actor acted.

    ``audit_record`` names the other side by account (``on_behalf_of``); a child without an
    account has only a registry person id, so the payload carries ``on_behalf_of_person``
    always, and ``relationship`` says how the actor may act for them.
    """
    if option.is_self:
        return {"on_behalf_of": None, "payload": {}}
    return {
        "on_behalf_of": account_of(option.person_id),
        "payload": {
            "on_behalf_of_person": option.person_id,
            "relationship": option.relationship,
            "delegations": list(option.delegation_ids),
        },
    }


# --- who looked at my data --------------------------------------------------------------------


def organisation_name(slug: str) -> str:
    """An organisation on the access log, by its agency name in the catalogue when it has one.

    Most readers store the agency's slug; a check of an entitlement stores the checking agency's
    English name (``credentials``: the same value its "who checked it" shows), so that is
    recognised too and shown in the page's language."""
    if slug in (ORGANISATION, PROOFING_ORGANISATION):
        return "OneGate"
    catalogue = catalogue_current()
    agency = catalogue.agency(slug) or next(
        (one for one in catalogue.agencies.values() if pick(one.name, "en") == slug), None
    )
    return pick(agency.name) if agency else slug


def access_log_organisations(*, user: Any, person_id: str) -> list[tuple[str, str]]:
    """The organisations on the person's access log, as (slug, name), for the filter."""
    allowed_option(user, person_id, scope=ACCESS_LOG_SCOPE)
    slugs = access_log_for(person_id=person_id).order_by().values_list("organisation", flat=True)
    pairs = {(slug, organisation_name(slug)) for slug in slugs.distinct()}
    return sorted(pairs, key=lambda pair: pair[1].casefold())


def access_log_of(
    *, user: Any, person_id: str, filters: AccessLogFilter | None = None, export: str = ""
) -> QuerySet[AccessRecord]:
    """Who looked at ``person_id``'s data, newest first. Looking for someone else is itself on
    their log (once per page or download)."""
    option = allowed_option(user, person_id, scope=ACCESS_LOG_SCOPE)
    if not option.is_self:
        _access_log_view_record(user, option, export=export)
    return access_log_for(person_id=person_id, filters=filters)


def _access_log_view_record(user: Any, option: ActingOption, *, export: str) -> None:
    purpose = gettext("See who looked at the data of someone I act for")
    fields = acting_audit_fields(option)
    with transaction.atomic():
        access_record_write(
            access=acting_access(user, option, purpose=purpose),
            question="access_log",
            person_ids=[option.person_id],
            facts=["person.access_log"],
        )
        audit_record(
            actor=user,
            action=IdentityAction.ACCESS_LOG_VIEWED,
            subject_type="registries.person",
            subject_id=option.person_id,
            purpose=purpose,
            on_behalf_of=fields["on_behalf_of"],
            payload={**fields["payload"], "export": export},
        )


# --- a change of address ----------------------------------------------------------------------


def address_agency() -> str:
    """The agency running "tell us you have moved" (its reads are on its behalf)."""
    service = catalogue_current().service(ADDRESS_CHANGE_SERVICE)
    return service.agency.slug if service else ORGANISATION


def current_address_of(*, user: Any, person_id: str) -> Answer[AddressRecord] | None:
    """The person's current address, as the change-of-address pages show it first."""
    option = allowed_option(user, person_id, scope=ADDRESS_CHANGE_SERVICE)
    access = acting_access(
        user,
        option,
        purpose=gettext("Report a change of address"),
        organisation=address_agency(),
    )
    return registry().current_address(person_id=person_id, access=access)


def address_changes_of(*, user: Any, person_id: str, limit: int = 5) -> list[AddressChange]:
    """The person's latest reported moves, each with which agencies have been told."""
    allowed_option(user, person_id, scope=ADDRESS_CHANGE_SERVICE)
    return address_change_deliveries_for(person_id=person_id, limit=limit)


def address_change_of(*, user: Any, person_id: str, event_id: uuid.UUID) -> AddressChange:
    """One reported move of the person's; ``Http404`` for anyone else's."""
    allowed_option(user, person_id, scope=ADDRESS_CHANGE_SERVICE)
    changes = address_change_deliveries_for(person_id=person_id, limit=CHANGES_LOOKED_UP)
    found = next((change for change in changes if change.event_id == event_id), None)
    if found is None:
        raise Http404("no such change of address")
    return found


# --- delegations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DelegationLists:
    """The signed-in person's delegations: those they gave, and those given to them."""

    given: list[Delegation]
    received: list[Delegation]


def _mine(user: Any) -> Q:
    me = person_id_for(user)
    given = Q(granted_by=user) | (Q(grantor_person_id=me) if me else Q(pk__in=[]))
    received = Q(delegate_user=user) | Q(delegate_user__isnull=True, delegate_email=user.email)
    if me:
        received |= Q(delegate_person_id=me)
    return given | received


def delegations_of(*, user: Any) -> DelegationLists:
    """Every delegation the signed-in person gave or was given, newest first."""
    me = person_id_for(user)
    rows = list(
        Delegation.objects.filter(_mine(user))
        .select_related("granted_by", "delegate_user")
        .order_by("-created_at")
    )
    given = [d for d in rows if d.granted_by_id == user.pk or str(d.grantor_person_id) == me]
    received = [d for d in rows if d not in given]
    return DelegationLists(given=given, received=received)


def delegation_of(*, user: Any, delegation_id: uuid.UUID) -> Delegation:
    """One delegation the signed-in person is a party to; ``Http404`` for anyone else."""
    found = (
        Delegation.objects.filter(_mine(user), pk=delegation_id)
        .select_related("granted_by", "delegate_user")
        .prefetch_related("history")
        .first()
    )
    if found is None:
        raise Http404("no such delegation")
    return found
