"""The tour's pages: README's outcome table and the screenshot gallery, from what ``make tour``
measured and saved.

``make tour`` runs ``python -m tests.browser.journeys.outcomes --before-tour``, then the journey
suite with ``ONEGATE_TOUR_DIR=docs/tour`` (each story saves its screenshots into
``docs/tour/<en|th>/`` and its numbers into ``docs/tour/outcomes.json``), then this module again,
which

* puts back the earlier screenshots of any story that saved none this time (a story that did save
  some has only its new ones: a renamed or dropped screenshot does not linger);
* makes the screenshots smaller (256 colours; a page of text looks the same at a third the size);
* writes the gallery, ``docs/tour/README.md``: each story's numbers and screenshots, English
  beside Thai, each captioned from its file name (``travel-authority-02-check-answers.png``:
  "2. Check answers");
* rewrites the outcome table in README.md between ``<!-- outcomes:start -->`` and
  ``<!-- outcomes:end -->``: per story, what was measured against the paper process it replaces;
  and between ``<!-- tour:start -->`` and ``<!-- tour:end -->``, each story's last screenshot,
  small, linking to the gallery. Without the markers it prints what would go there.

Runs with the standard library, PyYAML and Pillow only: no Django, no browser.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from PIL import Image

ROOT = Path(__file__).resolve().parents[3]
TOUR_DIR = ROOT / "docs" / "tour"
README = ROOT / "README.md"
SERVICES = ROOT / "onegate" / "definitions" / "data" / "services"
LANGUAGES = {"en": "English", "th": "ไทย"}
SHOT = re.compile(r"^(?P<story>.+)-(?P<number>\d{2})-(?P<name>[^/]+)\.png$")
PREVIOUS = ".previous"  # the last tour's screenshots while a new tour runs


@dataclass(frozen=True)
class Story:
    """A story as README names it, and the paper process it replaces.

    ``brief`` is the paper process in the product brief's words, where the brief describes one;
    ``service`` names the service definition whose owner's paper figures (the person's effort
    and the days it takes on paper, ``performance:`` in its YAML) complete the baseline.
    """

    title: str
    service: str | None = None
    brief: str = ""


# README's order. The brief tells the health cards' paper process and what happens behind the
# counter; the other baselines are the service owners' figures in the demo definitions.
STORIES: dict[str, Story] = {
    "travel-authority": Story(
        "A visitor's electronic travel authority, checked at the border gate",
        service="electronic-travel-authority",
    ),
    "child-health-cards": Story(
        "Health cards for two children who have just moved to the country",
        service="child-health-card",
        brief="download a PDF, print it, fill it in by hand, take the children and their "
        "passports to a service centre across town to be photocopied: half a day lost",
    ),
    "driving-licence": Story(
        "Driving licence renewal with a medical declaration, decided by two officers",
        service="renew-driving-licence",
    ),
    "tell-us-once": Story(
        "Tell us once from the account: a new address, sent to every agency that needs it",
        service="tell-us-you-have-moved",
    ),
    "tell-us-once-service": Story(
        "Tell us once through the front door: the service, three agencies ticked and told",
        service="tell-us-you-have-moved",
    ),
    "appointment": Story("An appointment for a service that needs a visit, moved to another day"),
    "assisted-digital": Story(
        "Assisted digital: a service-centre officer applies with the person at the counter",
        brief="behind the counter, staff photocopy, scan, file and move paper",
    ),
    "service-owner": Story(
        "A service owner changes a question and a rule, publishes and rolls back"
    ),
    "expired-session": Story("A session that expires mid-form, and the way back"),
}


# --- the outcome table ----------------------------------------------------------------------------


def paper_figures(service: str, services: Path = SERVICES) -> str:
    """The service owner's paper figures, e.g. "4 h of the person's time, 14 days"."""
    path = services / f"{service}.yaml"
    if not path.exists():
        return ""
    performance = (yaml.safe_load(path.read_text()) or {}).get("performance") or {}
    minutes, days = performance.get("paper_minutes_of_effort"), performance.get("paper_days")
    parts = []
    if minutes:
        parts.append(f"{_number(minutes / 60)} h of the person's time")
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    return ", ".join(parts)


def paper_baseline(slug: str, services: Path = SERVICES) -> str:
    story = STORIES.get(slug)
    if story is None:
        return "—"
    figures = paper_figures(story.service, services) if story.service else ""
    said = [part for part in (story.brief, figures and f"on paper: {figures}") if part]
    return _sentence("; ".join(said)) if said else "—"


def story_title(slug: str) -> str:
    found = STORIES.get(slug)
    return found.title if found else slug.replace("-", " ").capitalize()


def story_order(slugs: Iterable[str]) -> list[str]:
    known = list(STORIES)
    return sorted(set(slugs), key=lambda s: (known.index(s) if s in known else len(known), s))


