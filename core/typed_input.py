"""Identity and numbers as people type them, normalised once, here, for every form, API and import.

People type on phones with Chinese input methods, paste from WeChat and fill in Excel: full-width digits (１３８),
spaces and dashes between groups (138 0013 8000, 0731－83612345, en and em dashes), now and then a circled or
superscript digit. The rule for an ID number, a phone, a credit code, a wage or a headcount is the same everywhere:
NFKC (which folds full-width, circled and superscript forms to plain ones: "１" and "①" become "1"), then spaces and
dashes out, then every character must be a decimal digit (`str.isdecimal`, which is what `int()` accepts; `isdigit`
lets "²" through and `int` then raises). The stored form is ASCII, so that a keyed hash of the same person's number
is the same however it was typed.

Each rule is a function raising ApplicationError with a Chinese message; the form fields and serializer fields
below wrap them for Django forms and DRF.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumValidationError

from core.errors import ApplicationError

# After NFKC: white space, zero-width characters, and the dashes (hyphen-minus, the Unicode hyphens, figure, en and
# em dashes, horizontal bar, minus sign). Full-width and small forms of "-" are already "-" after NFKC.
_SPACES_AND_DASHES = re.compile(r"[\s\u200b-\u200d\u2060\ufeff\-\u2010-\u2015\u2212]")
_MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Area codes: 010 (Beijing) and 02X (the largest cities) have three digits, every other one four.
_THREE_DIGIT_AREA = re.compile(r"0[12][0-9]")
_SERVICE_NUMBER = re.compile(r"400[0-9]{7}")
_MINUS_SIGNS = ("-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212")
# Room for an identifier typed with spaces and dashes between its groups.
TYPED_MAX_LENGTH = 40
# Longer than this, a whole number is out of every range we accept (and `int()` refuses past 4,300 digits).
_MAX_NUMBER_DIGITS = 18


def compact(value):
    """NFKC, then every space and dash out: the form in which a typed identifier is checked and stored."""
    return _SPACES_AND_DASHES.sub("", unicodedata.normalize("NFKC", "" if value is None else str(value)))


def ascii_digits(text):
    """`text` in ASCII digits when every character of it is a decimal digit (of any script), else None."""
    if not text or not text.isdecimal():
        return None
    return text if text.isascii() else "".join(str(unicodedata.decimal(character)) for character in text)


def typed_digits(value):
    """A code typed as digits (a region code, a number to look up) as ASCII digits, or None when, once normalised,
    it is not all digits: "４３０１８１" and "430 181" are "430181", "430一八一" is None."""
    return ascii_digits(compact(value))


def parse_object_id(value):
    """An object id sent in a query or a form: a positive integer that fits the database's bigint, or None."""
    digits = ascii_digits(str(value or ""))
    if digits is None or len(digits) > _MAX_NUMBER_DIGITS or int(digits) == 0:
        return None
    return int(digits)


def normalize_phone(value):
    """A mainland mobile number as 11 ASCII digits, or ApplicationError. Spaces, dashes and +86 are forgiven."""
    digits = ascii_digits(compact(value).removeprefix("+86").removeprefix("0086"))
    if digits is None or not _MAINLAND_MOBILE.fullmatch(digits):
        raise ApplicationError(_("请输入11位手机号码。"), field="phone")
    return digits


def typed_phone(value):
    """`value` as a mainland mobile number if it is one as `normalize_phone` takes it, else None: for a search box
    that takes a phone or a name."""
    try:
        return normalize_phone(value)
    except ApplicationError:
        return None


def normalize_contact_phone(value):
    """An employer's or a trip's contact number: a mobile (13800138000), a landline with its area code and maybe an
    extension (0731-83612345转8001, written that way whatever the spacing typed) or a 400 number, or ApplicationError.
    """
    text = compact(value).removeprefix("+86")
    for bracket in "()":
        text = text.replace(bracket, "")
    number, has_extension, extension = text.partition("转")
    digits, extension_digits = ascii_digits(number), ascii_digits(extension)
    problem = ApplicationError(
        _("请填11位手机号或带区号的固定电话，例如 0731-83612345。"), field="contact_phone", code="phone"
    )
    if digits is None or (has_extension and (extension_digits is None or len(extension_digits) > 6)):
        raise problem
    if _MAINLAND_MOBILE.fullmatch(digits) or _SERVICE_NUMBER.fullmatch(digits):
        if has_extension:
            raise problem
        return digits
    area_length = 3 if _THREE_DIGIT_AREA.match(digits) else 4
    area, local = digits[:area_length], digits[area_length:]
    if not area.startswith("0") or len(area) != area_length or len(local) not in ((8,) if area_length == 3 else (7, 8)):
        raise problem
    return f"{area}-{local}" + (f"转{extension_digits}" if has_extension else "")


