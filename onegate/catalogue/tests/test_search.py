"""Search: the fixed list of real queries, ranking rules, odd input, and speed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pythainlp.tokenize import word_tokenize

from onegate.catalogue.search import SearchDocument, SearchIndex, clean, thai_words
from onegate.catalogue.selectors import services_search
from onegate.catalogue.snapshot import Catalogue

SEARCH_QUERIES = Path(__file__).resolve().parent / "search_queries.yaml"
QUERIES: list[dict[str, Any]] = yaml.safe_load(SEARCH_QUERIES.read_text(encoding="utf-8"))


def document(
    key: str, title: str, keywords: tuple[str, ...] = (), summary: str = ""
) -> SearchDocument:
    return SearchDocument(
        key=key,
        title={"en": title, "th": "บริการ"},
        keywords={"en": keywords, "th": ()},
        summary={"en": summary or "A government service.", "th": "บริการของรัฐ"},
        agency={"en": "Ministry", "th": "กระทรวง"},
    )


def test_the_query_list_covers_both_languages_and_enough_cases() -> None:
    assert len(QUERIES) >= 30
    assert {entry["page"] for entry in QUERIES} == {"en", "th"}
    assert (
        sum(1 for entry in QUERIES if any("\u0e00" <= ch <= "\u0e7f" for ch in entry["query"]))
        >= 15
    )


@pytest.mark.parametrize("entry", QUERIES, ids=[entry["query"].strip() for entry in QUERIES])
def test_each_query_finds_its_service_first(
    demo_snapshot: Catalogue, entry: dict[str, Any]
) -> None:
    outcome = services_search(catalogue=demo_snapshot, query=entry["query"])
    found = [service.slug for service in outcome.results]
    assert found, f"{entry['query']!r} found nothing"
    assert found[0] == entry["first"], f"{entry['query']!r} found {found[:3]}"


def test_title_beats_keywords_beats_summary() -> None:
    in_title = document("in-title", "Get a fishing permit")
    in_keywords = document("in-keywords", "Go to sea", keywords=("fishing",))
    in_summary = document("in-summary", "Pay a bill", summary="Pay for your fishing permit.")
    assert SearchIndex([in_keywords, in_title]).search("fishing").keys == (
        "in-title",
        "in-keywords",
    )
    assert SearchIndex([in_summary, in_keywords]).search("fishing").keys == (
        "in-keywords",
        "in-summary",
    )


def test_weak_summary_matches_are_dropped_when_titles_match() -> None:
    in_title = document("in-title", "Get a fishing permit")
    in_summary = document("in-summary", "Pay a bill", summary="Pay for your fishing permit.")
    assert SearchIndex([in_summary, in_title]).search("fishing").keys == ("in-title",)
    assert SearchIndex([in_summary]).search("fishing").keys == ("in-summary",)


def test_a_misspelling_is_found_and_corrected() -> None:
    index = SearchIndex([document("passport", "Apply for a passport")])
    hits = index.search("pasport")
    assert hits.keys == ("passport",)
    assert hits.suggestion == "passport"


def test_nothing_found_still_offers_a_near_word() -> None:
    index = SearchIndex([document("vaccination", "Vaccination record")])
    hits = index.search("vaxxinasion")
    assert hits.keys == ()
    assert hits.suggestion == "vaccination"


def test_words_run_together_are_found() -> None:
    index = SearchIndex([document("renew", "Renew your driving licence")])
    assert index.search("drivinglicence").keys == ("renew",)


def test_a_known_short_word_is_not_stretched_into_a_longer_one() -> None:
    index = SearchIndex([document("tax", "Car tax"), document("id", "ID card")])
    assert index.search("car").keys == ("tax",)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  Driving\tLICENCE  ", "driving licence"),
        ("driving\x00licence\x1b[31m", "driving licence 31m"),
        ("pass\ud800port", "pass port"),
        ("\ufffd\ufffd", ""),
        ("!!! ??? ...", ""),
        ("\uff50\uff41\uff53\uff53\uff50\uff4f\uff52\uff54", "passport"),  # full width
        ("รายงานตัว ๙๐ วัน", "รายงานตัว 90 วัน"),
        ("ทํา", "ทำ"),  # nikhahit + sara aa, as some keyboards type sara am
        ("ใบขับขี่่", "ใบขับขี่"),  # doubled tone mark
    ],
)
def test_cleaning(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    "query",
    [
        "\x00", "\ud800", "\udfff\ud800", "🛂🛂🛂", "a" * 5000, "ก" * 5000, "่่่่", "%00",
        "' OR 1=1 --", "<script>alert(1)</script>", "\u202eevil", "e\u0301", " " * 50,
    ],
)  # fmt: skip
def test_odd_input_never_raises(query: str) -> None:
    index = SearchIndex([document("passport", "Apply for a passport")])
    hits = index.search(query)
    assert isinstance(hits.keys, tuple)


def test_flat_thai_dictionary_segments_like_pythainlp() -> None:
    samples = [
        "ต่ออายุใบขับขี่",
        "ข้อมูลของลูกดึงมาจากทะเบียนราษฎรให้โดยอัตโนมัติ",
        "ขออนุญาตเดินทางเข้าประเทศแบบอิเล็กทรอนิกส์",
        "แจ้งย้ายที่อยู่",
    ]
    for text in samples:
        assert list(thai_words(text)) == word_tokenize(text, engine="newmm", keep_whitespace=False)
