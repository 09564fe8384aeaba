"""The booking's QR code as inline SVG: drawn on the server by the `qrcode` library, no image request, no internet."""

import qrcode
import qrcode.image.svg
from django.utils.safestring import mark_safe


def booking_qr_svg(code):
    image = qrcode.make(code, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    # The SVG is generated from our own booking code (letters and digits only), so it is safe to inline.
    return mark_safe(image.to_string(encoding="unicode"))
