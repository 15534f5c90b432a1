"""The search index: services' fields prepared per language, matching and ranking.

See the package docstring for how a query is read and ranked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from rapidfuzz import fuzz, process

from onegate.catalogue.search.text import (
    STOP_WORDS,
    THAI_RUNS,
    clean,
    is_thai,
    thai_words,
    without_marks,
    words,
)

ENGLISH, THAI = "en", "th"
FIELD_WEIGHTS = {"title": 1.0, "keywords": 0.75, "agency": 0.5, "summary": 0.4}
TITLE_PHRASE_BONUS = 0.25
TITLE_COVERAGE_BONUS = 0.1
MIN_SCORE = 0.2
MIN_SHARE_OF_BEST = 0.4
MAX_TERMS = 12
FUZZY_MIN_LENGTH = 4
FUZZY_CUTOFF = 80.0
SUGGESTION_CUTOFF = 70.0
QUERY_CACHE_SIZE = 2048

# Quality of each kind of match, 1.0 being the same word.
SAME_WORD = 1.0
THAI_INSIDE = 0.9
WORDS_RUN_TOGETHER = 0.9
THAI_WITHOUT_MARKS = 0.8
WORD_START = 0.8
FUZZY = 0.75


@dataclass(frozen=True)
class SearchDocument:
    """What search knows of one service: its key and its text in each language."""

    key: str
    title: Mapping[str, str]
    keywords: Mapping[str, Sequence[str]]
    summary: Mapping[str, str]
    agency: Mapping[str, str]
    # Lower sorts first among equal scores, e.g. the popular-services position.
    tiebreak: int = 1_000_000


@dataclass(frozen=True)
class IndexedField:
    """A field's text prepared for every kind of match."""

    words: frozenset[str]
    joined: str  # " word word word", to find a term at the start of a word
    compact: str  # phrases without spaces, "|" between phrases
    loose: str  # compact without Thai tone marks
    extras: frozenset[str]  # adjacent word pairs and whole phrases, for fuzzy run-together matches

    @classmethod
    def build(cls, phrases: Sequence[str]) -> IndexedField:
        phrase_words = [words(clean(phrase)) for phrase in phrases]
        compact = "|".join("".join(found) for found in phrase_words)
        pairs = {a + b for found in phrase_words for a, b in pairwise(found)}
        return cls(
            words=frozenset(word for found in phrase_words for word in found),
            joined=" " + " ".join(word for found in phrase_words for word in found),
            compact=compact,
            loose=without_marks(compact),
            extras=frozenset(pairs | {"".join(found) for found in phrase_words if len(found) > 1}),
        )


@dataclass
class Term:
    """One searched-for word: how well it matches each document, and any spelling correction."""

    text: str
    weighted: list[float]  # per document: best field weight times match quality
    in_title: list[float]  # per document: match quality in the title
    correction: str | None = None

    @property
    def found(self) -> bool:
        return any(self.weighted)

    @property
    def is_stop_word(self) -> bool:
        return self.text in STOP_WORDS


class LanguageIndex:
    """The documents' fields in one language, and that language's vocabulary for fuzzy matching."""

    def __init__(self, language: str, documents: Sequence[SearchDocument]) -> None:
        self.language = language
        self.fields = [
            {
                "title": IndexedField.build([document.title[language]]),
                "keywords": IndexedField.build(list(document.keywords.get(language, []))),
                "agency": IndexedField.build([document.agency[language]]),
                "summary": IndexedField.build([document.summary[language]]),
            }
            for document in documents
        ]
        vocabulary: set[str] = set()
        for fields in self.fields:
            for indexed in fields.values():
                vocabulary |= indexed.words | indexed.extras
        self.known_words = frozenset(
            word for fields in self.fields for indexed in fields.values() for word in indexed.words
        )
        self.vocabulary = sorted(word for word in vocabulary if len(word) >= FUZZY_MIN_LENGTH - 1)

    def term(self, text: str) -> Term:
        """How well ``text`` matches each document, trying a spelling correction if nothing does."""
        probe = Probe.of(text, known_word=text in self.known_words)
        term = Term(text, *self._scan(probe))
        if not term.found:
            similar = self.similar(text, cutoff=FUZZY_CUTOFF)
            if similar:
                term.weighted, term.in_title = self._scan(replace(probe, similar=similar))
                term.correction = max(similar, key=lambda word: similar[word])
        return term

    def similar(self, text: str, *, cutoff: float) -> dict[str, float]:
        """Vocabulary words within a small edit distance of ``text``, with their similarity 0-1."""
        if len(text) < FUZZY_MIN_LENGTH:
            return {}
        found = process.extract(
            text, self.vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5
        )
        return {word: score / 100 for word, score, _index in found}

    def _scan(self, probe: Probe) -> tuple[list[float], list[float]]:
        weighted, in_title = [], []
        for fields in self.fields:
            qualities = {name: probe.quality(indexed) for name, indexed in fields.items()}
            weighted.append(max(FIELD_WEIGHTS[name] * value for name, value in qualities.items()))
            in_title.append(qualities["title"])
        return weighted, in_title


