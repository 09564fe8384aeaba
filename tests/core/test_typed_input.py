"""The one normaliser of typed identity and numbers (core.typed_input), and the ID number rule built on it."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.errors import ApplicationError
from core.identity import make_id_number, parse_id_number
from core.spreadsheets import cell_text
from core.typed_input import (
    normalize_contact_phone,
    normalize_credit_code,
    normalize_phone,
    parse_object_id,
    parse_whole_number,
)
from tests.factories import credit_code

NUMBER = make_id_number(county_code="430181", birth_date=datetime.date(1988, 2, 14), sequence=123)
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_an_id_number_typed_in_full_width_digits_is_the_same_number():
    # The example: half the digits typed with a Chinese input method in full-width mode.
    typed = NUMBER[:6] + NUMBER[6:16].translate(FULL_WIDTH) + NUMBER[16:]

    assert parse_id_number(typed).number == NUMBER
    assert parse_id_number(NUMBER.translate(FULL_WIDTH)).number == NUMBER


@pytest.mark.parametrize(
    "typed",
    [
        f"{NUMBER[:6]} {NUMBER[6:14]} {NUMBER[14:]}",
        f"{NUMBER[:6]}-{NUMBER[6:14]}-{NUMBER[14:]}",
        f"{NUMBER[:6]}–{NUMBER[6:14]}—{NUMBER[14:]}",
        f"{NUMBER[:6]}\u3000{NUMBER[6:14]}\u200b{NUMBER[14:]}",
        f"{NUMBER[:6]}－{NUMBER[6:]}",
    ],
)
def test_spaces_and_dashes_of_every_width_are_forgiven_in_an_id_number(typed):
    assert parse_id_number(typed).number == NUMBER


def number_born(month, sequence):
    return make_id_number(county_code="430181", birth_date=datetime.date(1988, month, 14), sequence=sequence)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        (number_born(2, 121)[:16] + "①" + number_born(2, 121)[17], number_born(2, 121)),
        (number_born(2, 122)[:16] + "²" + number_born(2, 122)[17], number_born(2, 122)),
        (number_born(10, 123)[:10] + "⑩" + number_born(10, 123)[12:], number_born(10, 123)),
    ],
)
def test_circled_and_superscript_digits_are_read_as_the_digits_they_show(typed, number):
    """NFKC folds ① to 1 and ² to 2: the number is checked like any other, where `int("①")` used to crash."""
    assert parse_id_number(typed).number == number


@pytest.mark.parametrize(
    "typed", ["4301811988０２１４12😀", "430181\x0019880214123X", "四三〇一八一一九八八〇二一四一二三X"]
)
def test_anything_that_is_not_a_digit_is_a_format_error(typed):
    with pytest.raises(ValidationError) as error:
        parse_id_number(typed)
    assert error.value.code == "format"
    assert "18位" in error.value.messages[0]


@pytest.mark.parametrize("typed", ["4.30181198801011E+17", "4.30181198801011e+17", "4.30181E17"])
def test_an_id_number_that_excel_stored_as_a_number_is_reported_as_such(typed):
    with pytest.raises(ValidationError) as error:
        parse_id_number(typed)
    assert error.value.messages == ["Excel 把身份证号存成了数字，请把该列设为文本后重新填写。"]


def test_a_long_number_read_from_a_spreadsheet_is_written_as_excel_shows_it():
    assert cell_text(4.30181198801011e17) == "4.30181198801011E+17"
    assert cell_text(430181198801011235) == "4.30181198801011E+17"
    assert cell_text(13800138000.0) == "13800138000"


@pytest.mark.parametrize(
    "typed",
    ["13800138000", "138 0013 8000", "138-0013-8000", "１３８００１３８０００", "+86 138 0013 8000", "①３８00138000"],
)
def test_a_mobile_number_is_normalised_to_eleven_ascii_digits(typed):
    assert normalize_phone(typed) == "13800138000"


@pytest.mark.parametrize("typed", ["", "1380013800", "12800138000", "138001380000", "138\x0000138000", "²3800138000x"])
def test_anything_else_is_not_a_mobile_number(typed):
    with pytest.raises(ApplicationError) as error:
        normalize_phone(typed)
    assert error.value.message == "请输入11位手机号码。"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0731-83612345", "0731-83612345"),
        ("０７３１－８３６１２３４５", "0731-83612345"),
        ("(0731) 8361 2345", "0731-83612345"),
        ("010 12345678", "010-12345678"),
        ("0731-83612345转8001", "0731-83612345转8001"),
        ("139 0738 1234", "13907381234"),
        ("400-123-4567", "4001234567"),
    ],
)
def test_a_contact_phone_is_kept_in_one_form(typed, kept):
    assert normalize_contact_phone(typed) == kept


@pytest.mark.parametrize(
    "typed", ["12345", "0731-8361234567", "010-1234567", "0731-83612345转", "7310-8361234", "⁰⁷³¹"]
)
def test_a_contact_phone_without_an_area_code_or_too_long_is_refused(typed):
    with pytest.raises(ApplicationError) as error:
        normalize_contact_phone(typed)
    assert "带区号的固定电话" in error.value.message


def test_a_credit_code_typed_in_full_width_lower_case_with_spaces_is_the_same_code():
    code = credit_code(7)
    typed = " ".join([code[:2], code[2:8], code[8:]]).lower().translate(FULL_WIDTH)

    assert normalize_credit_code(typed) == code


@pytest.mark.parametrize(("typed", "message"), [("91430181①", "18位"), ("9143018100000000①😀", "格式")])
def test_a_bad_credit_code_says_what_is_wrong(typed, message):
    with pytest.raises(ApplicationError) as error:
        normalize_credit_code(typed)
    assert message in error.value.message


@pytest.mark.parametrize(
    ("typed", "number"), [("6000", 6000), ("６０００", 6000), ("6,000", 6000), ("６，０００", 6000), (" 45 ", 45)]
)
def test_a_whole_number_forgives_full_width_digits_and_thousands_separators(typed, number):
    assert parse_whole_number(typed, lowest=0, highest=1_000_000) == number


@pytest.mark.parametrize("typed", ["6000.5", "六千", "😀", "\x00", "1e5", ""])
def test_what_is_not_a_whole_number_says_so(typed):
    with pytest.raises(ApplicationError) as error:
        parse_whole_number(typed, lowest=0, highest=1_000_000)
    assert error.value.message == "请填整数。"


@pytest.mark.parametrize("typed", ["-5", "−5", "1000001", str(10**30), "9" * 5000])
def test_a_whole_number_out_of_range_says_the_range(typed):
    with pytest.raises(ApplicationError) as error:
        parse_whole_number(typed, lowest=0, highest=1_000_000)
    assert error.value.message == "应在0到1000000之间。"


@pytest.mark.parametrize(("sent", "object_id"), [("12", 12), ("0", None), ("①", None), ("²", None), ("9" * 30, None)])
def test_an_object_id_is_a_positive_bigint_or_nothing(sent, object_id):
    assert parse_object_id(sent) == object_id
