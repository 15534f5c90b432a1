"""What the importer remembers while it walks a form: ids handed out, keys seen, logic to do.

Conditions can name components that come later in the form, so they are translated only after
the whole walk: every imported component is known by its form.io key (``Target``), and every
condition waits as a ``PendingCondition`` until ``logic`` resolves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from onegate.definitions.formio.naming import IdRegistry
from onegate.definitions.formio.report import ImportReport


@dataclass
class Target:
    """An imported field as conditions see it."""

    id: str
    type: str  # the OneGate field type
    options: dict[str, str] = field(default_factory=dict)  # form.io value → option id
    group: str | None = None  # the id of the repeating group it belongs to, if any


@dataclass
class PendingCondition:
    """The form.io logic that decides whether a page or field is shown."""

    where: str
    owner: dict[str, Any]  # the page or field mapping that receives ``condition``
    sources: list[tuple[str, dict[str, Any]]]  # (path, component) outermost first
    group: str | None = None  # the group whose rows the field lives in


@dataclass
class ImportState:
    report: ImportReport = field(default_factory=ImportReport)
    field_ids: IdRegistry = field(default_factory=IdRegistry)
    page_ids: IdRegistry = field(default_factory=IdRegistry)
    keys: dict[str, Target] = field(default_factory=dict)  # answers outside groups
    rows: dict[str, dict[str, Target]] = field(default_factory=dict)  # group id → its keys
    pending: list[PendingCondition] = field(default_factory=list)
    group_depth: dict[str, int] = field(default_factory=dict)  # group id → 1 at page level
    # The form.io path of each page and field mapping made, to report on it after compiling.
    origins: dict[int, str] = field(default_factory=dict)

    def remember(self, key: str, target: Target) -> None:
        scope = self.rows.setdefault(target.group, {}) if target.group else self.keys
        scope.setdefault(key, target)
