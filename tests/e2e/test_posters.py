"""A posting's poster printed to PDF by Chromium: one A4 page whose text carries the title, the wage, food and
lodging, the phones and the link its QR code opens (issue 16, point 6)."""

import io
import unicodedata

import pytest
from pypdf import PdfReader

from tests.factories import JobPostingFactory

pytestmark = pytest.mark.django_db(transaction=True)

A4_POINTS = (595, 842)


def test_a_posting_poster_prints_on_one_a4_page_with_its_words(phone, regions):
    posting = JobPostingFactory(
        title="电子厂普工", wage_min=4500, wage_max=6000, provides_meals=True, provides_housing=True
    )
    phone.goto(f"/jobs/{posting.pk}/poster/")
    assert phone.get_by_role("button", name="打印海报").is_visible()
    phone.emulate_media(media="print")
    assert phone.get_by_role("button", name="打印海报").is_hidden()

    reader = PdfReader(io.BytesIO(phone.pdf(prefer_css_page_size=True, print_background=True)))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4_POINTS
    # NFKC: the CJK font's glyphs read back as Kangxi radicals (⼦ for 子) where a character has one.
    text = "".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text()).split())
    for words in ("电子厂普工", "4500-6000元/月", "包吃", "包住", "12333", "微信扫一扫", f"/jobs/{posting.pk}/"):
        assert words in text
