"""``onegate.command_lines``: the libraries' command-line tools stay out of OneGate's processes
until something uses them, and then work as before."""

from __future__ import annotations

import json
import subprocess
import sys

from django.conf import settings

TOOLS = ("prompt_toolkit", "typer", "click", "rich", "pygments")


def python(code: str) -> dict[str, object]:
    found = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return dict(json.loads(found.stdout.strip().splitlines()[-1]))


def test_importing_onegate_and_its_libraries_leaves_their_command_lines_out() -> None:
    found = python(
        "import json, sys, onegate, cel, httpx\n"
        f"print(json.dumps({{'loaded': [t for t in {TOOLS!r} if t in sys.modules],"
        " 'three': cel.evaluate('1 + 2', {})}))"
    )

    assert found == {"loaded": [], "three": 3}


def test_a_command_line_used_after_all_is_the_real_one() -> None:
    found = python(
        "import contextlib, io, json, sys, onegate, cel, httpx\n"
        "shell = cel.cli.main\n"
        "printed = io.StringIO()\n"
        "with contextlib.redirect_stdout(printed), contextlib.suppress(SystemExit):\n"
        "    httpx.main(['--help'])\n"
        "print(json.dumps({'shell': shell.__module__, 'prompt_toolkit': 'prompt_toolkit' in"
        " sys.modules, 'httpx_help': 'Usage: httpx' in printed.getvalue()}))"
    )

    assert found == {"shell": "cel.cli", "prompt_toolkit": True, "httpx_help": True}