def normalize_credit_code(value):
    """The canonical 统一社会信用代码 (GB 32100: 18 characters, the last a check character), or ApplicationError."""
    try:
        return uscc.validate(compact(value).upper())
    except InvalidLength as error:
        raise ApplicationError(_("统一社会信用代码应为18位。"), field="credit_code") from error
    except InvalidChecksum as error:
        raise ApplicationError(_("统一社会信用代码的校验位不对，请核对后重新输入。"), field="credit_code") from error
    except StdnumValidationError as error:
        raise ApplicationError(_("统一社会信用代码格式不对，请核对后重新输入。"), field="credit_code") from error


def parse_whole_number(value, *, lowest, highest):
    """A typed whole number (a wage, a headcount, an age) between `lowest` and `highest`, or ApplicationError.

    Full-width digits, spaces and thousands separators (6,000 or ６，０００) are forgiven; a decimal point is not.
    """
    text = re.sub(r"[\s,]", "", unicodedata.normalize("NFKC", "" if value is None else str(value)))
    negative = text.startswith(_MINUS_SIGNS)
    digits = ascii_digits(text[1:] if negative else text)
    if digits is None:
        raise ApplicationError(_("请填整数。"), code="not_a_number")
    out_of_range = ApplicationError(
        _("应在%(lowest)d到%(highest)d之间。") % {"lowest": lowest, "highest": highest}, code="out_of_range"
    )
    if len(digits.lstrip("0")) > _MAX_NUMBER_DIGITS:
        raise out_of_range
    number = -int(digits) if negative else int(digits)
    if not lowest <= number <= highest:
        raise out_of_range
    return number


def _as_validation_error(error):
    return ValidationError(error.message, code=error.code)


class NormalisedCharField(forms.CharField):
    """A text field whose value is what `normalize` returns; its ApplicationError (or ValidationError) is the
    field's error."""

    normalize = None
    input_mode = "text"

    def __init__(self, **kwargs):
        # What is typed may carry spaces and dashes; the normaliser checks the length of what is kept.
        kwargs["max_length"] = TYPED_MAX_LENGTH
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", self.input_mode)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return type(self).normalize(value)
        except ApplicationError as error:
            raise _as_validation_error(error) from error


class PhoneField(NormalisedCharField):
    normalize = staticmethod(normalize_phone)
    input_mode = "tel"


class ContactPhoneField(NormalisedCharField):
    normalize = staticmethod(normalize_contact_phone)
    input_mode = "tel"


class CreditCodeField(NormalisedCharField):
    normalize = staticmethod(normalize_credit_code)


class WholeNumberField(forms.IntegerField):
    """A whole number within bounds that are required: without an upper bound, 10**30 reaches the database."""

    def __init__(self, *, min_value, max_value, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)
        self.widget.attrs["inputmode"] = "numeric"

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_whole_number(value, lowest=self.min_value, highest=self.max_value)
        except ApplicationError as error:
            raise _as_validation_error(error) from error


class NormalisedSerializerField(serializers.CharField):
    """As NormalisedCharField, for DRF."""

    normalize = None

    def __init__(self, **kwargs):
        kwargs["max_length"] = TYPED_MAX_LENGTH
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return type(self).normalize(value)
        except ApplicationError as error:
            raise serializers.ValidationError(error.message, code=error.code) from error
        except ValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code) from error


class PhoneSerializerField(NormalisedSerializerField):
    normalize = staticmethod(normalize_phone)


class WholeNumberSerializerField(serializers.IntegerField):
    """As WholeNumberField, for DRF; JSON numbers and typed text alike."""

    def __init__(self, *, min_value, max_value, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, float) and not data.is_integer()):
            self.fail("invalid")
        try:
            return parse_whole_number(
                int(data) if isinstance(data, float) else data, lowest=self.min_value, highest=self.max_value
            )
        except ApplicationError as error:
            raise serializers.ValidationError(error.message, code=error.code) from error
