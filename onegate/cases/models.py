"""Cases: what an agency does with a sent application, one case per person it is for.

A ``Case`` is opened from a submitted ``runner.Application`` (one per entry of its ``subjects``)
and lives through ``constants.CaseStatus``. It is changed only by the transition services in
``services``: each locks the row, checks the state, bumps ``lock_version`` (the optimistic check
a stale form is refused by), appends a ``CaseEvent`` and writes an audit record. The rules'
evaluation is kept in ``rules`` with every input it read, so ``decision_replay`` can evaluate it
again and compare. ``InformationRequest`` is a question to the person and their answer;
``CaseFile`` a file they gave with it (checked like the runner's uploads, stored privately).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onegate.cases.constants import CaseStatus, DecidedBy, EventKind, Outcome
from onegate.core.models import TimestampedModel, UUIDModel
from onegate.definitions.models import DefinitionVersion
from onegate.runner.models import Application, uploads_storage

USER = settings.AUTH_USER_MODEL


class Case(TimestampedModel):
    """One person's case at one agency, from a sent application (or a review of a refusal)."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="cases", verbose_name=_("application")
    )
    # Whom it is about: the application's subject (a registry person), with their names then.
    subject_person_id = models.CharField(_("person (registry id)"), max_length=64)
    subject_names = models.JSONField(_("names"), default=dict)  # {"en": …, "th": …}
    relationship = models.CharField(_("relationship to the applicant"), max_length=20, blank=True)
    # Copied from the application for the queries that must not join it.
    applicant_person_id = models.CharField(_("applicant (registry id)"), max_length=64)
    user = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases",
        verbose_name=_("applicant's account"),
    )  # fmt: skip
    service_slug = models.SlugField(_("service"), max_length=80)
    agency_slug = models.SlugField(_("agency"), max_length=80)
    definition_version = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="cases",
        verbose_name=_("definition version"),
    )  # fmt: skip
    language = models.CharField(_("language"), max_length=8, default="en")  # for notices

    status = models.CharField(
        _("status"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED
    )
    status_changed_at = models.DateTimeField(_("status changed at"))
    submitted_at = models.DateTimeField(_("sent at"))
    # The day a decision is due: SLA working days (Thai public holidays) after it was sent.
    sla_due_on = models.DateField(_("decision due by"))
    # Bumped by every change: a form carries the version it was drawn from (optimistic check).
    lock_version = models.PositiveIntegerField(_("version"), default=1)

    assigned_to = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_cases",
        verbose_name=_("assigned to"),
    )  # fmt: skip
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)

    # The decision (approved or refused), and who made it.
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    decided_how = models.CharField(
        _("decided by"), max_length=10, choices=DecidedBy.choices, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    confirmed_by = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )  # fmt: skip  (four eyes: the second officer of a refusal)
    decision_template = models.CharField(_("reason template"), max_length=63, blank=True)
    # The reasons as the person reads them: {"en": …, "th": …} (an officer's own words are
    # added to both languages as written).
    decision_reason = models.JSONField(_("reasons"), default=dict, blank=True)

    # A refusal waiting for its second officer: {"template", "reason": {"en", "th"},
    # "explanation"}; with who proposed it and when.
    refusal_proposal = models.JSONField(_("proposed refusal"), default=dict, blank=True)
    refusal_proposed_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("refusal proposed by"),
    )  # fmt: skip
    refusal_proposed_at = models.DateTimeField(_("refusal proposed at"), null=True, blank=True)

    # The automatic evaluation, replayable: {"inputs": {"answers", "facts", "applicant",
    # "today"}, "version", "eligibility": {…}, "outcome", "rule", "reason", "trace": [[id, held]],
    # "computed", "failed", "evaluated_at"}; empty until the rules ran.
    rules = models.JSONField(_("rules evaluation"), default=dict, blank=True)

    # A review of a refusal is a new case pointing at the refused one.
    review_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reviews",
        verbose_name=_("review of"),
    )  # fmt: skip
    review_reason = models.TextField(_("why a review is asked for"), blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # A queue: an agency's (and a service's) cases in a state, oldest due first.
            models.Index(
                fields=["agency_slug", "status", "sla_due_on", "submitted_at"],
                name="cases_queue",
            ),
            models.Index(
                fields=["agency_slug", "service_slug", "status", "sla_due_on", "submitted_at"],
                name="cases_queue_service",
            ),
            # A queue sorted by the day sent (the "sent" sort).
            models.Index(fields=["agency_slug", "status", "submitted_at"], name="cases_queue_sent"),
            # "Take next": unassigned cases waiting in a queue.
            models.Index(
                fields=["agency_slug", "sla_due_on", "submitted_at"],
                name="cases_waiting",
                condition=Q(status__in=["referred", "information_received"])
                & Q(assigned_to__isnull=True),
            ),
            models.Index(fields=["assigned_to", "status"], name="cases_assigned"),
            models.Index(fields=["subject_person_id"], name="cases_subject"),
            models.Index(fields=["applicant_person_id"], name="cases_applicant"),
            models.Index(fields=["status", "created_at"], name="cases_status_age"),
        ]
        constraints = [
            # One case per person of an application (a review is a further case).
            models.UniqueConstraint(
                fields=["application", "subject_person_id"],
                condition=Q(review_of__isnull=True),
                name="cases_one_per_subject",
            ),
            # One review per refused case.
            models.UniqueConstraint(fields=["review_of"], name="cases_one_review"),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "refused"])
                | (Q(decided_at__isnull=False) & ~Q(outcome="")),
                name="cases_decided_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    # For the UI only: the services check again under the row lock.
    def can_withdraw(self) -> bool:
        from onegate.cases.constants import WITHDRAWABLE_STATES

        return self.status in WITHDRAWABLE_STATES

    def is_final(self) -> bool:
        from onegate.cases.constants import FINAL_STATES

        return self.status in FINAL_STATES


class CaseEvent(models.Model):
    """One line of a case's history: append-only, never changed."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(_("at"))
    kind = models.CharField(_("what"), max_length=24, choices=EventKind.choices)
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24, blank=True)
    actor = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip  (None: the system, e.g. the rules)
    # What the person or officer wrote (a note, a reason, a question), as written.
    text = models.TextField(_("text"), blank=True)
    # Structured detail: {"reason": {"en", "th"}, "template": …, "request": id, …}
    payload = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "created_at"], name="cases_event_case")]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class InformationRequest(UUIDModel):
    """A question an officer asked the person, and their answer (at most one open per case)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="information_requests")
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    asked_at = models.DateTimeField(_("asked at"))
    respond_by = models.DateField(_("answer by"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        ordering = ["asked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(answered_at__isnull=True),
                name="cases_one_open_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.asked_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


def case_file_path(instance: CaseFile, filename: str) -> str:
    """Under the case's id and a random name: the person's file name is not a path."""
    return f"cases/{instance.request.case_id}/{uuid.uuid4().hex}"


class CaseFile(UUIDModel):
    """A file the person gave with an answer: checked, cleaned, stored privately."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(
        _("file"), upload_to=case_file_path, storage=uploads_storage, max_length=200
    )
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("file given with an answer")
        verbose_name_plural = _("files given with answers")

    def __str__(self) -> str:
        return self.name
