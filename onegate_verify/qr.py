"""Read the credential text out of a photo or scan of its QR code (zxing-cpp through Pillow).

Images are checked before decoding: at most 20 MB of file and 40 megapixels, so an
uploaded "decompression bomb" is refused instead of filling memory. Images above 4 megapixels are
scaled down before the QR code is looked for (a JPEG is decoded at the smaller size directly), so
a 40-megapixel photo costs little more than a 4-megapixel one; a QR code that fills a fair part
of the photo keeps several pixels per module.
"""

from __future__ import annotations

import io

from onegate_verify.errors import VerifyError

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
DECODE_PIXELS = 4_000_000


def qr_decode(image: bytes) -> str:
    """The text of the first QR code found in ``image`` (PNG, JPEG, …); raises ``VerifyError``
    with code ``qr`` when there is no readable image or no QR code."""
    # Imported here: the console command only needs Pillow and zxing-cpp for --image.
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    if not image or len(image) > MAX_IMAGE_BYTES:
        raise VerifyError("qr", "The image is empty or larger than 20 MB.")
    try:
        with Image.open(io.BytesIO(image)) as picture:
            width, height = picture.size
            if width * height > MAX_PIXELS:
                raise VerifyError("qr", "The image is larger than 40 megapixels.")
            size = _decode_size(width, height)
            picture.draft("L", size)  # JPEG: decoded at 1/2, 1/4 or 1/8 scale; others: no-op
            grey = picture.convert("L")
            if grey.size[0] * grey.size[1] > DECODE_PIXELS:
                grey = grey.resize(size, Image.Resampling.BOX)
    except VerifyError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise VerifyError("qr", "The file is not an image that can be read.") from exc
    results = zxingcpp.read_barcodes(
        grey, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    for result in results:
        if result.valid and result.text:
            return str(result.text).strip()
    raise VerifyError("qr")


def _decode_size(width: int, height: int) -> tuple[int, int]:
    """``(width, height)`` scaled down, keeping its shape, to at most ``DECODE_PIXELS``."""
    if width * height <= DECODE_PIXELS:
        return width, height
    scale = (DECODE_PIXELS / (width * height)) ** 0.5
    return max(1, int(width * scale)), max(1, int(height * scale))
