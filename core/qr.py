"""QR codes as inline SVG: drawn on the server by the `qrcode` library, no image request, no internet."""

import qrcode
import qrcode.image.svg
from django.utils.safestring import mark_safe


def qr_svg(data):
    """`data` (our own booking codes and page addresses) as an SVG path; safe to inline, the library escapes nothing
    it draws into text."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return mark_safe(image.to_string(encoding="unicode"))
