"""The service definition language as typed objects: what a definition file may say.

A definition file (YAML or JSON) is parsed once into these pydantic models; nothing downstream
reads the raw mapping. The published JSON Schema (``docs/schema/service-definition.schema.json``)
is generated from these classes, so the schema and the parser cannot disagree. Checks that need
more than one part of the file at once (a rule naming a field that exists, a cycle between
conditions, a translation missing) live in ``checks``; CEL compilation lives in ``rules``.

Every model forbids unknown keys: a misspelt key is an error with its location, never ignored.
Every list has a ceiling (``MAX_PAGES`` and the others below), far above what a service needs,
so that no file can make the checks or the evaluation slow.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

FORMAT: Literal["onegate/service-definition/1"] = "onegate/service-definition/1"

# Identifiers of pages, fields, rules, facts and options: lower snake case, as CEL names them.
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
# A CEL expression; compiled and checked against the declared context by ``rules``.
Expression = Annotated[str, Field(min_length=1)]
# Text in every supported language, {"en": …, "th": …}; ``checks`` reports a missing language.
Text = dict[str, str]

# How many of each a definition may have; a 50-page service uses a fraction of each.
MAX_PAGES = 200
MAX_FIELDS_PER_PAGE = 50  # also the fields of one group
MAX_OPTIONS = 500
MAX_COMPUTED = 200
MAX_ELIGIBILITY_RULES = 100
MAX_DECISION_RULES = 200
MAX_VALIDATIONS = 20  # per field
MAX_TESTS = 200


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Level(StrEnum):
    LOW = "low"
    SUBSTANTIAL = "substantial"
    HIGH = "high"


class Outcome(StrEnum):
    APPROVE = "approve"  # decided automatically in the applicant's favour
    REFER = "refer"  # a person decides (a case worker's queue)
    REFUSE = "refuse"  # decided automatically against; always with a reason


class Applicants(Strict):
    """Who may apply: for themselves, for their children (from the registry), for a delegator."""

    self: bool = True
    child: bool = False
    delegated: bool = False
    several_children: bool = False  # one application covering several children at once
    # Youngest and oldest age (in whole years, on the day of applying) of a child applied for.
    child_max_age: int | None = Field(default=None, ge=0, le=25)


class Option(Strict):
    value: Identifier
    label: Text
    hint: Text | None = None


class Validation(Strict):
    """A rule the answer must meet (CEL, true when valid) and the message shown when it does not."""

    rule: Expression
    message: Text


class FieldBase(Strict):
    id: Identifier
    label: Text
    hint: Text | None = None
    required: bool = True
    condition: Expression | None = None  # shown only when true; hidden answers are discarded
    validations: list[Validation] = Field(default_factory=list, max_length=MAX_VALIDATIONS)
    # A registry fact shown instead of asked: "<fact alias>" or "<fact alias>.<path>".
    # A prefilled field is not editable; the person can say "this is wrong".
    prefill: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")] | None = None


class TextField(FieldBase):
    type: Literal["text", "long_text"]
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1, le=10_000)


class NumberField(FieldBase):
    type: Literal["number"]  # a whole number; CEL sees an int
    min: int | None = None
    max: int | None = None


class MoneyField(FieldBase):
    type: Literal["money"]  # baht with satang; CEL sees a double
    min: Decimal | None = None
    max: Decimal | None = None


class DateField(FieldBase):
    type: Literal["date"]  # CEL sees a timestamp at midnight UTC of that day
    not_before: Expression | None = None  # e.g. "today()"
    not_after: Expression | None = None


class SimpleField(FieldBase):
    # yes_no and declaration: bool; email, phone, thai_id, passport_number: str
    type: Literal["yes_no", "email", "phone", "thai_id", "passport_number"]


class DeclarationField(FieldBase):
    type: Literal["declaration"]  # a statement the person confirms; CEL sees true once confirmed
    statement: Text


class ChoiceField(FieldBase):
    type: Literal["radios", "select", "checkboxes"]  # checkboxes: a list of values
    options: list[Option] = Field(min_length=1, max_length=MAX_OPTIONS)


class AddressField(FieldBase):
    type: Literal["address"]
    scope: Literal["thai", "international", "any"] = "thai"


class FileField(FieldBase):
    type: Literal["file"]  # CEL sees a list of {name, size, content_type}
    accept: tuple[Literal["pdf", "jpeg", "png"], ...] = ("pdf", "jpeg", "png")
    max_size_mb: int = Field(default=10, ge=1, le=50)
    max_files: int = Field(default=1, ge=1, le=20)


class PersonField(FieldBase):
    """Pick a person the registry knows: the applicant, one of their children, their household."""

    type: Literal["person"]
    choose_from: list[Literal["self", "children", "household"]] = Field(min_length=1)


class GroupField(FieldBase):
    """A repeating group ("add another"); CEL sees a list of maps of the inner fields' answers."""

    type: Literal["group"]
    item_label: Text  # "Trip", "Child" — shown as "Trip 1", "Add another trip"
    fields: list[AnyField] = Field(min_length=1, max_length=MAX_FIELDS_PER_PAGE)
    min_items: int = Field(default=0, ge=0)
    max_items: int = Field(default=10, ge=1, le=100)


