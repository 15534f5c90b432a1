"""Every translatable string has a Thai translation: messages are re-extracted from the code and
templates into a temporary catalogue and compared with each app's Thai catalogue."""

from __future__ import annotations

import pytest

from onegate.core import translations


@pytest.mark.parametrize("app_dir", translations.app_dirs(), ids=lambda path: path.name)
def test_every_message_has_a_thai_translation(app_dir):
    problems = translations.check(app_dir)
    assert not problems, "run `make messages` and translate:\n" + "\n".join(map(str, problems))


def test_the_check_notices_a_missing_translation(tmp_path, monkeypatch):
    # given an app whose template uses a string the Thai catalogue does not have
    app = tmp_path / "sample"
    (app / "jinja2" / "sample").mkdir(parents=True)
    (app / "apps.py").write_text("")
    (app / "jinja2" / "sample" / "page.html").write_text('{{ _("A brand new sentence") }}')
    # when it is checked, then the string is reported as missing
    problems = translations.check(app)
    assert [(p.message, p.kind) for p in problems] == [("A brand new sentence", "missing")]


def test_the_command_line_checks_without_django_settings(capsys):
    # `make` runs this before any secret or settings exist on a fresh machine.
    assert translations.main(["check"]) == 0
    assert "every message is translated" in capsys.readouterr().out
    assert translations.main(["nonsense"]) == 2
