"""The OpenID Foundation's Basic OP certification plan as a checklist: every module of the plan
is named (by its test name) in the docstring of a test of the provider that checks what the
module asserts, or is listed below as not applicable with the reason. A module added to the
data file, or a test renamed away, fails here."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
MODULES = json.loads((HERE / "data" / "oidc" / "basic_op_modules.json").read_text("utf-8"))
TEST_MODULES = sorted(HERE.glob("test_oidc_*.py"))

# Modules whose subject OneGate does not offer; what it does instead is tested where named.
NOT_APPLICABLE: dict[str, str] = {}


def test_every_basic_op_module_is_covered_or_explained():
    this = Path(__file__).name
    sources = "\n".join(path.read_text("utf-8") for path in TEST_MODULES if path.name != this)
    missing = [
        module["test"]
        for module in MODULES
        if module["test"] not in sources and module["test"] not in NOT_APPLICABLE
    ]
    assert len(MODULES) == 38
    assert not missing, f"Basic OP modules without a test or a reason: {missing}"
