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
    # organisations: joiners, leavers, teams and service centres
    STAFF_ROLE_GRANTED = "identity.staff_role_granted"
    STAFF_ROLE_ENDED = "identity.staff_role_ended"
    STAFF_ROLE_REFUSED = "identity.staff_role_refused"  # a grant or end someone may not make
    TEAM_CREATED = "identity.team_created"
    TEAM_RENAMED = "identity.team_renamed"
    SERVICE_CENTRE_SAVED = "identity.service_centre_saved"
    SERVICE_CENTRE_HOURS_CHANGED = "identity.service_centre_hours_changed"
    SERVICE_CENTRE_MOVED = "identity.service_centre_moved"
    DEMO_STAFF_LOADED = "identity.demo_staff_loaded"
    # proofing: identity proofing attempts, links to registry people, step-up
    PROOFING_ATTEMPTED = "identity.proofing_attempted"  # any outcome, including refusals
    IDENTITY_PROVED = "identity.identity_proved"  # an account linked to a registry person
    DEMO_CITIZENS_LOADED = "identity.demo_citizens_loaded"  # demo citizens' accounts made
    # acting: acting for others (children, wards, delegations) and the person's own pages
    DELEGATION_OFFERED = "identity.delegation_offered"
    DELEGATION_ACCEPTED = "identity.delegation_accepted"
    DELEGATION_DECLINED = "identity.delegation_declined"
    DELEGATION_EXPIRED = "identity.delegation_expired"
    DELEGATION_REFUSED = "identity.delegation_refused"  # an offer, answer or revocation refused
    ACTING_FOR_CHOSEN = "identity.acting_for_chosen"  # the header switch: now acting for someone
    ACTING_REFUSED = "identity.acting_refused"  # asked to act for someone they may not act for
    ACCESS_LOG_VIEWED = "identity.access_log_viewed"  # "who looked at my data", for someone else
    ADDRESS_CHANGE_REPORTED = "identity.address_change_reported"  # by the person or for them
    # oidc: sign-ins to agencies' systems over OpenID Connect, consent, refusals, clients
    OIDC_SIGNED_IN = "identity.oidc_signed_in"  # a code issued to a client for a person
    OIDC_TOKENS_ISSUED = "identity.oidc_tokens_issued"  # that code exchanged (refreshes: not)
    OIDC_CONSENT_GIVEN = "identity.oidc_consent_given"
    OIDC_CONSENT_REFUSED = "identity.oidc_consent_refused"
    OIDC_REQUEST_REFUSED = "identity.oidc_request_refused"  # a bad authorization/logout request
    OIDC_TOKEN_REFUSED = "identity.oidc_token_refused"  # noqa: S105  (an event, not a secret)
    OIDC_CODE_REPLAYED = "identity.oidc_code_replayed"  # the tokens from that code revoked
    OIDC_SIGNED_OUT = "identity.oidc_signed_out"  # signed out at a client's request
    OIDC_CLIENT_SAVED = "identity.oidc_client_saved"  # registered or changed by an administrator
    # accounts: sign-in methods and sessions (SIGNED_IN, SIGNED_OUT, SIGN_IN_FAILED, MFA_ENROLLED
    # above are recorded by identity/account_events.py too)
    MFA_REMOVED = "identity.mfa_removed"  # an authenticator app or passkey removed
    PASSWORD_CHANGED = "identity.password_changed"  # noqa: S105 (an event name); changed, set or reset
    EMAIL_ADDRESS_CHANGED = "identity.email_address_changed"  # added, removed or made main
    SESSIONS_ENDED = "identity.sessions_ended"  # "sign out of other devices" or "everywhere"
    # identity links: ended (death, the person, support), lowered (a card lost or cancelled)
    IDENTITY_LINK_ENDED = "identity.identity_link_ended"  # account no longer linked to a person
    IDENTITY_LINK_LOWERED = "identity.identity_link_lowered"  # must be proved again to count
    SUPPORT_ACCOUNT_VIEWED = "identity.support_account_viewed"  # staff looked an account up
    SIGNED_UP = "identity.signed_up"  # an account created (allauth's user_signed_up)
    EMAIL_ADDRESS_CONFIRMED = "identity.email_address_confirmed"  # a code or link confirmed it
    RECOVERY_CODES_REGENERATED = "identity.recovery_codes_regenerated"  # the old set stops working


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
    DEATH_RECORDED = "registries.death_recorded"  # a date of death entered on the civil register
    ID_CARD_STATUS_CHANGED = "registries.id_card_status_changed"  # replaced, lost or cancelled