@dataclass(frozen=True)
class Probe:
    """A term ready to be matched against fields."""

    text: str
    thai: bool
    loose: str  # Thai without tone marks
    word_start: bool  # may match the start of a longer word: long enough and not a word itself
    similar: Mapping[str, float] = field(default_factory=dict)  # fuzzy matches, similarity 0-1

    @classmethod
    def of(cls, text: str, *, known_word: bool) -> Probe:
        thai = is_thai(text)
        return cls(
            text=text,
            thai=thai,
            loose=without_marks(text) if thai else "",
            word_start=not thai and not known_word and len(text) >= 3,
        )

    def quality(self, indexed: IndexedField) -> float:
        """How well this term matches a field, from 1 (the same word) down to 0 (not at all)."""
        text = self.text
        if text in indexed.words:
            return SAME_WORD
        if self.thai and text in indexed.compact:
            return THAI_INSIDE
        if self.thai and self.loose in indexed.loose:
            return THAI_WITHOUT_MARKS
        if not self.thai and len(text) >= 3 and text in indexed.extras:
            return WORDS_RUN_TOGETHER
        if self.word_start and f" {text}" in indexed.joined:
            return WORD_START
        return max(
            (
                FUZZY * score
                for word, score in self.similar.items()
                if word in indexed.words or word in indexed.extras
            ),
            default=0.0,
        )


@dataclass(frozen=True)
class SearchHits:
    """Document keys best first, and a corrected query to offer when words were misspelt."""

    keys: tuple[str, ...]
    suggestion: str | None = None
    searchable: bool = True  # False when the query had no letters or digits at all


@dataclass
class SearchIndex:
    """Search over services in English and Thai; build once per catalogue revision."""

    documents: Sequence[SearchDocument]
    languages: dict[str, LanguageIndex] = field(init=False)
    _cache: dict[str, SearchHits] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.languages = {
            language: LanguageIndex(language, self.documents) for language in (ENGLISH, THAI)
        }

    def search(self, query: str) -> SearchHits:
        text = clean(query)
        if not text:
            return SearchHits(keys=(), searchable=False)
        hits = self._cache.get(text)
        if hits is None:
            if len(self._cache) >= QUERY_CACHE_SIZE:
                self._cache.clear()
            hits = self._cache[text] = self._search(text)
        return hits

    def _search(self, text: str) -> SearchHits:
        terms = self._terms(text)
        scores = self._scores(terms)
        ranked = sorted(
            (index for index, score in enumerate(scores) if score > 0),
            key=lambda index: (
                -scores[index],
                self.documents[index].tiebreak,
                self.documents[index].key,
            ),
        )
        best = scores[ranked[0]] if ranked else 0.0
        keys = tuple(
            self.documents[index].key
            for index in ranked
            if scores[index] >= MIN_SCORE and scores[index] >= best * MIN_SHARE_OF_BEST
        )
        return SearchHits(keys=keys, suggestion=self._suggestion(text, terms, found=bool(keys)))

    def _terms(self, text: str) -> list[Term]:
        terms: list[Term] = []
        for chunk in text.split():
            for run in THAI_RUNS.findall(chunk):
                terms.extend(self._thai_terms(run) if is_thai(run) else [self._latin_term(run)])
        content = [term for term in terms if not term.is_stop_word]
        return (content or terms)[:MAX_TERMS]

    def _latin_term(self, text: str) -> Term:
        index = self.languages[ENGLISH]
        term = index.term(text)
        if not term.found and len(text) > 3 and text.endswith("s"):
            singular = index.term(text[:-1])
            if singular.found:
                return singular
        return term

    def _thai_terms(self, run: str) -> list[Term]:
        """A Thai run as one term when some service contains it; otherwise word by word."""
        index = self.languages[THAI]
        whole = index.term(run)
        if whole.found and whole.correction is None:
            return [whole]
        parts = thai_words(run)
        if len(parts) <= 1:
            return [whole]
        split = [index.term(word) for word in parts]
        if whole.found and not all(term.found for term in split):
            return [whole]
        return split

    def _scores(self, terms: list[Term]) -> list[float]:
        count = len(self.documents)
        weights = [_rarity(term, count) for term in terms]
        total = sum(weights) or 1.0
        phrase = "".join(term.text for term in terms)
        scores = []
        for index in range(count):
            share = sum(
                weight * term.weighted[index] for weight, term in zip(weights, terms, strict=True)
            )
            scores.append(
                (share / total + self._title_bonus(index, terms, phrase)) if share else 0.0
            )
        return scores

    def _title_bonus(self, index: int, terms: list[Term], phrase: str) -> float:
        """Extra for the query as a phrase in the title, and for covering more of the title."""
        # The title in the query's language, taken from its first word's script.
        language = THAI if terms and is_thai(terms[0].text) else ENGLISH
        title_text = self.languages[language].fields[index]["title"].compact
        matched = sum(len(term.text) for term in terms if term.in_title[index])
        coverage = min(1.0, matched / len(title_text)) if title_text else 0.0
        bonus = TITLE_COVERAGE_BONUS * coverage
        if len(terms) > 1 and phrase in title_text:
            bonus += TITLE_PHRASE_BONUS
        return bonus

    def _suggestion(self, text: str, terms: list[Term], *, found: bool) -> str | None:
        corrections = {term.text: term.correction for term in terms if term.correction}
        if not found:
            for term in terms:
                language = THAI if is_thai(term.text) else ENGLISH
                similar = self.languages[language].similar(term.text, cutoff=SUGGESTION_CUTOFF)
                if similar:
                    corrections[term.text] = max(similar, key=lambda word: similar[word])
        if not corrections:
            return None
        suggestion = text
        for wrong, right in corrections.items():
            suggestion = suggestion.replace(wrong, right)
        return suggestion if suggestion != text else None


def _rarity(term: Term, count: int) -> float:
    """Terms few services match weigh more, like inverse document frequency."""
    matching = sum(1 for value in term.weighted if value)
    return 1.0 + math.log((count + 1) / (matching + 1))
