"""The masking rule: what a person without the right to unmask sees must leave at least 10,000 ID numbers.

The candidates are counted, not estimated: every 18-character number that agrees with the characters the mask
shows, the county (pages show the home village), the sex and a range of birth dates, and has the right check
character.
"""

import datetime

import pytest

from core.identity import MALE, make_id_number, parse_id_number
from core.privacy.masking import age_band, birth_decade, mask_id_number, mask_phone

ENOUGH_CANDIDATES = 10_000
# ISO 7064 MOD 11-2 weights of the first 17 characters, and the check character of each remainder.
WEIGHTS = [2 ** (17 - position) % 11 for position in range(17)]
CHECK_CHARACTERS = "10X98765432"


def candidate_count(*, shown, county_code, sex, born_from, born_to):
    """How many valid numbers agree with the mask `shown`, the county, the sex and the birth-date range."""

    def agrees(position, digit):
        return shown[position] == "*" or shown[position] == digit

    county_sum = sum(WEIGHTS[position] * int(digit) for position, digit in enumerate(county_code))
    parity = 1 if sex == MALE else 0
    sequences_by_remainder = [0] * 11
    for sequence in range(1000):
        digits = f"{sequence:03d}"
        if int(digits[2]) % 2 == parity and all(agrees(14 + i, digit) for i, digit in enumerate(digits)):
            sequences_by_remainder[sum(WEIGHTS[14 + i] * int(d) for i, d in enumerate(digits)) % 11] += 1
    count = 0
    day = born_from
    while day <= born_to:
        digits = f"{day:%Y%m%d}"
        if all(agrees(6 + i, digit) for i, digit in enumerate(digits)):
            date_sum = county_sum + sum(WEIGHTS[6 + i] * int(d) for i, d in enumerate(digits))
            for remainder, sequences in enumerate(sequences_by_remainder):
                if CHECK_CHARACTERS[(date_sum + remainder) % 11] == shown[17]:
                    count += sequences
        day += datetime.timedelta(days=1)
    return count


@pytest.fixture
def number():
    return make_id_number(county_code="431322", birth_date=datetime.date(1988, 6, 14), sequence=239)


def test_a_masked_id_number_shows_the_province_and_the_check_character_only(number):
    assert mask_id_number(number) == "43" + "*" * 15 + number[-1]
    assert mask_id_number("") == ""


def test_the_counter_finds_the_number_itself_and_agrees_with_the_old_leak(number):
    """The counter is right: with the old mask and the birth date beside it, one number is left, the real one."""
    birth = parse_id_number(number).birth_date
    old_mask = number[:6] + "********" + number[-4:]
    assert candidate_count(shown=old_mask, county_code="431322", sex=MALE, born_from=birth, born_to=birth) == 1


def test_the_mask_beside_the_county_sex_and_age_band_leaves_at_least_10000_numbers(number):
    """The record page, the API and the ledger export show all of these together."""
    first_year = birth_decade(parse_id_number(number).birth_date)
    count = candidate_count(
        shown=mask_id_number(number),
        county_code="431322",
        sex=MALE,
        born_from=datetime.date(first_year, 1, 1),
        born_to=datetime.date(first_year + 9, 12, 31),
    )
    assert count >= ENOUGH_CANDIDATES
    assert count > 150_000  # docs/workers.md: 3,653 days x 500 sequences / 11


def test_even_a_known_birth_year_beside_the_mask_leaves_at_least_10000_numbers(number):
    """A posting's candidates all fit its age range, which may be one year wide."""
    count = candidate_count(
        shown=mask_id_number(number),
        county_code="431322",
        sex=MALE,
        born_from=datetime.date(1988, 1, 1),
        born_to=datetime.date(1988, 12, 31),
    )
    assert count >= ENOUGH_CANDIDATES


def test_the_age_band_is_the_birth_decade_with_the_ages_it_spans_today():
    today = datetime.date(2026, 12, 6)
    assert age_band(datetime.date(1988, 6, 14), today=today) == "80后（36-46岁）"
    assert age_band(datetime.date(1980, 1, 1), today=today) == "80后（36-46岁）"
    assert age_band(datetime.date(2003, 2, 1), today=today) == "00后（16-26岁）"
    assert age_band(None, today=today) == ""


def test_the_age_band_does_not_change_on_the_birthday():
    """A band computed from the age would flip on the birthday, and watching it would give the date away."""
    birth = datetime.date(1986, 6, 14)
    assert age_band(birth, today=datetime.date(2026, 6, 13)) == age_band(birth, today=datetime.date(2026, 6, 14))


def test_a_masked_phone_hides_four_digits():
    assert mask_phone("13800001234") == "138****1234"
    assert mask_phone("") == ""
