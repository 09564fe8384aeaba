"""Resident identity card numbers (居民身份证号码, GB 11643).

An 18-character number: a six-digit county code, the date of birth (YYYYMMDD), a three-digit sequence whose last
digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check character (0-9 or X, computed with
python-stdnum's `iso7064.mod_11_2`).

The county code is the one of the place where the number was first issued, and people keep it for life: it may
belong to a county abolished since (430123 浏阳县) or to one that received its code after the holder's birth (a
Liuyang native born in 1988 may hold 430181, given to 浏阳市 in 1993). So the only sound rule is "a code that was
in force at some time"; python-stdnum's `cn.ric.validate` ties the county to the birth year and would refuse such
people, which is why it is not used here.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.iso7064 import mod_11_2

from core.regions.gb2260 import ever_existed_codes
from core.typed_input import NormalisedCharField, NormalisedSerializerField, ascii_digits, compact

MALE = "M"
FEMALE = "F"

# How Excel shows an 18-digit number typed into a cell formatted as a number: 15 significant digits and an exponent
# (4.30181198801011E+17). The last three digits are gone for good, so this is never a wrong check digit to correct.
_EXCEL_NUMBER = re.compile(r"[0-9](\.[0-9]*)?E\+?[0-9]+")


@dataclass(frozen=True)
class IdNumber:
    number: str
    county_code: str
    birth_date: datetime.date
    sex: str


def normalize_id_number(value):
    """The number as typed, in the one form it is checked, hashed and stored in (`core.typed_input`): NFKC, spaces
    and dashes out, and a lower-case x accepted as the check character."""
    return compact(value).upper()


def parse_id_number(value, *, today=None):
    """The number's parts, or ValidationError with a Chinese message naming what is wrong."""
    number = normalize_id_number(value)
    if _EXCEL_NUMBER.fullmatch(number):
        raise ValidationError(_("Excel 把身份证号存成了数字，请把该列设为文本后重新填写。"), code="excel_number")
    digits = ascii_digits(number[:17])
    check = "X" if number[17:] == "X" else ascii_digits(number[17:])
    if len(number) != 18 or digits is None or check is None:
        raise ValidationError(_("身份证号应为18位，前17位是数字，最后一位是数字或X。"), code="format")
    number = digits + check
    if mod_11_2.calc_check_digit(digits) != check:
        raise ValidationError(_("身份证号校验位不正确，请核对后重新输入。"), code="check_digit")
    try:
        birth_date = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期不存在。"), code="birth_date") from None
    today = today or timezone.localdate()
    if birth_date > today or birth_date.year < 1900:
        raise ValidationError(_("身份证号中的出生日期不可能是真实的。"), code="birth_date")
    county_code = number[:6]
    if county_code not in ever_existed_codes():
        raise ValidationError(_("身份证号前六位不是任何时期的县级行政区划代码。"), code="county")
    sex = MALE if int(number[16]) % 2 else FEMALE
    return IdNumber(number=number, county_code=county_code, birth_date=birth_date, sex=sex)


def _checked_number(value):
    return parse_id_number(value).number


class IdNumberField(NormalisedCharField):
    normalize = staticmethod(_checked_number)


class IdNumberSerializerField(NormalisedSerializerField):
    normalize = staticmethod(_checked_number)


def make_id_number(*, county_code, birth_date, sequence):
    """A well-formed number for demo data and tests: the check character is computed, never guessed."""
    body = f"{county_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + mod_11_2.calc_check_digit(body)
