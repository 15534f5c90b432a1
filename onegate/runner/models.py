"""Applications and their uploaded files: the runner owns them until they are submitted.

An ``Application`` is pinned to the ``DefinitionVersion`` it started on: a draft carries on with
that version when the service publishes a newer one, and a submitted application is read with
it for ever. While a draft, it holds the answers given so far (only valid pages are saved), the
registry facts shown to the person with where they came from, and where to resume. Submitting
freezes it: the answers as the rules count them (hidden answers removed), the facts, the
definition version and who acted for whom; nothing writes to a submitted application again.

``Upload`` is one file given for a file field, stored through the private ``uploads`` storage
(never under a public URL) and served only through a permission-checked view.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onegate.core.models import TimestampedModel, UUIDModel
from onegate.definitions.models import DefinitionVersion
from onegate.runner.constants import ApplicationChannel, ApplicationStatus, AppliesAs, ScanResult


class Application(TimestampedModel):
    """One person's application to one service, for themselves or for the people they act for."""

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    service_slug = models.SlugField(_("service"), max_length=80)
    agency_slug = models.SlugField(_("agency"), max_length=80)
    definition_version = models.ForeignKey(
        DefinitionVersion,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("definition version"),
    )
    # The account that fills it in (null: started by centre staff for a person with no account).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("account"),
    )
    # The registry person applying (the parent, the delegate, or the person themselves).
    applicant_person_id = models.CharField(_("applicant (registry id)"), max_length=64)
    applies_as = models.CharField(
        _("applies as"), max_length=20, choices=AppliesAs.choices, default=AppliesAs.SELF
    )
    # Whom it is for, in order: [{"person_id", "names": {"en", "th"}, "relationship"}]; several
    # children where the service allows. Cases opens one case per entry.
    subjects = models.JSONField(_("for"), default=list)
    # Answers by field id, as JSON (``runner.codec``): dates as "YYYY-MM-DD", groups as lists of
    # maps, files as lists of upload ids.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # Registry facts by subject person id, then by the definition's alias:
    # {person_id: {alias: {"value": <codec JSON>, "source": fact name, "registers": [...],
    #  "as_of": ISO datetime | None, "agency": owning agency}}}
    facts = models.JSONField(_("registry facts"), default=dict, blank=True)
    facts_read_at = models.DateTimeField(_("facts read at"), null=True, blank=True)
    pages_done = models.JSONField(_("pages answered"), default=list, blank=True)
    resume_page = models.CharField(_("resume at page"), max_length=63, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    expires_at = models.DateTimeField(_("draft expires at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    # The idempotency key of the submission: rendered into the "check your answers" form; the
    # second POST with it finds the application already submitted and shows the confirmation.
    submit_token = models.UUIDField(_("submission key"), default=uuid.uuid4, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Unguessable, with a check character (``runner.references``); given on submission.
    reference = models.CharField(_("reference"), max_length=20, null=True, blank=True, unique=True)
    # What was frozen on submission beyond the answers and facts: eligibility, acting, checksums.
    submission = models.JSONField(_("submission record"), default=dict, blank=True)
    # Assisted digital: the centre staff member who started or continued it with the person.
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assisted_applications",
        verbose_name=_("assisted by"),
    )
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=ApplicationChannel.choices,
        default=ApplicationChannel.ONLINE,
    )
    assisted_centre_id = models.UUIDField(_("service centre"), null=True, blank=True)
    # {"document": "id_card" | "passport" | …, "number_last4": "…", "checked_at": ISO,
    #  "checked_by": user key}: what the officer saw, never the whole document number.
    identity_check = models.JSONField(_("identity check"), default=dict, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["applicant_person_id", "status"], name="runner_app_applicant"),
            models.Index(fields=["user", "status"], name="runner_app_user"),
            models.Index(fields=["status", "expires_at"], name="runner_app_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ApplicationStatus.DRAFT)
                | (Q(reference__isnull=False) & Q(submitted_at__isnull=False)),
                name="runner_submitted_has_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or str(self.pk)

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT


def uploads_storage() -> Storage:
    """The private storage of uploads (``STORAGES["uploads"]``): no public URL."""
    return storages["uploads"]


def upload_path(instance: Upload, filename: str) -> str:
    """Stored under the application's id and a random name: the person's file name is not a path."""
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


class Upload(UUIDModel):
    """A file given for a file field: checked, cleaned (images re-encoded), stored privately."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="uploads", verbose_name=_("application")
    )
    field_id = models.CharField(_("question"), max_length=63)
    name = models.CharField(_("file name"), max_length=200)  # as the person named it, cleaned
    content_type = models.CharField(_("type"), max_length=100)  # as sniffed, never as declared
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(
        _("file"), upload_to=upload_path, storage=uploads_storage, max_length=200
    )
    scan = models.CharField(
        _("virus scan"), max_length=20, choices=ScanResult.choices, default=ScanResult.NOT_SCANNED
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")

    def __str__(self) -> str:
        return self.name
