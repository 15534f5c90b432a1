"""Identity proofing: the link from an account to the registry person it was proved to be, and
every attempt to make one.

``IdentityLink`` is one per account and one per registry person: the database refuses a second
link either way, so two concurrent proofings cannot both win. It keeps the level the proofing
reached, the method, when, who checked (for in-person proofing) and a summary of the evidence:
which facts were compared with which register, never an image or a copy of a document.

A link can weaken or end after it was made. When the ID card it was proved with is reported lost
or cancelled, the link stays but needs proving again (``reproof_needed_since``): until then it
counts as ``low``. When the registry records the person's death, or the person or support unlink
the account, the link is deleted and an ``EndedIdentityLink`` row keeps what it was and why it
ended (the person can then prove again, to this account or another).

``ProofingAttempt`` is one row per attempt, whatever its outcome. The daily limits (per account
and per registry person) are counted from these rows, and support can read an account's history
from them; the audit log holds the same events in its tamper-evident chain.

The person is referred to by the registry's person id, not a foreign key to
``registries.Person``: with the ``remote`` registry adapter the person lives on another node and
there is no local row to point at. The registry adapter is the only way to read the person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onegate.core.models import TimestampedModel, UUIDModel
from onegate.identity.constants import LevelOfAssurance, ProofingMethod


class ProofingOutcome(models.TextChoices):
    """How one proofing attempt ended."""

    # The evidence matched a living person's record and the account is now linked to them.
    PROVED = "proved", _("Identity proved")
    # The evidence matched the person the account was already linked to (level kept or raised).
    ALREADY_PROVED = "already_proved", _("Already proved")
    # No record matched the evidence (unknown number, wrong laser code, names, dates...).
    NOT_MATCHED = "not_matched", _("Details did not match")
    # The evidence matched a person the registry records as having died.
    DECEASED = "deceased", _("Person recorded as deceased")
    # The account is linked to someone else already: one account, one person.
    ACCOUNT_LINKED_ELSEWHERE = "account_linked", _("Account already linked to another person")
    # The person is linked to another account already: one person, one account.
    PERSON_LINKED_ELSEWHERE = "person_linked", _("Person already linked to another account")
    # Refused before asking the registry: too many attempts for the account or the person.
    RATE_LIMITED = "rate_limited", _("Too many attempts")
    # The registry could not answer (a remote node down or slow); nothing was decided.
    REGISTRY_UNAVAILABLE = "unavailable", _("Registry not available")


# Attempts that asked the registry about a person and got an answer: these count towards the
# daily limits. Refusals before any registry answer do not, or a limit would never run out.
COUNTED_OUTCOMES = frozenset(
    {
        ProofingOutcome.PROVED,
        ProofingOutcome.ALREADY_PROVED,
        ProofingOutcome.NOT_MATCHED,
        ProofingOutcome.DECEASED,
        ProofingOutcome.ACCOUNT_LINKED_ELSEWHERE,
        ProofingOutcome.PERSON_LINKED_ELSEWHERE,
    }
)


class ReproofReason(models.TextChoices):
    """Why a link must be proved again before it counts."""

    # The Thai ID card whose laser code proved the link was reported lost or stolen.
    ID_CARD_LOST = "id_card_lost", _("The ID card used to prove it was reported lost")
    # The Thai ID card whose laser code proved the link was cancelled.
    ID_CARD_CANCELLED = "id_card_cancelled", _("The ID card used to prove it was cancelled")


class LinkEndReason(models.TextChoices):
    """Why an account stopped being linked to a registry person."""

    # The civil register recorded the person's death.
    DIED = "died", _("The registry recorded the person's death")
    # The account holder unlinked it from their account page.
    PERSON = "person", _("Unlinked by the account holder")
    # OneGate support unlinked it (the reason is in ``note``).
    SUPPORT = "support", _("Unlinked by OneGate support")


class IdentityLink(TimestampedModel):
    """That an account belongs to a registry person, how sure we are, and on what evidence."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="identity_link",
        verbose_name=_("account"),
    )
    person_id = models.UUIDField(_("registry person"), unique=True)
    registry_node = models.CharField(_("registry node"), max_length=100, default="local")
    level = models.CharField(_("level proved"), max_length=12, choices=LevelOfAssurance.choices)
    method = models.CharField(_("method"), max_length=32, choices=ProofingMethod.choices)
    proved_at = models.DateTimeField(_("proved at"))
    # What was checked against which register, e.g. {"checked": ["national_id", "names",
    # "date_of_birth", "laser_code"], "register": "id_cards", "record": "...", "as_of": "..."}.
    evidence = models.JSONField(_("evidence checked"), default=dict)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    # Set while the link must be proved again (the card it rests on was lost or cancelled).
    reproof_needed_since = models.DateTimeField(
        _("must be proved again since"), null=True, blank=True
    )
    reproof_reason = models.CharField(
        _("why it must be proved again"), max_length=20, choices=ReproofReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("identity link")
        verbose_name_plural = _("identity links")
        constraints = [
            models.CheckConstraint(
                condition=~Q(level=LevelOfAssurance.LOW), name="identity_link_level_above_low"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.person_id} ({self.level})"

    @property
    def needs_reproofing(self) -> bool:
        return self.reproof_needed_since is not None

    @property
    def current_level(self) -> LevelOfAssurance:
        """The level the link counts for now: ``low`` while it must be proved again."""
        if self.needs_reproofing:
            return LevelOfAssurance.LOW
        return LevelOfAssurance(self.level)


class EndedIdentityLink(UUIDModel):
    """A link that ended: what it was, when and why it ended, and who ended it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="ended_identity_links",
        verbose_name=_("account"),
    )
    person_id = models.UUIDField(_("registry person"))
    level = models.CharField(_("level proved"), max_length=12, choices=LevelOfAssurance.choices)
    method = models.CharField(_("method"), max_length=32, choices=ProofingMethod.choices)
    proved_at = models.DateTimeField(_("proved at"))
    ended_at = models.DateTimeField(_("ended at"))
    reason = models.CharField(_("why it ended"), max_length=12, choices=LinkEndReason.choices)
    # The member of staff or the person who ended it; empty when the registry's event did.
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    note = models.TextField(_("reason given"), blank=True)

    class Meta:
        ordering = ("-ended_at",)
        verbose_name = _("ended identity link")
        verbose_name_plural = _("ended identity links")
        indexes = [
            models.Index(fields=["user", "-ended_at"], name="identity_ended_link_account"),
            models.Index(fields=["person_id"], name="identity_ended_link_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ↛ {self.person_id} ({self.reason})"


class ProofingAttempt(UUIDModel):
    """One attempt to prove an account's identity, and how it ended."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proofing_attempts",
        verbose_name=_("account"),
    )
    method = models.CharField(_("method"), max_length=32, choices=ProofingMethod.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ProofingOutcome.choices)
    # The registry person the evidence pointed at (found by the number given), matched or not:
    # the per-person limit counts these, so one person's card cannot be guessed from many accounts.
    person_id = models.UUIDField(_("registry person"), null=True, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("proofing attempt")
        verbose_name_plural = _("proofing attempts")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="identity_attempt_account"),
            models.Index(
                fields=["person_id", "-created_at"],
                condition=Q(person_id__isnull=False),
                name="identity_attempt_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.outcome} ({self.created_at:%Y-%m-%d %H:%M})"
