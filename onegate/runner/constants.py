"""The runner's vocabulary: an application's states, how someone applies, the limits it keeps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Not sent yet")
    SUBMITTED = "submitted", _("Sent")


class AppliesAs(models.TextChoices):
    """How the person applying stands to the people the application is for."""

    SELF = "self", _("For yourself")
    CHILD = "child", _("For your child")  # one or several children (the registry's parent links)
    WARD = "ward", _("For someone you are the guardian of")
    DELEGATION = "delegation", _("For someone who made you their delegate")


class ApplicationChannel(models.TextChoices):
    """How an application reaches the service (counted by the performance measures)."""

    ONLINE = "online", _("Online")  # the person, or someone acting for them, on their own
    ASSISTED = "assisted", _("Assisted digital")  # a service-centre officer with the person
    PAPER = "paper", _("Paper, keyed in by staff")  # an officer entering a paper form


class ScanResult(models.TextChoices):
    NOT_SCANNED = "not_scanned", _("Not scanned (no antivirus configured)")
    CLEAN = "clean", _("No virus found")


# A draft's facts are read from the registries again when it is resumed after this long.
FACTS_FRESH_HOURS = 24
# A draft's owner is reminded this many days before it expires (at most once).
DRAFT_REMINDER_DAYS = 7
# The reference alphabet (Crockford's base 32: no I, L, O or U, so nothing is misread).
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_RANDOM_CHARS = 11  # 55 bits, then one check character
# Upload ceilings whatever the definition says (it can lower them): pixels of an image, pages
# of a PDF, and the bytes of files one page's request may carry (``uploads.limit``: the page's
# own budget, from its file questions, is enforced while the body is read, up to this).
MAX_IMAGE_PIXELS = 40_000_000
MAX_PDF_PAGES = 500
MAX_REQUEST_FILE_BYTES = 60 * 1024 * 1024
# Files an application may hold beyond what its file questions take, all together (a file
# given twice while a page is redone, before the page is saved and the extra one dropped).
FILES_PER_APPLICATION_MARGIN = 5