class CatalogueAction(StrEnum):
    """Changes to the service catalogue: data files loaded, records edited by staff."""

    LOADED = "catalogue.loaded"
    RECORD_SAVED = "catalogue.record_saved"
    RECORD_DELETED = "catalogue.record_deleted"


class DefinitionAction(StrEnum):
    """Service definitions and their versions."""

    VERSION_PUBLISHED = "definitions.version_published"
    # issue 7: the rest of a version's life (VERSION_WITHDRAWN, never written, became RETIRED)
    DRAFT_SAVED = "definitions.draft_saved"  # a draft created or its text replaced (edit, import)
    VERSION_ROLLED_BACK = "definitions.version_rolled_back"  # an earlier text published as newest
    VERSION_RETIRED = "definitions.version_retired"  # no new applications start on it


class CaseAction(StrEnum):
    """Applications and the life of a case."""

    APPLICATION_SUBMITTED = "cases.application_submitted"
    APPLICATION_WITHDRAWN = "cases.application_withdrawn"
    CASE_VIEWED = "cases.case_viewed"
    CASE_ASSIGNED = "cases.case_assigned"
    INFORMATION_REQUESTED = "cases.information_requested"
    DECISION_MADE = "cases.decision_made"  # payload "by": "rules", "officer" or "four_eyes"
    # issue 9: the rest of a case's life, and reads of it
    CASE_OPENED = "cases.case_opened"  # from a sent application, one per person it is for
    RULES_EVALUATED = "cases.rules_evaluated"  # the rules ran (approve, refuse or refer)
    CASE_RELEASED = "cases.case_released"  # an officer put it back in the queue
    NOTE_ADDED = "cases.note_added"
    INFORMATION_ANSWERED = "cases.information_answered"
    REFUSAL_PROPOSED = "cases.refusal_proposed"  # the first officer of a four-eyes refusal
    REFUSAL_CONFIRMED = "cases.refusal_confirmed"  # the second officer: the case is refused
    REFUSAL_REJECTED = "cases.refusal_rejected"  # the second officer did not agree
    REVIEW_ASKED = "cases.review_asked"  # a refusal reviewed: a new case opened
    ACTION_REFUSED = "cases.action_refused"  # a change refused: stale form, state, not allowed
    CASE_ACCESS_REFUSED = "cases.access_refused"  # a case asked for by someone who may not see it
    FILE_DOWNLOADED = "cases.file_downloaded"  # a file given with an answer, or the application's
    NOTICE_VIEWED = "cases.notice_viewed"  # a decision notice read (page or PDF)
    MOVE_NOT_RECORDED = "cases.move_not_recorded"  # an approved move the house register refused
    MOVE_SCHEDULED = "cases.move_scheduled"  # an approved future move waits for its moving day


class CredentialAction(StrEnum):
    """Issued entitlements and their verification by relying parties."""

    ISSUED = "credentials.issued"
    REVOKED = "credentials.revoked"
    VERIFIED = "credentials.verified"
    # issue 10: the rest of an entitlement's life, its credentials and the issuer's keys
    CREDENTIAL_ISSUED = "credentials.credential_issued"  # a signed SD-JWT VC made for it
    SUSPENDED = "credentials.suspended"
    REINSTATED = "credentials.reinstated"
    EXPIRED = "credentials.expired"  # by the daily job, past its valid_until
    LOST_REPORTED = "credentials.lost_reported"  # the old credential suspended, a new one issued
    KEY_CREATED = "credentials.key_created"
    KEY_ROTATED = "credentials.key_rotated"
    KEY_PRUNED = "credentials.key_pruned"  # a retired key no longer published
    CHECK_REFUSED = "credentials.check_refused"  # a verification API question refused
    ACTION_REFUSED = "credentials.action_refused"  # a change refused: stale, state, not allowed
    RELYING_PARTY_REGISTERED = "credentials.relying_party_registered"  # an API client added
    ENTITLEMENT_VIEWED = "credentials.entitlement_viewed"  # an officer opened one (with numbers)
    SEARCHED = "credentials.searched"  # an officer searched (a digest of the words, not them)


