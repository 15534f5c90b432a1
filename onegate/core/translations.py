"""Message catalogues with Babel only (no system gettext): extract, update, compile and check.

Each app keeps its own Thai catalogue in ``onegate/<app>/locale/th/LC_MESSAGES/django.po``; Django
merges them at run time. Source strings are English, so English needs no catalogue.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TRANSLATED_LANGUAGES = ("th",)
DOMAIN = "django"

KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
METHOD_MAP = [
    ("**/tests/**", "ignore"),
    ("**/migrations/**", "ignore"),
    ("**.py", "python"),
    ("**/jinja2/**.html", "jinja2"),
]
OPTIONS_MAP = {"**/jinja2/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}


def app_dirs() -> list[Path]:
    """Every OneGate app: a folder of the package holding an ``apps.py``."""
    return sorted(path.parent for path in PACKAGE_DIR.glob("*/apps.py"))


def extract(app_dir: Path) -> Catalog:
    """The messages an app's code and templates use, as a template catalogue."""
    template = Catalog(project="OneGate", domain=DOMAIN, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(app_dir), METHOD_MAP, OPTIONS_MAP, keywords=KEYWORDS, strip_comment_tags=True
    ):
        template.add(
            message, locations=[(filename, lineno)], auto_comments=comments, context=context
        )
    return template


def po_path(app_dir: Path, language: str) -> Path:
    return app_dir / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, language: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, project="OneGate", fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def update(app_dir: Path) -> list[Path]:
    """Merge newly extracted messages into each language's catalogue; drop obsolete ones."""
    template = extract(app_dir)
    written = []
    for language in TRANSLATED_LANGUAGES:
        path = po_path(app_dir, language)
        if not len(template) and not path.exists():
            continue
        catalog = read_catalog(path, language)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        write_po(
            buffer, catalog, width=100, sort_output=False, omit_header=False, ignore_obsolete=True
        )
        path.write_bytes(buffer.getvalue())
        written.append(path)
    return written


def compile_all() -> list[Path]:
    """Write a ``.mo`` beside every ``.po`` so Django can load it."""
    written = []
    for app_dir in app_dirs():
        for language in TRANSLATED_LANGUAGES:
            path = po_path(app_dir, language)
            if not path.exists():
                continue
            catalog = read_catalog(path, language)
            target = path.with_suffix(".mo")
            with target.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            written.append(target)
    return written


@dataclass(frozen=True)
class Problem:
    app: str
    language: str
    message: str
    kind: str  # "missing", "untranslated" or "fuzzy"

    def __str__(self) -> str:
        return f"{self.app} [{self.language}] {self.kind}: {self.message!r}"


def check(app_dir: Path) -> list[Problem]:
    """Messages used in code that a catalogue lacks, leaves untranslated, or marks fuzzy."""
    problems = []
    template = extract(app_dir)
    for language in TRANSLATED_LANGUAGES:
        catalog = read_catalog(po_path(app_dir, language), language)
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id, context=message.context)
            if found is None:
                kind = "missing"
            elif found.fuzzy:
                kind = "fuzzy"
            elif not _translated(found.string):
                kind = "untranslated"
            else:
                continue
            text = message.id if isinstance(message.id, str) else message.id[0]
            problems.append(Problem(app_dir.name, language, text, kind))
    return problems


def _translated(string: str | tuple[str, ...] | list[str] | None) -> bool:
    if string is None:
        return False
    if isinstance(string, str):
        return bool(string.strip())
    return all(part.strip() for part in string)


def main(argv: list[str]) -> int:
    """``python -m onegate.core.translations update|compile|check [app ...]``, without Django
    settings, so a fresh checkout can build its catalogues before any secret exists."""
    if not argv or argv[0] not in ("update", "compile", "check"):
        sys.stderr.write(
            "usage: python -m onegate.core.translations update|compile|check [app ...]\n"
        )
        return 2
    action, wanted = argv[0], set(argv[1:])
    apps = [app for app in app_dirs() if not wanted or app.name in wanted]
    if action == "update":
        for app in apps:
            for path in update(app):
                sys.stdout.write(f"updated {path.relative_to(PACKAGE_DIR)}\n")
    elif action == "compile":
        sys.stdout.write(f"compiled {len(compile_all())} catalogues\n")
    else:
        problems = [problem for app in apps for problem in check(app)]
        for problem in problems:
            sys.stdout.write(f"{problem}\n")
        if problems:
            sys.stderr.write(f"{len(problems)} messages lack a translation\n")
            return 1
        sys.stdout.write("every message is translated\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
