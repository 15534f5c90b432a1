"""Whole-app rule: every public write service records an audit event.

Each app's ``services.py`` is read as source: every public function must call ``audit_record``,
directly or through functions of the same module, unless it is listed in EXEMPT with the reason.
A new service that changes state without auditing fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "onegate"

EXEMPT = {
    # The audit log itself: recording, and the sequencer that only sets chain fields.
    "audit.audit_record",
    "audit.audit_chain_pending",
    # Builds (does not save) the event audit_record appends, for a caller that inserts it with
    # its own rows in one statement (credentials' verification checks).
    "audit.audit_event_build",
    # A cache-freshness counter, not a change to anyone's data.
    "catalogue.catalogue_revision_bump",
    # Service performance (issue 11): counting events that hold no personal data, and rebuilding
    # the aggregates from them, change no one's record; auditing each page view would double
    # the writes of every journey for nothing an auditor needs.
    "insights.event_record",
    "insights.event_dedup_key",
    "insights.measures_aggregate",
    "insights.hours_rebuild",
    "insights.hours_list_rebuild",
    "insights.days_rebuild",
    # The satisfaction survey is anonymous: an audit row naming the account that answered, at
    # the second it answered, would undo that. One answer per application is kept by a keyed
    # hash instead.
    "insights.satisfaction_record",
}


def calls(function: ast.FunctionDef) -> set[str]:
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            target = node.func
            if isinstance(target, ast.Name):
                names.add(target.id)
            elif isinstance(target, ast.Attribute):
                names.add(target.attr)
    return names


def audited_functions(tree: ast.Module) -> tuple[set[str], dict[str, ast.FunctionDef]]:
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    graph = {name: calls(node) for name, node in functions.items()}
    audited = {name for name, called in graph.items() if "audit_record" in called}
    grew = True
    while grew:  # a function calling an audited function of the same module is audited too
        more = {name for name, called in graph.items() if called & audited} - audited
        audited |= more
        grew = bool(more)
    return audited, functions


def _app_of(module: Path) -> str:
    return module.relative_to(PACKAGE).parts[0]


SERVICE_MODULES = sorted(
    [
        *PACKAGE.glob("*/services.py"),
        *(path for path in PACKAGE.glob("*/services/*.py") if path.name != "__init__.py"),
    ]
)


@pytest.mark.parametrize("module", SERVICE_MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_every_public_service_writes_an_audit_record(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    audited, functions = audited_functions(tree)
    app = _app_of(module)
    unaudited = [
        name
        for name in functions
        if not name.startswith("_") and name not in audited and f"{app}.{name}" not in EXEMPT
    ]
    assert not unaudited, f"{app}.services: no audit record written by {unaudited}"


def test_the_check_notices_a_service_without_an_audit_record() -> None:
    tree = ast.parse("def thing_update():\n    save()\n\ndef thing_create():\n    audit_record()\n")
    audited, _ = audited_functions(tree)
    assert audited == {"thing_create"}


def test_exemptions_name_real_services() -> None:
    names = set()
    for module in SERVICE_MODULES:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        app = _app_of(module)
        names |= {f"{app}.{n.name}" for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert names >= EXEMPT, f"stale exemptions: {sorted(EXEMPT - names)}"
