"""A printable card (PDF, fpdf2) of an entitlement's credential, in English or Thai.

The card is a box on an A4 page, to cut out: what the entitlement is, whom it is for, until when
it is valid, its reference, and the QR code of the credential. The QR code carries only what is
printed beside it (``forms_holder.CARD_CLAIMS``): a card left on a train gives away no date of
birth and no document number. Anyone can check it offline (``onegate-verify``) or on the
verifier page; a card of a credential reported lost or revoked then says so.

Fonts and Thai line breaking are the decision notice's (``cases.notice_pdf``): Sarabun, with
HarfBuzz shaping.
"""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from onegate.cases.notice_pdf import breakable, sarabun_files
from onegate.core.languages import THAI, format_date, pick
from onegate.credentials.forms_holder import CARD_CLAIMS
from onegate.credentials.models import Credential, Entitlement
from onegate.credentials.qr import qr_png

__all__ = ["card_pdf_bytes"]

SCRIPTS = ("thai", "latin")
# Millimetres: the card's box and the QR code inside it; sizes of type in points.
LEFT, TOP, WIDTH, HEIGHT = 20, 20, 170, 100
QR_SIZE = 86
PADDING = 7
TEXT_WIDTH = WIDTH - QR_SIZE - 3 * PADDING
SMALL, BODY, TITLE = 9, 11, 16
LINE = 5.5


def _document(language: str, title: str) -> FPDF:
    pdf = FPDF(format="A4")
    for (script, style), path in sarabun_files().items():
        pdf.add_font(f"sarabun-{script}", style, str(path))
    main, other = SCRIPTS if language == THAI else tuple(reversed(SCRIPTS))
    pdf.set_text_shaping(True)
    pdf.set_fallback_fonts([f"sarabun-{other}"])
    pdf.set_font(f"sarabun-{main}", size=BODY)
    pdf.set_lang(language)
    pdf.set_title(title)
    pdf.set_creator("OneGate")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    return pdf


def _text(pdf: FPDF, text: str, *, size: int = BODY, bold: bool = False, after: float = 1) -> None:
    pdf.set_x(LEFT + PADDING)
    pdf.set_font(style="B" if bold else "", size=size)
    pdf.multi_cell(
        TEXT_WIDTH, LINE * size / BODY, breakable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(after)


def _fact(pdf: FPDF, label: str, value: str) -> None:
    _text(pdf, label, size=SMALL, after=0)
    _text(pdf, value, bold=True, after=2)


def _labels(language: str) -> dict[str, str]:
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override(language):
        return {
            "for": _("For"),
            "until": _("Valid until"),
            "no_end": _("No end date"),
            "reference": _("Reference"),
            "check": _(
                "Scan the QR code to check this card. It shows whether it is still valid, even "
                "without an internet connection."
            ),
            "cut": _("Cut along the line. Keep the card with your passport or ID card."),
        }


def card_pdf_bytes(found: Entitlement, credential: Credential, language: str) -> bytes:
    """The card of ``found``'s ``credential`` in ``language``, as a PDF."""
    from onegate_verify.sdjwt import sd_jwt_present

    labels = _labels(language)
    title = pick(found.title, language)
    pdf = _document(language, f"{title} {found.reference}")
    pdf.set_draw_color(80, 80, 80)
    pdf.set_dash_pattern(dash=2, gap=1.5)
    pdf.rect(LEFT, TOP, WIDTH, HEIGHT, style="D", round_corners=True, corner_radius=4)
    pdf.set_dash_pattern()
    payload = sd_jwt_present(credential.token, reveal=CARD_CLAIMS)
    pdf.image(
        io.BytesIO(qr_png(payload)),
        x=LEFT + WIDTH - QR_SIZE - PADDING,
        y=TOP + (HEIGHT - QR_SIZE) / 2,
        w=QR_SIZE,
        h=QR_SIZE,
    )
    pdf.set_y(TOP + PADDING)
    _text(pdf, "OneGate", size=SMALL, bold=True, after=1)
    _text(pdf, title, size=TITLE, bold=True, after=4)
    _fact(pdf, labels["for"], pick(found.holder_names, language))
    until = format_date(found.valid_until, language) if found.valid_until else labels["no_end"]
    _fact(pdf, labels["until"], until)
    _fact(pdf, labels["reference"], found.reference)
    _text(pdf, labels["check"], size=SMALL)
    pdf.set_xy(LEFT, TOP + HEIGHT + 4)
    pdf.set_font(style="", size=SMALL)
    pdf.multi_cell(WIDTH, LINE, breakable(labels["cut"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
