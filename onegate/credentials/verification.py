"""Verification: "does the person holding this document hold a valid entitlement of this type?"

One function answers the question for every channel (the API for relying parties, the border
gate page): ``entitlement_check`` normalises the document, finds the entitlements linked to it in
one indexed query (compiled once, run with each check's values), and writes a
``VerificationCheck`` (with a keyed digest of the document, never the number) together with —
when an entitlement matched — the holder's access record and its audit record, so "who looked at
my data" shows every check. The rows are the ones ``registries.access.access_record_write`` and
``audit.services.audit_record`` write, inserted by ``rows_insert`` in one transaction before the
answer is given (on PostgreSQL one statement). Then it answers with no more than the checker may
be told.

``credential_check`` verifies a presented SD-JWT VC (a QR payload) against this server's own
published keys and status lists, without HTTP, through the offline verifier's code.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import CredentialAction
from onegate.audit.services import audit_event_build
from onegate.credentials.constants import (
    DEFAULT_DISCLOSURES,
    CheckChannel,
    CheckResult,
    Disclosure,
    EntitlementStatus,
    LinkScheme,
)
from onegate.credentials.models import EntitlementLink, RelyingParty, VerificationCheck
from onegate.registries.access import access_records_build
from onegate.registries.adapters.base import AccessContext
from onegate.registries.constants import AccessorKind
from onegate.registries.identifiers import country_code_normalise, thai_national_id_normalise

if TYPE_CHECKING:
    from onegate_verify.verify import Verdict

# What the access record says was read: the person's entitlement of the type asked about.
CHECK_FACT = "credentials.entitlement"
CHECK_QUESTION = "credentials.entitlement_check"
DIGEST_SALT = "onegate.credentials.verification.document"
# Passport numbers: letters and digits only once spaces, fillers and dashes are gone.
_PASSPORT_NUMBER = re.compile(r"[A-Z0-9]{1,20}")
_PASSPORT_NOISE = str.maketrans("", "", " <-\t")
# "Not found": nothing is linked to the document (shown only with the status disclosure).
STATUS_NOT_FOUND = "not_found"
STATUS_NOT_YET_VALID = "not_yet_valid"


@dataclass(frozen=True)
class DocumentRef:
    """A document as entitlements are linked to it: normalised number and issuing state."""

    scheme: LinkScheme
    number: str
    issuing_state: str = ""


def passport_number_normalise(number: str) -> str:
    """A passport number as links store it: upper case, no spaces, MRZ fillers or dashes (not
    checked: ``document_normalise`` refuses what is not a passport number)."""
    return str(number or "").upper().translate(_PASSPORT_NOISE)


def document_normalise(scheme: str, number: str, issuing_state: str = "") -> DocumentRef:
    """The document as links store it; raises a translated ``ValidationError`` if it is not one.

    Passports: upper case with spaces, ``<`` fillers and dashes removed, the issuing state as its
    ICAO code. National IDs: the 13 digits, issued by "THA".
    """
    if scheme == LinkScheme.PASSPORT:
        value = passport_number_normalise(number)
        if not _PASSPORT_NUMBER.fullmatch(value):
            raise ValidationError(
                _("Enter the passport number as it is printed: letters and digits only."),
                code="passport_number",
            )
        if not str(issuing_state).strip():
            raise ValidationError(
                _("Enter the passport's issuing state, for example GBR."), code="issuing_state"
            )
        state = country_code_normalise(issuing_state)
        return DocumentRef(LinkScheme.PASSPORT, value, state)
    if scheme == LinkScheme.NATIONAL_ID:
        return DocumentRef(LinkScheme.NATIONAL_ID, thai_national_id_normalise(number), "THA")
    raise ValidationError(
        _("The document type must be passport or national_id."), code="document_type"
    )


def document_digest(document: DocumentRef) -> str:
    """A keyed hash of the normalised document: countable, not reversible without the key."""
    value = f"{document.scheme}:{document.issuing_state}:{document.number}"
    return salted_hmac(DIGEST_SALT, value, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class Checker:
    """Who asks, for which organisation, through which channel, and what they may be told.

    ``label`` and ``organisation`` are what the holder sees in "who looked at my data";
    ``accessor_id`` is the API client id or the officer's account key.
    """

    relying_party: RelyingParty | None
    label: str
    organisation: str
    channel: CheckChannel
    user: Any = None
    disclosures: frozenset[str] = DEFAULT_DISCLOSURES
    accessor_id: str = ""

    @property
    def accessor_kind(self) -> AccessorKind:
        return AccessorKind.STAFF if self.user is not None else AccessorKind.AGENCY_SYSTEM


@dataclass(frozen=True)
class CheckAnswer:
    """The answer, already narrowed to the checker's disclosures (None: not disclosed)."""

    valid: bool
    valid_until: dt.date | None
    status: str | None
    conditions: list[dict[str, str]] | None
    holder_name: dict[str, str] | None
    check_id: str
    entitlement_type: str
    on: dt.date
    # The entitlement's title ({"en", "th"}), to name it on a page; not personal data.
    title: dict[str, str] = field(default_factory=dict)


