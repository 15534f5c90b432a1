"""The tour's outcome table and gallery (``tests/browser/journeys/outcomes.py``), from a sample
of what the journeys record: no browser, no database."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.journeys import outcomes


def run(story: str, language: str = "en", **measured: Any) -> dict[str, Any]:
    found = {
        "story": story,
        "language": language,
        "screens": 5,
        "typed_fields": 2,
        "registry_facts_typed": 0,
        "seconds": 4.25,
        "paper": False,
        "visit": False,
        "notes": "",
        "extra": {},
    }
    return found | measured


SAMPLE = {
    "appointment-en": run("appointment", screens=4, typed_fields=1, visit=True, seconds=3.85),
    "child-health-cards-en": run("child-health-cards", screens=6, typed_fields=1, seconds=3.9),
    "travel-authority-en": run("travel-authority", screens=15, typed_fields=12, seconds=26.4),
    "travel-authority-th": run(
        "travel-authority", language="th", screens=15, typed_fields=12, seconds=7.8
    ),
    "a-new-story-en": run("a-new-story", screens=3, typed_fields=0, seconds=1.0),
}


@pytest.fixture
def services(tmp_path: Path) -> Path:
    folder = tmp_path / "services"
    folder.mkdir()
    (folder / "child-health-card.yaml").write_text(
        "slug: child-health-card\nperformance:\n  paper_minutes_of_effort: 240\n  paper_days: 14\n"
    )
    (folder / "electronic-travel-authority.yaml").write_text(
        "performance:\n  paper_minutes_of_effort: 90\n  paper_days: 1\n"
    )
    return folder


def rows(table: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines()]


def test_the_table_has_a_row_a_story_in_the_stories_order_with_what_was_measured(
    services: Path,
) -> None:
    table = rows(outcomes.outcome_table(SAMPLE, services))

    header, _rule, *body = table
    assert header == [
        "story",
        "screens after sign-in",
        "fields typed",
        "registry facts typed",
        "time",
        "paper?",
        "visit?",
        "the paper process",
    ]
    assert [row[0] for row in body] == [
        "A visitor's electronic travel authority, checked at the border gate",
        "Health cards for two children who have just moved to the country",
        "An appointment for a service that needs a visit, moved to another day",
        "A new story",  # not in STORIES yet: named from its slug, last
    ]
    travel, health, appointment, new = body
    assert travel[1:7] == ["15", "12", "0", "26.4 s (Thai 7.8 s)", "no", "no"]
    assert health[1:7] == ["6", "1", "0", "3.9 s", "no", "no"]
    assert appointment[1:7] == ["4", "1", "0", "3.9 s", "no", "yes"]
    assert new[7] == "—"


def test_the_paper_process_is_the_briefs_words_and_the_owners_figures(services: Path) -> None:
    body = rows(outcomes.outcome_table(SAMPLE, services))[2:]

    assert body[1][7] == (
        "Download a PDF, print it, fill it in by hand, take the children and their passports to "
        "a service centre across town to be photocopied: half a day lost; on paper: 4 h of the "
        "person's time, 14 days"
    )
    assert body[0][7] == "On paper: 1.5 h of the person's time, 1 day"
    assert body[2][7] == "—"  # an appointment: a visit either way, and the brief gives no paper


def test_the_demo_definitions_give_each_service_story_its_paper_figures() -> None:
    for slug, story in outcomes.STORIES.items():
        if story.service:
            assert "h of the person's time" in outcomes.paper_baseline(slug), slug


def test_readme_gets_the_table_between_its_markers_and_nothing_else_changes(
    services: Path,
) -> None:
    readme = (
        "# OneGate\n\nBefore.\n\n<!-- outcomes:start -->\nold table\n<!-- outcomes:end -->"
        "\n\nAfter.\n"
    )

    updated = outcomes.readme_with_block(readme, outcomes.outcome_block(SAMPLE, services))

    assert updated is not None
    assert updated.startswith("# OneGate\n\nBefore.\n\n<!-- outcomes:start -->\n| story |")
    assert re.search(
        r"\nMeasured by `make tour` on \d{4}-\d\d-\d\d\.\n<!-- outcomes:end -->"
        r"\n\nAfter\.\n$",
        updated,
    )
    assert "old table" not in updated
    assert outcomes.readme_with_block("# OneGate, no markers\n", "table") is None


def test_the_command_fills_both_blocks_of_readme(tmp_path: Path) -> None:
    tour = tmp_path / "tour"
    shot(tour / "en", "appointment-01-centres-by-postcode.png")
    shot(tour / "en", "appointment-02-booked.png")
    (tour / "outcomes.json").write_text(json.dumps({"appointment-en": SAMPLE["appointment-en"]}))
    readme = tmp_path / "README.md"
    readme.write_text(
        "# OneGate\n<!-- outcomes:start -->\n<!-- outcomes:end -->\n"
        "<!-- tour:start -->\n<!-- tour:end -->\n"
    )

    outcomes.main(["--tour-dir", str(tour), "--readme", str(readme)])

    text = readme.read_text()
    assert "| An appointment for a service that needs a visit, moved to another day | 4 |" in text
    assert f'<img src="{tour}/en/appointment-02-booked.png" width="260"' in text
    assert "centres-by-postcode" not in text  # the story's last screenshot only
    assert text.index("<!-- tour:start -->") < text.index("appointment-02-booked")


def test_without_markers_what_goes_there_is_printed_and_readme_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# OneGate\n")
    (tmp_path / "tour").mkdir()
    (tmp_path / "tour" / "outcomes.json").write_text(
        json.dumps({"appointment-en": SAMPLE["appointment-en"]})
    )

    outcomes.main(["--tour-dir", str(tmp_path / "tour"), "--readme", str(readme)])

    printed = capsys.readouterr().out
    assert "has no <!-- outcomes:start --> … <!-- outcomes:end --> markers" in printed
    assert "| An appointment for a service that needs a visit" in printed
    assert readme.read_text() == "# OneGate\n"
    assert "## An appointment" in (tmp_path / "tour" / "README.md").read_text()


def shot(folder: Path, name: str, colour: str = "white") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 32), colour).save(folder / name)
    return folder / name


def test_a_new_tour_keeps_only_the_new_shots_of_a_story_and_the_old_ones_of_the_rest(
    tmp_path: Path,
) -> None:
    shot(tmp_path / "en", "appointment-01-old-name.png")
    shot(tmp_path / "en", "tell-us-once-01-new-address.png")
    shot(tmp_path / "th", "appointment-01-old-name.png")

    assert outcomes.tour_prepare(tmp_path) == 3
    shot(tmp_path / "en", "appointment-01-renamed.png")  # the tour shoots one story again
    put_back = outcomes.tour_finish(tmp_path)

    assert sorted(p.name for p in (tmp_path / "en").glob("*.png")) == [
        "appointment-01-renamed.png",
        "tell-us-once-01-new-address.png",
    ]
    # In Thai the story took no shot this time, so its last ones stay.
    assert [p.name for p in (tmp_path / "th").glob("*.png")] == ["appointment-01-old-name.png"]
    assert put_back == 2
    assert not (tmp_path / outcomes.PREVIOUS).exists()


def test_the_gallery_puts_each_shot_beside_its_thai_one_captioned_from_its_name(
    tmp_path: Path,
) -> None:
    shot(tmp_path / "en", "travel-authority-01-proved.png")
    shot(tmp_path / "en", "travel-authority-02-check-answers.png")
    shot(tmp_path / "th", "travel-authority-01-proved.png")
    shot(tmp_path / "en", "appointment-01-centres-by-postcode.png")

    page = outcomes.gallery(tmp_path, SAMPLE)

    assert page.index("## A visitor's electronic travel authority") < page.index(
        "## An appointment"
    )
    assert (
        "| ![1. Proved](en/travel-authority-01-proved.png)<br>1. Proved "
        "| ![1. Proved](th/travel-authority-01-proved.png)<br>1. Proved |"
    ) in page
    assert "| ![2. Check answers](en/travel-authority-02-check-answers.png)<br>2. Check " in page
    assert "- English: 15 screens after signing in, 12 fields typed" in page
    assert "- ไทย: 15 screens after signing in" in page
    assert "| ![1. Centres by postcode](en/appointment-01-centres-by-postcode.png)" in page


def test_screenshots_are_saved_with_fewer_colours_once(tmp_path: Path) -> None:
    path = shot(tmp_path / "en", "appointment-01-booked.png", colour="teal")

    first = outcomes.screenshots_shrink(tmp_path)
    again = outcomes.screenshots_shrink(tmp_path)

    with Image.open(path) as image:
        assert image.mode == "P"
        assert image.convert("RGB").getpixel((3, 3)) == (0, 128, 128)
    assert (first, again) == (1, 0)
