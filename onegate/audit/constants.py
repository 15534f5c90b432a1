"""The audit log's vocabulary: who can act, the known actions grouped by domain, chain constants.

An action is refused by ``audit_record`` unless it is a member of one of ``ACTION_GROUPS``; a new
event type is added here, in its domain's group, so the list of everything the platform can record
stays in one reviewable place. Values are ``"<domain>.<what happened>"`` and never change once
written, because they are part of each row's hash.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeAlias

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorType(models.TextChoices):
    """Who performed an audited action."""

    USER = "user", _("Signed-in user")  # a person with an account; actor_id is their user key
    SYSTEM = "system", _("System")  # the platform itself: a job, a rule, a migration
    ANONYMOUS = "anonymous", _("Anonymous visitor")  # not signed in; actor_id is empty


class IdentityAction(StrEnum):
    """Accounts, sign-in, assurance, relationships and delegation."""

    SIGNED_IN = "identity.signed_in"
    SIGNED_OUT = "identity.signed_out"
    SIGN_IN_FAILED = "identity.sign_in_failed"
    MFA_ENROLLED = "identity.mfa_enrolled"
    ASSURANCE_RAISED = "identity.assurance_raised"
    PROFILE_VIEWED = "identity.profile_viewed"
    RELATIONSHIP_VERIFIED = "identity.relationship_verified"
    DELEGATION_GRANTED = "identity.delegation_granted"
    DELEGATION_REVOKED = "identity.delegation_revoked"


class RegistryAction(StrEnum):
    """Reads of authoritative records (people, families, travel documents, addresses)."""

    PERSON_LOOKED_UP = "registries.person_looked_up"
    TRAVEL_DOCUMENT_LOOKED_UP = "registries.travel_document_looked_up"
    DATA_READ = "registries.data_read"  # any registry question answered for someone else
    CORRECTION_REQUESTED = "registries.correction_requested"
    CORRECTION_RESOLVED = "registries.correction_resolved"
    ADDRESS_CHANGED = "registries.address_changed"
    EVENT_PUBLISHED = "registries.event_published"
    EVENT_DELIVERED = "registries.event_delivered"
    EVENT_DELIVERY_FAILED = "registries.event_delivery_failed"
    EVENT_DELIVERY_RETRIED = "registries.event_delivery_retried"
    EVENT_SUBSCRIPTION_SET = "registries.event_subscription_set"
    REMOTE_QUERY_SENT = "registries.remote_query_sent"  # this node asked another node
    REMOTE_QUERY_ANSWERED = "registries.remote_query_answered"  # another node asked this one
    POPULATION_GENERATED = "registries.population_generated"  # one record per generator run
    DEMO_PEOPLE_LOADED = "registries.demo_people_loaded"  # the named demo people added or refreshed
    TRAVEL_DOCUMENT_REGISTERED = "registries.travel_document_registered"


class CatalogueAction(StrEnum):
    """Changes to the service catalogue: data files loaded, records edited by staff."""

    LOADED = "catalogue.loaded"
    RECORD_SAVED = "catalogue.record_saved"
    RECORD_DELETED = "catalogue.record_deleted"


class DefinitionAction(StrEnum):
    """Service definitions and their versions."""

    VERSION_PUBLISHED = "definitions.version_published"
    VERSION_WITHDRAWN = "definitions.version_withdrawn"


class CaseAction(StrEnum):
    """Applications and the life of a case."""

    APPLICATION_SUBMITTED = "cases.application_submitted"
    APPLICATION_WITHDRAWN = "cases.application_withdrawn"
    CASE_VIEWED = "cases.case_viewed"
    CASE_ASSIGNED = "cases.case_assigned"
    INFORMATION_REQUESTED = "cases.information_requested"
    DECISION_MADE = "cases.decision_made"


class CredentialAction(StrEnum):
    """Issued entitlements and their verification by relying parties."""

    ISSUED = "credentials.issued"
    REVOKED = "credentials.revoked"
    VERIFIED = "credentials.verified"


class NotifyAction(StrEnum):
    """Messages sent to people."""

    MESSAGE_SENT = "notify.message_sent"


class AppointmentAction(StrEnum):
    """Bookings at service centres."""

    BOOKED = "appointments.booked"
    CANCELLED = "appointments.cancelled"


class AuditLogAction(StrEnum):
    """Reads of the audit log itself, so watching the watchers leaves a trace too."""

    EVENT_VIEWED = "audit.event_viewed"


ACTION_GROUPS = (
    IdentityAction,
    RegistryAction,
    CatalogueAction,
    DefinitionAction,
    CaseAction,
    CredentialAction,
    NotifyAction,
    AppointmentAction,
    AuditLogAction,
)

AuditAction: TypeAlias = (
    IdentityAction
    | RegistryAction
    | CatalogueAction
    | DefinitionAction
    | CaseAction
    | CredentialAction
    | NotifyAction
    | AppointmentAction
    | AuditLogAction
)

KNOWN_ACTIONS: frozenset[str] = frozenset(
    action.value for group in ACTION_GROUPS for action in group
)

# The previous_hash of the first row in the chain: 64 hex zeros, the length of a SHA-256 digest.
GENESIS_HASH = "0" * 64

# Rows chained per transaction: small enough to keep the chain-head lock short.
CHAIN_BATCH_SIZE = 1000
# Transactions per run of the periodic job, so catching up after an outage cannot hold up the
# scheduler's other jobs for long; what is left is chained on the next runs.
CHAIN_BATCHES_PER_JOB_RUN = 20


class BreakReason(StrEnum):
    """Why verification stopped at a row."""

    SEQUENCE_GAP = "sequence_gap"  # the next row's sequence is not the previous one plus one
    PREVIOUS_HASH_MISMATCH = "previous_hash_mismatch"  # the row does not point at its predecessor
    ROW_HASH_MISMATCH = "row_hash_mismatch"  # the row's content was changed after chaining
    HEAD_MISMATCH = "head_mismatch"  # rows at the end of the chain are missing or replaced