AnyField = Annotated[
    TextField
    | NumberField
    | MoneyField
    | DateField
    | SimpleField
    | DeclarationField
    | ChoiceField
    | AddressField
    | FileField
    | PersonField
    | GroupField,
    Field(discriminator="type"),
]
GroupField.model_rebuild()

FIELD_TYPES = (
    "text", "long_text", "number", "money", "date", "yes_no", "email", "phone", "thai_id",
    "passport_number", "declaration", "radios", "select", "checkboxes", "address", "file",
    "person", "group",
)  # fmt: skip


class Page(Strict):
    """One page of questions; GOV.UK style is one thing per page."""

    id: Identifier
    title: Text
    condition: Expression | None = None
    fields: list[AnyField] = Field(min_length=1, max_length=MAX_FIELDS_PER_PAGE)


class Computed(Strict):
    """A value worked out from answers and facts, usable in later rules as ``computed.<id>``."""

    id: Identifier
    expression: Expression


class EligibilityRule(Strict):
    """Must hold for the person to apply; checked as soon as its facts and answers are known."""

    id: Identifier
    rule: Expression
    reason: Text  # shown when the rule is false: "You can't apply because …"


class DecisionRule(Strict):
    id: Identifier
    when: Expression
    outcome: Outcome
    reason: Text


class Otherwise(Strict):
    outcome: Outcome
    reason: Text


class Decision(Strict):
    """Ordered rules: the first whose ``when`` holds decides; ``otherwise`` when none does."""

    rules: list[DecisionRule] = Field(default_factory=list, max_length=MAX_DECISION_RULES)
    otherwise: Otherwise


class Issues(Strict):
    """What an approval grants: an entitlement linked to the person's documents."""

    entitlement_type: Slug
    title: Text
    valid_for_days: int | None = Field(default=None, ge=1, le=36_500)
    # What the entitlement is attached to, so a gate or a clinic can check it.
    linked_to: list[Literal["passport", "national_id", "person"]] = Field(min_length=1)

    def last_valid_day(self, granted_on: dt.date) -> dt.date | None:
        """The last day the entitlement is valid: granted on day 1, valid for ``valid_for_days``
        days in all (None when it does not expire). The decision message, the entitlement and
        its credential all say this one date."""
        if not self.valid_for_days:
            return None
        return granted_on + dt.timedelta(days=self.valid_for_days - 1)


class MessageText(Strict):
    subject: Text
    body: Text
    sms: Text | None = None