def by_story(outcomes: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """``{"travel-authority": {"en": {...}, "th": {...}}}`` from outcomes.json's entries."""
    stories: dict[str, dict[str, dict[str, Any]]] = {}
    for entry in outcomes.values():
        stories.setdefault(entry["story"], {})[entry.get("language", "en")] = entry
    return {slug: stories[slug] for slug in story_order(stories)}


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _measure(runs: dict[str, dict[str, Any]], key: str, unit: str = "") -> str:
    """English's figure, with the Thai run's beside it where it differs."""
    first = runs.get("en") or next(iter(runs.values()))
    shown = f"{_number(first[key])}{unit}"
    thai = runs.get("th")
    if thai is not None and thai is not first and thai[key] != first[key]:
        shown += f" (Thai {_number(thai[key])}{unit})"
    return shown


def _yes_no(runs: dict[str, dict[str, Any]], key: str) -> str:
    return "yes" if any(run[key] for run in runs.values()) else "no"


def outcome_table(outcomes: dict[str, dict[str, Any]], services: Path = SERVICES) -> str:
    """README's table: one row a story, as measured by its browser test."""
    lines = [
        "| story | screens after sign-in | fields typed | registry facts typed | time "
        "| paper? | visit? | the paper process |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for slug, runs in by_story(outcomes).items():
        cells = [
            story_title(slug),
            _measure(runs, "screens"),
            _measure(runs, "typed_fields"),
            _measure(runs, "registry_facts_typed"),
            _measure(runs, "seconds", " s"),
            _yes_no(runs, "paper"),
            _yes_no(runs, "visit"),
            paper_baseline(slug, services),
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def outcome_block(outcomes: dict[str, dict[str, Any]], services: Path = SERVICES) -> str:
    today = dt.datetime.now(tz=dt.UTC).date().isoformat()
    return f"{outcome_table(outcomes, services)}\n\nMeasured by `make tour` on {today}."


def tour_block(tour_dir: Path, outcomes: dict[str, dict[str, Any]]) -> str:
    """README's glimpse of the tour: each story's last English screenshot (where it ends up: a
    decision, a card, a booking), small, linking to the gallery."""
    last: dict[str, Shot] = {}
    for found in shots(tour_dir, "en"):
        last[found.story] = found
    cells = []
    relative = tour_dir.relative_to(ROOT) if tour_dir.is_relative_to(ROOT) else tour_dir
    for slug in story_order(last):
        found = last[slug]
        title = story_title(slug)
        cells.append(
            f'<a href="{relative}/README.md"><img src="{relative}/en/{found.file}" width="260" '
            f'alt="{html.escape(title)}: {html.escape(found.caption)}"></a><br>{title}'
        )
    if not cells:
        return ""
    rows = [cells[start : start + 3] for start in range(0, len(cells), 3)]
    lines = ["| | | |", "| --- | --- | --- |"]
    lines += ["| " + " | ".join(row + [" "] * (3 - len(row))) + " |" for row in rows]
    return "\n".join(lines)


def readme_with_block(readme: str, block: str, name: str = "outcomes") -> str | None:
    """README with ``block`` between its ``<!-- name:start -->`` and ``<!-- name:end -->``
    markers, or None when README has no such markers."""
    start_marker, end_marker = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    start, end = readme.find(start_marker), readme.find(end_marker)
    if start < 0 or end < start:
        return None
    return f"{readme[: start + len(start_marker)]}\n{block}\n{readme[end:]}"


# --- the gallery ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shot:
    story: str
    number: int
    name: str
    file: str

    @property
    def caption(self) -> str:
        return f"{self.number}. {self.name.replace('-', ' ').capitalize()}"


def shots(tour_dir: Path, language: str) -> list[Shot]:
    found = []
    for path in sorted((tour_dir / language).glob("*.png")):
        match = SHOT.match(path.name)
        if match:
            found.append(Shot(match["story"], int(match["number"]), match["name"], path.name))
    return found


def gallery(tour_dir: Path, outcomes: dict[str, dict[str, Any]]) -> str:
    """docs/tour/README.md: per story, its numbers and its screenshots, English beside Thai."""
    taken = {language: shots(tour_dir, language) for language in LANGUAGES}
    stories = by_story(outcomes)
    slugs = story_order([*stories, *(s.story for found in taken.values() for s in found)])
    lines = [
        "# A tour of the demo government",
        "",
        "Every screenshot here was taken by the demo government's browser tests "
        "(`tests/browser/journeys/`, `make tour`) as the demo's own people went through each story "
        "at a desktop browser, in English and in Thai. This page is written by "
        "`tests/browser/journeys/outcomes.py`: run `make tour` again rather than editing it.",
    ]
    for slug in slugs:
        lines += ["", f"## {story_title(slug)}", ""]
        lines += _story_numbers(stories.get(slug, {}))
        lines += _story_shots(
            {language: [s for s in found if s.story == slug] for language, found in taken.items()}
        )
    return "\n".join(lines) + "\n"


def _story_numbers(runs: dict[str, dict[str, Any]]) -> list[str]:
    if not runs:
        return []
    said = []
    for language, run in runs.items():
        said.append(
            f"{LANGUAGES.get(language, language)}: {_count(run['screens'], 'screen')} after "
            f"signing in, {_count(run['typed_fields'], 'field')} typed, "
            f"{_count(run['registry_facts_typed'], 'character')} typed that a register already "
            f"held, {_number(run['seconds'])} s; {'paper' if run['paper'] else 'no paper'}, "
            f"{'a visit' if run['visit'] else 'no visit'}."
        )
    notes = next((run["notes"] for run in runs.values() if run.get("notes")), "")
    noted = [f"- {_sentence(notes.rstrip('.'))}."] if notes else []
    return [*(f"- {line}" for line in said), *noted, ""]


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def _story_shots(found: dict[str, list[Shot]]) -> list[str]:
    languages = [language for language in LANGUAGES if found.get(language)]
    if not languages:
        return ["(No screenshots.)"]
    rows: dict[tuple[int, str], dict[str, Shot]] = {}
    for language in languages:
        for shot in found[language]:
            rows.setdefault((shot.number, shot.name), {})[language] = shot
    lines = [
        "| " + " | ".join(LANGUAGES[language] for language in languages) + " |",
        "| " + " | ".join("---" for _ in languages) + " |",
    ]
    for key in sorted(rows):
        cells = []
        for language in languages:
            taken = rows[key].get(language)
            cells.append(
                f"![{taken.caption}]({language}/{taken.file})<br>{taken.caption}" if taken else " "
            )
        lines.append("| " + " | ".join(cells) + " |")
    return lines


# --- the screenshots between tours ----------------------------------------------------------------


def tour_prepare(tour_dir: Path) -> int:
    """Before a tour: move the last tour's screenshots aside (a story that saves new ones keeps
    only those). Returns how many were moved."""
    moved = 0
    for language in LANGUAGES:
        aside = tour_dir / PREVIOUS / language
        for path in sorted((tour_dir / language).glob("*.png")):
            aside.mkdir(parents=True, exist_ok=True)
            path.replace(aside / path.name)
            moved += 1
    return moved


def tour_finish(tour_dir: Path) -> int:
    """After a tour: put back the earlier screenshots of each story that saved none this time,
    in that language. Returns how many were put back."""
    restored = 0
    previous = tour_dir / PREVIOUS
    for language in LANGUAGES:
        shot_now = {shot.story for shot in shots(tour_dir, language)}
        for path in sorted((previous / language).glob("*.png")):
            match = SHOT.match(path.name)
            if match and match["story"] not in shot_now:
                (tour_dir / language).mkdir(parents=True, exist_ok=True)
                path.replace(tour_dir / language / path.name)
                restored += 1
    shutil.rmtree(previous, ignore_errors=True)
    return restored


def screenshots_shrink(tour_dir: Path) -> int:
    """Re-save each full-colour screenshot with 256 colours (no dithering: text stays crisp)."""
    shrunk = 0
    for language in LANGUAGES:
        for path in sorted((tour_dir / language).glob("*.png")):
            with Image.open(path) as image:
                if image.mode == "P":
                    continue
                fewer = image.convert("RGB").quantize(
                    colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
                )
            fewer.save(path, "PNG", optimize=True)
            shrunk += 1
    return shrunk


# --- the command ----------------------------------------------------------------------------------


def outcomes_read(tour_dir: Path) -> dict[str, dict[str, Any]]:
    path = tour_dir / "outcomes.json"
    return dict(json.loads(path.read_text())) if path.exists() else {}


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.browser.journeys.outcomes")
    parser.add_argument("--tour-dir", type=Path, default=TOUR_DIR)
    parser.add_argument("--readme", type=Path, default=README)
    parser.add_argument(
        "--before-tour", action="store_true", help="Move the last tour's screenshots aside."
    )
    options = parser.parse_args(argv)
    tour_dir: Path = options.tour_dir
    if options.before_tour:
        say(f"{tour_prepare(tour_dir)} screenshots from the last tour moved aside")
        return 0
    restored = tour_finish(tour_dir)
    shrunk = screenshots_shrink(tour_dir)
    outcomes = outcomes_read(tour_dir)
    (tour_dir / "README.md").write_text(gallery(tour_dir, outcomes))
    say(
        f"{tour_dir / 'README.md'} written ({shrunk} screenshots made smaller, {restored} kept "
        "from the last tour for stories that took none this time)"
    )
    readme: Path = options.readme
    text = readme.read_text() if readme.exists() else ""
    for name, block in (
        ("outcomes", outcome_block(outcomes)),
        ("tour", tour_block(tour_dir, outcomes)),
    ):
        updated = readme_with_block(text, block, name)
        if updated is None:
            say(
                f"{readme} has no <!-- {name}:start --> … <!-- {name}:end --> markers; "
                f"what goes there is:\n\n{block}\n"
            )
        else:
            text = updated
            say(f"{readme}: {name} updated")
    if readme.exists() and text != readme.read_text():
        readme.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