class NotifyAction(StrEnum):
    """Messages sent to people."""

    MESSAGE_SENT = "notify.message_sent"
    # Messages (issue 6): the outbox, operators' retries, the inbox and preferences
    MESSAGE_FAILED = "notify.message_failed"  # refused for good, or bounced
    MESSAGE_DEAD = "notify.message_dead"  # gave up after retrying for the whole period
    MESSAGE_RETRIED = "notify.message_retried"  # an operator sent a failed message again
    MESSAGE_STATUS_REPORTED = "notify.message_status_reported"  # a delivery receipt
    MESSAGE_READ = "notify.message_read"
    PREFERENCES_CHANGED = "notify.preferences_changed"
    CONTACT_CODE_SENT = "notify.contact_code_sent"
    CONTACT_VERIFIED = "notify.contact_verified"
    CONTACT_CODE_REFUSED = "notify.contact_code_refused"


class AppointmentAction(StrEnum):
    """Bookings at service centres."""

    BOOKED = "appointments.booked"
    CANCELLED = "appointments.cancelled"
    # issue 6: the rest of a booking's life, slots, centres' closures and moves
    RESCHEDULED = "appointments.rescheduled"  # to another slot (also a moved booking rebooked)
    CHECKED_IN = "appointments.checked_in"  # at the desk, by a centre officer
    NO_SHOW = "appointments.no_show"  # marked by a centre officer after the slot started
    MOVED = "appointments.moved"  # the centre closed that day or moved: needs a new time
    REMINDED = "appointments.reminded"  # the day-before reminder handed to notify
    REFUSED = "appointments.refused"  # asked for (or to change) a booking they may not see
    DAY_VIEWED = "appointments.day_viewed"  # a centre officer read a day's list of people
    SLOTS_GENERATED = "appointments.slots_generated"
    CENTRE_PROFILE_SET = "appointments.centre_profile_set"  # coordinates and facilities
    CENTRE_DAY_CLOSED = "appointments.centre_day_closed"
    CENTRE_MOVED = "appointments.centre_moved"
    HOLIDAYS_LOADED = "appointments.holidays_loaded"
    DEMO_LOADED = "appointments.demo_loaded"


class RunnerAction(StrEnum):
    """Applications while they are filled in (issue 8); submitting is ``CaseAction``."""

    DRAFT_STARTED = "runner.draft_started"  # an application begun, pinned to a version
    DRAFT_SAVED = "runner.draft_saved"  # a page's answers saved
    DRAFT_DELETED = "runner.draft_deleted"  # by the person (or the staff member assisting)
    DRAFT_EXPIRED = "runner.draft_expired"  # removed by the expiry job, files too
    DRAFT_REMINDED = "runner.draft_reminded"  # "your draft expires soon" handed to notify
    FACTS_READ = "runner.facts_read"  # registry facts read (again) into a draft
    SUBJECT_REMOVED = "runner.subject_removed"  # a child not eligible taken off an application
    FILE_UPLOADED = "runner.file_uploaded"
    FILE_REMOVED = "runner.file_removed"
    FILE_REFUSED = "runner.file_refused"  # too big, wrong type, active content, a virus
    FILE_DOWNLOADED = "runner.file_downloaded"  # by someone other than the person who gave it
    ACCESS_REFUSED = "runner.access_refused"  # another person's application asked for (a 404)
    ASSISTED_STARTED = "runner.assisted_started"  # centre staff began one with a person present
    ASSISTED_VIEWED = "runner.assisted_viewed"  # the officer assisting read the person's pages
    CORRECTION_ASKED = "runner.correction_asked"  # "Is this wrong?": a prefilled fact reported


class InsightsAction(StrEnum):
    """Service performance (issue 11): service owners' figures and reads of free-text comments."""

    INPUTS_SAVED = "insights.inputs_saved"  # paper and phone volumes, costs, for a month
    INPUTS_REFUSED = "insights.inputs_refused"  # a stale form or a month not allowed
    COMMENTS_VIEWED = "insights.comments_viewed"  # survey comments may hold what people typed


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
    RunnerAction,
    InsightsAction,
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
    | RunnerAction
    | InsightsAction
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
