"""``manage.py definition_import_formio FILE``: a form.io form as a draft service definition.

Prints the import report, one line per item (kind, where, why), then the definition's YAML;
with ``--output`` the YAML goes to that file instead. When the YAML is printed too, the report
lines are YAML comments, so the whole output can be saved as the definition file. A file that
is not a form.io form prints every problem and exits non-zero; nothing is written. The import
itself is ``onegate.definitions.formio.formio_import``; this only reads, prints and writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from onegate.definitions.formio import FormioImport, NotFormio, formio_import
from onegate.definitions.formio.definition import slug_of

DEFAULT_AGENCY = "unassigned"


class Command(BaseCommand):
    help = "Import a form.io JSON form as a draft service definition and report what changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the form.io form (JSON)")
        parser.add_argument("--service", help="the service slug (default: from the file name)")
        parser.add_argument(
            "--agency", help=f"the owning agency's slug (default: {DEFAULT_AGENCY})"
        )
        parser.add_argument(
            "--output", type=Path, help="write the YAML here instead of printing it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error}
            ) from error
        service = options["service"] or slug_of(path.stem)
        agency = options["agency"] or DEFAULT_AGENCY
        try:
            result = formio_import(text, service=service, agency=agency)
        except NotFormio as error:
            for problem in error.problems:
                self.stderr.write(f"{path}: {problem}")
            raise CommandError(_("%(file)s is not a form.io form.") % {"file": path}) from error
        self._write(result, options["output"], agency_given=bool(options["agency"]))

    def _write(self, result: FormioImport, output: Path | None, *, agency_given: bool) -> None:
        prefix = "" if output else "# "
        if not agency_given:
            message = _("The agency is “%(agency)s”: set the owning agency before publishing.")
            self.stdout.write(f"{prefix}changed\t-\t{message % {'agency': DEFAULT_AGENCY}}")
        for line in result.report:
            self.stdout.write(prefix + " ".join(str(line).splitlines()))
        if output is None:
            self.stdout.write(result.source, ending="")
            return
        output.write_text(result.source, encoding="utf-8")
        self.stdout.write(_("Wrote %(file)s.") % {"file": output})