def entitlement_check(
    *,
    document: DocumentRef,
    entitlement_type: str,
    on: dt.date,
    purpose: str,
    checker: Checker,
) -> CheckAnswer:
    """Answer the question for ``document`` on ``on``; every check is recorded for the holder.

    One read (the links with their entitlements) and one write: the check, the holder's access
    record and its audit record in one transaction, committed before the answer is given.
    """
    entitlement = _best_match(_links_found(document, entitlement_type), on)
    valid = entitlement is not None and _valid_on(entitlement, on)
    now = timezone.now()
    check = VerificationCheck(
        checked_at=now,
        entitlement_id=entitlement.id if entitlement is not None else None,
        relying_party=checker.relying_party,
        checked_by=checker.label[:200],
        organisation=checker.organisation[:200],
        channel=checker.channel,
        purpose=purpose[:300],
        entitlement_type=entitlement_type,
        on_date=on,
        document_scheme=document.scheme,
        document_digest=document_digest(document),
        result=CheckResult.VALID if valid else CheckResult.NOT_VALID,
    )
    rows_insert([check, *_record(check=check, entitlement=entitlement, checker=checker, now=now)])
    return _answer(check=check, entitlement=entitlement, valid=valid, checker=checker)


class _Found(NamedTuple):
    """What a check needs of one entitlement linked to the document."""

    id: Any
    status: str
    valid_from: dt.date
    valid_until: dt.date | None
    issued_at: dt.datetime
    holder_id: Any
    conditions: list[dict[str, str]]
    holder_names: dict[str, str]
    title: dict[str, str]


_FOUND_FIELDS = tuple(
    "entitlement_id" if name == "id" else f"entitlement__{name}" for name in _Found._fields
)


@dataclass(frozen=True)
class _CompiledLookup:
    sql: str
    slots: tuple[int, ...]  # where scheme, value, issuing_state and type go in the parameters
    params: tuple[Any, ...]
    compiler: SQLCompiler
    converters: dict[int, Any]


_LOOKUP_KEYS = ("scheme", "value", "issuing_state", "entitlement_type")
_compiled = threading.local()  # per thread, as connections are: {alias: _CompiledLookup}


def _links_found(document: DocumentRef, entitlement_type: str) -> list[_Found]:
    """The entitlements linked to the document, in one indexed query.

    The ORM query (``values_list`` across the join) is compiled once per thread and database
    alias; each check runs its SQL with its own values and the ORM's own converters. Compiling it
    every time cost more CPU than the rest of the check together.
    """
    known: dict[str, _CompiledLookup] = _compiled.__dict__
    compiled = known.get(connection.alias)
    if compiled is None:
        compiled = known[connection.alias] = _lookup_compile()
    params = list(compiled.params)
    values = (document.scheme, document.number, document.issuing_state, entitlement_type)
    for slot, value in zip(compiled.slots, values, strict=True):
        params[slot] = value
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    if compiled.converters:
        rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
    return [_Found(*row) for row in rows]


def _lookup_compile() -> _CompiledLookup:
    markers = {key: f"\x00{key}" for key in _LOOKUP_KEYS}  # values no document can have
    query = EntitlementLink.objects.filter(**markers).values_list(*_FOUND_FIELDS).query
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    slots = tuple(params.index(markers[key]) for key in _LOOKUP_KEYS)
    if len(params) != len(slots):
        raise RuntimeError("the entitlement lookup has parameters it does not expect")
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    return _CompiledLookup(sql, slots, tuple(params), compiler, converters)


def _valid_on(entitlement: _Found, on: dt.date) -> bool:
    return (
        entitlement.status == EntitlementStatus.ACTIVE
        and entitlement.valid_from <= on
        and (entitlement.valid_until is None or on <= entitlement.valid_until)
    )


def _best_match(entitlements: list[_Found], on: dt.date) -> _Found | None:
    """A valid one lasting longest if there is one; else the latest issued (to say why not)."""
    valid = [entitlement for entitlement in entitlements if _valid_on(entitlement, on)]
    if valid:
        return max(valid, key=lambda e: e.valid_until or dt.date.max)
    return max(entitlements, key=lambda e: e.issued_at, default=None)


