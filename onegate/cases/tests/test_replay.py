"""``manage.py decision_replay``: the kept inputs, evaluated again with the pinned version, give
the same decision; a kept record that was changed afterwards is caught."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onegate.cases.models import Case
from onegate.cases.tests.factories import (
    demo_services,  # noqa: F401  (fixture)
    driving_renewal_sent,
    eta_sent,
    open_and_decide,
)

pytestmark = pytest.mark.usefixtures("demo_services")


def replay(*args: str) -> str:
    out = io.StringIO()
    call_command("decision_replay", *args, stdout=out)
    return out.getvalue()


def replay_failing(*args: str) -> tuple[str, CommandError]:
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("decision_replay", *args, stdout=out)
    return out.getvalue(), failed.value


def test_an_automatic_approval_replays_the_same():
    [case] = open_and_decide(eta_sent())

    out = replay(case.reference)

    assert f"{case.reference}\tagree" in out
    assert "1 replayed, 0 disagree." in out


def test_every_decision_the_rules_made_replays_the_same():
    cases = [
        *open_and_decide(eta_sent()),
        *open_and_decide(eta_sent(purpose="work")),
        *open_and_decide(eta_sent(convicted=True)),
        *open_and_decide(driving_renewal_sent(medical=True)),
        *open_and_decide(driving_renewal_sent(medical=False)),
    ]
    assert {c.rules["outcome"] for c in cases} == {"approve", "refuse", "refer"}

    out = replay("--all")

    assert "5 replayed, 0 disagree." in out
    assert all(f"{c.reference}\tagree" in out for c in cases)


def test_a_case_is_found_by_its_applications_reference_in_any_form():
    [case] = open_and_decide(driving_renewal_sent(medical=False))
    typed = str(case.application.reference).lower().replace("-", " ")

    assert f"{case.reference}\tagree" in replay(typed)


def test_inputs_changed_after_the_decision_make_the_replay_disagree():
    [case] = open_and_decide(eta_sent())
    rules = case.rules
    rules["inputs"]["answers"]["purpose"] = "work"  # someone edits the kept record
    Case.objects.filter(pk=case.pk).update(rules=rules)

    out, failed = replay_failing(case.reference)

    assert f"{case.reference}\tdisagree\toutcome, rule, reason, trace" in out
    assert "1 replayed, 1 disagree." in out
    assert "do not agree" in str(failed)


def test_a_kept_outcome_changed_afterwards_disagrees_too():
    [case] = open_and_decide(driving_renewal_sent(medical=True))
    rules = case.rules | {"outcome": "approve"}
    Case.objects.filter(pk=case.pk).update(rules=rules)

    out, _failed = replay_failing("--all")

    assert f"{case.reference}\tdisagree\toutcome" in out


def test_a_reference_with_no_evaluation_is_an_error():
    _out, failed = replay_failing("7KQ2-M9XD-4TR8")

    assert "No case with the reference 7KQ2-M9XD-4TR8" in str(failed)
    with pytest.raises(CommandError):
        call_command("decision_replay")
