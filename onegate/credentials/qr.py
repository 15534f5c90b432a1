"""QR codes of credentials, drawn on the server with segno (no JavaScript needed to show one).

A credential with every disclosure is about 2 kB of base64url text: byte mode, error correction
level L (segno raises it when the symbol has room), QR version 30-something. It is shown as an
SVG ``data:`` image, as the authenticator-app QR code is (the site's CSP allows ``data:``
images, never inline scripts or styles), and embedded in the PDF card as a PNG.
"""

from __future__ import annotations

import base64
import io

import segno

__all__ = ["qr_png", "qr_svg", "qr_svg_data_uri"]

# Four modules of quiet zone around the symbol: what ISO/IEC 18004 asks for.
QUIET_ZONE = 4


def _symbol(payload: str) -> segno.QRCode:
    return segno.make(payload, error="l", micro=False)


def qr_svg(payload: str) -> bytes:
    """An SVG of ``payload``'s QR code, one unit per module (it scales without blur)."""
    out = io.BytesIO()
    _symbol(payload).save(
        out, kind="svg", scale=1, border=QUIET_ZONE, xmldecl=False, nl=False, svgclass=None
    )
    return out.getvalue()


def qr_svg_data_uri(payload: str) -> str:
    """The QR code of ``payload`` as a ``data:image/svg+xml`` address for an ``<img>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(payload)).decode("ascii")


def qr_png(payload: str, *, scale: int = 4) -> bytes:
    """A PNG of ``payload``'s QR code, ``scale`` pixels a module, black on white."""
    out = io.BytesIO()
    _symbol(payload).save(out, kind="png", scale=scale, border=QUIET_ZONE)
    return out.getvalue()
