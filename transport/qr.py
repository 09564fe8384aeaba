"""The booking's QR code as inline SVG (core.qr)."""

from core.qr import qr_svg


def booking_qr_svg(code):
    return qr_svg(code)