class NotificationEvent(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REFUSED = "refused"
    REFERRED = "referred"
    INFORMATION_REQUESTED = "information_requested"
    DRAFT_EXPIRING = "draft_expiring"


# The placeholders each event's message may use (documented in docs/service-definitions.md).
NOTIFICATION_PLACEHOLDERS: dict[NotificationEvent, tuple[str, ...]] = {
    NotificationEvent.SUBMITTED: ("reference", "service", "name", "submitted_on", "decide_by"),
    NotificationEvent.APPROVED: ("reference", "service", "name", "decided_on", "valid_until"),
    NotificationEvent.REFUSED: ("reference", "service", "name", "reason", "decided_on"),
    NotificationEvent.REFERRED: ("reference", "service", "name", "decide_by"),
    NotificationEvent.INFORMATION_REQUESTED: (
        "reference",
        "service",
        "name",
        "reason",
        "respond_by",
    ),
    NotificationEvent.DRAFT_EXPIRING: ("service", "name", "expires_on"),
}


class Fee(Strict):
    amount: Decimal = Field(ge=0)
    currency: Literal["THB"] = "THB"


class Performance(Strict):
    """The paper baseline and the digital cost, for the service's performance page."""

    paper_cost: Decimal = Field(ge=0)  # baht per paper transaction
    paper_days: Decimal = Field(ge=0)  # days from paper application to decision
    paper_minutes_of_effort: int = Field(default=0, ge=0)  # the person's time, travel and queue
    digital_cost: Decimal = Field(ge=0)  # baht per digital transaction


class Retention(Strict):
    keep_days_after_closing: int = Field(ge=1, le=36_500)
    draft_days: int = Field(default=30, ge=1, le=365)


class Appointment(Strict):
    """The service needs a visit to a service centre; the runner offers to book one."""

    reason: Text
    minutes: int = Field(default=20, ge=5, le=240)


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _days(value: Any) -> Any:
    """ISO dates written as text (JSON has no dates) as dates, so YAML and JSON files agree."""
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return {key: _days(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_days(item) for item in value]
    return value


class Example(Strict):
    """A rules test: an application and what the rules must make of it.

    In ``facts``, ``answers`` and ``expect_computed`` a text like "2026-01-31" is a date.
    """

    name: str = Field(min_length=1)
    applicant: Literal["self", "child", "delegated"] = "self"
    today: dt.date | None = None  # pins ``today()``; the day the test is run when absent
    facts: dict[str, Any] = Field(default_factory=dict)
    answers: dict[str, Any] = Field(default_factory=dict)
    expect_eligible: bool = True
    expect_ineligible_because: Identifier | None = None  # the first failing eligibility rule
    expect_outcome: Outcome | None = None
    expect_rule: Identifier | None = None  # the decision rule that decides; "otherwise" if none
    expect_computed: dict[str, Any] = Field(default_factory=dict)

    @field_validator("facts", "answers", "expect_computed", mode="before")
    @classmethod
    def _read_days(cls, value: Any) -> Any:
        return _days(value)


class ServiceDefinition(Strict):
    """A whole service: the root of a definition file."""

    format: Literal["onegate/service-definition/1"] = FORMAT
    service: Slug  # the catalogue slug
    title: Text
    summary: Text
    agency: Slug
    level_of_assurance: Level
    applicants: Applicants = Field(default_factory=Applicants)
    # Registry facts the service reads, each under a short alias used in rules as facts.<alias>:
    # {"date_of_birth": "person.date_of_birth", "passport": "person.passport"}
    facts: dict[Identifier, str] = Field(default_factory=dict)
    pages: list[Page] = Field(min_length=1, max_length=MAX_PAGES)
    computed: list[Computed] = Field(default_factory=list, max_length=MAX_COMPUTED)
    eligibility: list[EligibilityRule] = Field(
        default_factory=list, max_length=MAX_ELIGIBILITY_RULES
    )
    decision: Decision
    issues: Issues | None = None
    notifications: dict[NotificationEvent, MessageText] = Field(default_factory=dict)
    sla_working_days: int = Field(ge=1, le=365)
    fee: Fee | None = None
    performance: Performance
    retention: Retention
    appointment: Appointment | None = None
    tests: list[Example] = Field(default_factory=list, max_length=MAX_TESTS)

    def all_fields(self) -> list[tuple[Page, AnyField]]:
        """Every top-level field with its page, in the order the person meets them."""
        return [(page, field) for page in self.pages for field in page.fields]


def definition_json_schema() -> dict[str, Any]:
    """The JSON Schema published at ``docs/schema/service-definition.schema.json``."""
    schema = ServiceDefinition.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://onegate.example/schema/service-definition.schema.json"
    return schema
