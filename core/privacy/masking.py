"""What people without the right to unmask see of an ID number, a phone and an age: one rule, used by every page,
API response, export and manifest (docs/workers.md, "Masking", has the candidate counts behind it).

Masked means nothing shown together gives the value back. An ID number's hidden characters must leave at least
10,000 candidate numbers even beside everything a page shows with it: the home village (so the county code), the
sex and the age band, and even if the birth year leaks from elsewhere (a posting's narrow age range). So the mask
keeps the province (two characters) and the check character only, and the age is a birth decade, never a date. The
decade does not move with today's date, so watching someone's band over time tells nothing more: an age band
computed from the birth date would flip on the birthday and give the date away.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

ID_NUMBER_SHOWN_AT_START = 2  # the province
ID_NUMBER_SHOWN_AT_END = 1  # the check character
PHONE_SHOWN_AT_START = 3  # the carrier's prefix
PHONE_SHOWN_AT_END = 4  # staff read these out to tell people apart on the phone


def mask_id_number(number):
    """43***************5: the province and the check character."""
    if not number:
        return ""
    hidden = len(number) - ID_NUMBER_SHOWN_AT_START - ID_NUMBER_SHOWN_AT_END
    return number[:ID_NUMBER_SHOWN_AT_START] + "*" * hidden + number[-ID_NUMBER_SHOWN_AT_END:]


def mask_phone(phone):
    """138****0000: the four hidden digits leave 10,000 numbers, and nothing we show narrows them."""
    if not phone:
        return ""
    return phone[:PHONE_SHOWN_AT_START] + "****" + phone[-PHONE_SHOWN_AT_END:]


def birth_decade(birth_date):
    """The first year of the decade the person was born in: 1980 for someone born in 1988."""
    return birth_date.year // 10 * 10


def age_band(birth_date, *, today=None):
    """80后（37-46岁）: the birth decade, with the ages that decade spans today (derived from the decade alone)."""
    if birth_date is None:
        return ""
    today = today or timezone.localdate()
    first_year = birth_decade(birth_date)
    youngest = _age(datetime.date(first_year + 9, 12, 31), today)
    oldest = _age(datetime.date(first_year, 1, 1), today)
    return _("%(decade)02d后（%(youngest)d-%(oldest)d岁）") % {
        "decade": first_year % 100,
        "youngest": max(youngest, 0),
        "oldest": oldest,
    }


def _age(birth_date, today):
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