def _record(
    *, check: VerificationCheck, entitlement: _Found | None, checker: Checker, now: dt.datetime
) -> list[Model]:
    """The holder's access record and its audit record, or an audit record when none matched:
    built by ``registries.access`` and ``audit`` themselves (the rows their writers write), so
    that ``rows_insert`` can write them with the check in one statement."""
    purpose = check.purpose
    if entitlement is not None:
        access = AccessContext(
            kind=checker.accessor_kind,
            accessor_id=checker.accessor_id or "unknown",
            accessor_label=checker.label,
            organisation=checker.organisation,
            purpose=purpose,
            channel=str(checker.channel),
            user=checker.user,
        )
        records, event = access_records_build(
            access=access,
            question=CHECK_QUESTION,
            person_ids=[str(entitlement.holder_id)],
            facts=[CHECK_FACT],
            at=now,
        )
        return [*records, *([event] if event is not None else [])]
    event = audit_event_build(
        actor=checker.user,
        action=CredentialAction.VERIFIED,
        subject_type="credentials.verification_check",
        subject_id=check.pk,
        purpose=purpose or "verification",
        payload={
            "result": CheckResult.NOT_VALID.value,
            "entitlement_type": check.entitlement_type,
            "document_scheme": check.document_scheme,
            "channel": str(checker.channel),
            "organisation": checker.organisation,
            "relying_party": checker.relying_party.pk if checker.relying_party else None,
        },
        at=now,
    )
    return [event]


def rows_insert(rows: Sequence[Model]) -> None:
    """Insert new rows of plain models (no signals, no auto fields) all or none.

    On PostgreSQL one statement, the inserts in data-modifying CTEs, is its own transaction (or
    part of the caller's). Elsewhere one ``INSERT`` a row in one transaction. The values are
    what the ORM would send (``pre_save`` and ``get_db_prep_save`` of each concrete field).
    """
    statements = [_insert_statement(row) for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            *before, (last_sql, last_params) = statements
            ctes = ", ".join(f"w{index} AS ({sql})" for index, (sql, _p) in enumerate(before))
            params = [param for _sql, statement_params in before for param in statement_params]
            sql = f"WITH {ctes} {last_sql}" if before else last_sql
            cursor.execute(sql, [*params, *last_params])
            return
        with transaction.atomic():
            for sql, params in statements:
                cursor.execute(sql, params)


_INSERT_SQL: dict[type[Model], str] = {}


def _insert_statement(row: Model) -> tuple[str, list[Any]]:
    model = type(row)
    fields = model._meta.concrete_fields
    sql = _INSERT_SQL.get(model)
    if sql is None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(field.column)) for field in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        _INSERT_SQL[model] = sql
    return sql, [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]


def _status(entitlement: _Found | None, on: dt.date, valid: bool) -> str:
    if entitlement is None:
        return STATUS_NOT_FOUND
    if valid or entitlement.status != EntitlementStatus.ACTIVE:
        return str(entitlement.status)
    if on < entitlement.valid_from:
        return STATUS_NOT_YET_VALID
    return EntitlementStatus.EXPIRED.value


def _answer(
    *, check: VerificationCheck, entitlement: _Found | None, valid: bool, checker: Checker
) -> CheckAnswer:
    allowed = checker.disclosures
    return CheckAnswer(
        valid=valid,
        valid_until=(
            entitlement.valid_until
            if valid and entitlement is not None and Disclosure.VALID_UNTIL in allowed
            else None
        ),
        status=_status(entitlement, check.on_date, valid) if Disclosure.STATUS in allowed else None,
        conditions=(
            list(entitlement.conditions)
            if valid and entitlement is not None and Disclosure.CONDITIONS in allowed
            else None
        ),
        holder_name=(
            dict(entitlement.holder_names)
            if valid and entitlement is not None and Disclosure.HOLDER_NAME in allowed
            else None
        ),
        check_id=str(check.pk),
        entitlement_type=check.entitlement_type,
        on=check.on_date,
        title=dict(entitlement.title) if valid and entitlement is not None else {},
    )


# --- presented credentials (QR codes) ----------------------------------------------------------


class _StatusListUnknown(LookupError):
    """A credential points at a status list this server does not publish."""


def credential_check(*, payload: str, now: int | None = None) -> Verdict:
    """Verify a presented SD-JWT VC with this server's keys and status lists (no HTTP)."""
    from onegate.credentials.selectors import credential_issuer_url, trusted_keys
    from onegate_verify.verify import credential_verify

    issuer = credential_issuer_url()
    return credential_verify(
        payload.strip(),
        keys=trusted_keys(),
        issuer=issuer,
        now=int(time.time()) if now is None else now,
        status_token_for=lambda uri: _own_status_token(issuer, uri),
    )


def _own_status_token(issuer: str, uri: str) -> str:
    from onegate.credentials.services import status_list_token

    prefix = f"{issuer}/credentials/status/"
    list_id = uri[len(prefix) :] if uri.startswith(prefix) else ""
    if not list_id.isdigit():
        raise _StatusListUnknown(uri)
    token, _etag = status_list_token(list_id=int(list_id))
    return token
