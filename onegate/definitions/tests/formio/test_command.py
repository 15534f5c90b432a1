"""``manage.py definition_import_formio``: report, YAML, exit codes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from onegate.definitions.tests.formio.support import FORMS

WIZARD = FORMS / "formiojs" / "wizardWithSimpleConditionalPage.json"


def run(*arguments: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("definition_import_formio", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_the_report_as_comments_then_the_yaml():
    out, _err = run(str(WIZARD), "--agency", "immigration")

    definition = yaml.safe_load(out)
    assert definition["service"] == "wizardwithsimpleconditionalpage"
    assert definition["agency"] == "immigration"
    assert definition["pages"][1]["condition"] == "answers.checkbox == true"
    report = [line for line in out.splitlines() if line.startswith("# ")]
    assert "# imported\tpage2 (panel)\tThe condition became “answers.checkbox == true”." in report
    assert not any("unassigned" in line for line in report)


def test_writes_the_yaml_to_a_file(tmp_path: Path):
    output = tmp_path / "service.yaml"

    out, _err = run(str(WIZARD), "--service", "wizard", "--output", str(output))

    assert yaml.safe_load(output.read_text(encoding="utf-8"))["service"] == "wizard"
    assert "changed\t-\tThe agency is “unassigned”" in out
    assert out.splitlines()[-1] == f"Wrote {output}."
    assert "format:" not in out


def test_not_formio_exits_non_zero_with_the_problems(tmp_path: Path):
    submission = FORMS / "formio-data" / "test_example_form.json"
    output = tmp_path / "never.yaml"
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"is not a form\.io form"):
        call_command(
            "definition_import_formio", str(submission), "--output", str(output), stderr=err
        )

    assert "looks like a form.io submission" in err.getvalue()
    assert not output.exists()


def test_a_missing_file_exits_non_zero(tmp_path: Path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "absent.json"))


def test_the_whole_output_is_yaml_even_with_code_in_the_report():
    form = FORMS / "formiojs" / "datagrid_with_conditional_components_and_validations.json"

    out, _err = run(str(form), "--agency", "immigration")

    assert yaml.safe_load(out)["pages"][0]["id"] == "page1"
    assert "# skipped\tpage1 (panel) > html (htmlelement)\tStatic text is not a question." in out
