"""A decision notice as a PDF (fpdf2), in English or Thai, from ``notice.notice_build``.

Thai needs text shaping (marks above and below the consonants placed by HarfBuzz: fpdf2's
``set_text_shaping`` with uharfbuzz) and a font that has its glyphs: Sarabun, the Thai
government's standard typeface, from the ``@fontsource/sarabun`` package the frontend build
installs under ``node_modules``. Its files are split by script, so the notice's language's subset
is the main font and the other one the fallback for the characters it lacks (digits and Latin
letters in a Thai notice, a Thai name in an English one). fpdf2 reads the ``.woff`` files
itself (through fontTools), so nothing is converted or written to disk.

Thai is written without spaces between words; fpdf2 breaks lines only at spaces, so zero-width
spaces are put between Thai words (pythainlp's dictionary tokenizer) to let a long sentence wrap
at a word and not in the middle of one.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import pairwise
from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from onegate.cases.models import Case
from onegate.cases.notice import Notice, notice_build
from onegate.core.languages import THAI

__all__ = ["NoticeFontsMissing", "notice_pdf_bytes", "notice_pdf_render", "sarabun_files"]

FONT_DIR = Path("node_modules") / "@fontsource" / "sarabun" / "files"
SCRIPTS = ("thai", "latin")
WEIGHTS = {"": 400, "B": 700}
ZERO_WIDTH_SPACE = "\u200b"
THAI_LETTERS = re.compile(r"[\u0e00-\u0e7f]")

# Sizes in points, spacing in millimetres.
BODY, SMALL, HEADING, TITLE = 12, 10, 15, 22
LINE = 6.5
LABEL_WIDTH = 52


class NoticeFontsMissing(RuntimeError):
    """The Sarabun font files are not where the PDF notice looks for them."""


@cache
def sarabun_files() -> dict[tuple[str, str], Path]:
    """The font file of each (script, style) — style "" or "B" — checked to exist once."""
    folder = Path(settings.BASE_DIR) / FONT_DIR
    files = {
        (script, style): folder / f"sarabun-{script}-{weight}-normal.woff"
        for script in SCRIPTS
        for style, weight in WEIGHTS.items()
    }
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise NoticeFontsMissing(
            "The Sarabun fonts for PDF notices are missing: "
            + ", ".join(missing)
            + ". Install the frontend packages (npm ci) to get @fontsource/sarabun."
        )
    return files


def _family(script: str) -> str:
    return f"sarabun-{script}"


def _document(notice: Notice) -> FPDF:
    pdf = FPDF(format="A4")
    for (script, style), path in sarabun_files().items():
        pdf.add_font(_family(script), style, str(path))
    main, other = SCRIPTS if notice.language == THAI else tuple(reversed(SCRIPTS))
    pdf.set_text_shaping(True)
    pdf.set_fallback_fonts([_family(other)])
    pdf.set_font(_family(main), size=BODY)
    pdf.set_lang(notice.language)
    pdf.set_title(f"{notice.title} {notice.reference}")
    pdf.set_author(notice.agency)
    pdf.set_creator("OneGate")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    return pdf


def breakable(text: str) -> str:
    """``text`` with zero-width spaces between Thai words, so lines may wrap there."""
    if not THAI_LETTERS.search(text):
        return text
    from pythainlp.tokenize import word_tokenize  # loads a dictionary: only when Thai is met

    words = word_tokenize(text, engine="newmm", keep_whitespace=True)
    joined = words[:1]
    for before, word in pairwise(words):
        thai_pair = THAI_LETTERS.search(before) and THAI_LETTERS.search(word)
        joined.append(ZERO_WIDTH_SPACE + word if thai_pair else word)
    return "".join(joined)


def _write(pdf: FPDF, text: str, *, size: int = BODY, bold: bool = False, after: float = 2) -> None:
    pdf.set_font(style="B" if bold else "", size=size)
    height = LINE * size / BODY
    pdf.multi_cell(0, height, breakable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(after)


def _facts(pdf: FPDF, facts: list[tuple[str, str]]) -> None:
    for label, value in facts:
        pdf.set_font(style="B", size=BODY)
        top = pdf.get_y()
        pdf.multi_cell(LABEL_WIDTH, LINE, breakable(label), new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.set_font(style="", size=BODY)
        pdf.multi_cell(0, LINE, breakable(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(max(pdf.get_y(), top + LINE) + 1.5)


def _section(pdf: FPDF, title: str, paragraphs: list[str]) -> None:
    if not paragraphs:
        return
    pdf.ln(3)
    _write(pdf, title, size=HEADING, bold=True)
    for paragraph in paragraphs:
        _write(pdf, paragraph)


def notice_pdf_render(notice: Notice) -> bytes:
    """The PDF of a notice already built."""
    pdf = _document(notice)
    _write(pdf, notice.agency, size=HEADING, bold=True, after=4)
    _write(pdf, notice.title, size=TITLE, bold=True, after=3)
    _write(pdf, notice.headline, size=HEADING, after=5)
    _facts(pdf, notice.facts)
    _section(pdf, notice.reasons_title, notice.reasons)
    _section(pdf, notice.decided_how_title, notice.decided_how)
    _section(pdf, notice.review_title, notice.review)
    pdf.ln(6)
    _write(pdf, notice.footer, size=SMALL)
    return bytes(pdf.output())


def notice_pdf_bytes(case: Case, language: str) -> bytes:
    """The decision notice of ``case`` (decided) in ``language``, as a PDF."""
    return notice_pdf_render(notice_build(case, language))
