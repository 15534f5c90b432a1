"""``manage.py translations update|compile|check``: Thai catalogues without system gettext."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onegate.core import translations


class Command(BaseCommand):
    help = "Extract and merge messages (update), write .mo files (compile), or list gaps (check)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["update", "compile", "check"])
        parser.add_argument("apps", nargs="*", help="only these apps (folder names); default all")

    def handle(self, *args: Any, action: str, apps: list[str], **options: Any) -> None:
        app_dirs = [d for d in translations.app_dirs() if not apps or d.name in apps]
        if action == "update":
            for app_dir in app_dirs:
                for path in translations.update(app_dir):
                    self.stdout.write(f"updated {path.relative_to(translations.PACKAGE_DIR)}")
        elif action == "compile":
            written = translations.compile_all()
            self.stdout.write(f"compiled {len(written)} catalogues")
        else:
            problems = [p for app in app_dirs for p in translations.check(app)]
            for problem in problems:
                self.stdout.write(str(problem))
            if problems:
                raise CommandError(f"{len(problems)} messages lack a translation")
            self.stdout.write("every message is translated")
