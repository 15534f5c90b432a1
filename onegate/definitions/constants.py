"""The life of a service definition's versions: their statuses and the limits the designer keeps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The longest definition file (characters), as the language accepts it: the designer's forms and
# uploads keep to the same. A 50-page service is ~100 kB.
from onegate.definitions.language import MAX_SOURCE_CHARS as MAX_SOURCE_CHARS


class VersionStatus(models.TextChoices):
    """Where a version of a service definition is in its life: draft → published → retired."""

    DRAFT = "draft", _("Draft")  # being edited by the service owner; at most one per definition
    PUBLISHED = "published", _("Published")  # immutable; the newest one is what people start on
    RETIRED = "retired", _("Retired")  # no new applications; those pinned to it still finish


# Versions that were published once: immutable, numbered, kept for the applications pinned to them.
RELEASED_STATES = frozenset({VersionStatus.PUBLISHED, VersionStatus.RETIRED})

# Compiled definitions kept per process, one per immutable version: the live services and the
# versions pinned by applications still in progress. A compiled 50-page definition is well under
# a megabyte, so this bounds the memory at tens of megabytes.
COMPILED_CACHE_SIZE = 128

# The longest change note.
MAX_NOTE_CHARS = 2_000
