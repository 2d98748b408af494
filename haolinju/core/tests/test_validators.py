"""Identifier rules of RULES.md §2: resident ID numbers, credit codes, mobile numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from haolinju.core.validators import (
    credit_check_char,
    id_check_digit,
    make_credit_code,
    make_id_number,
    parse_credit_code,
    parse_id_number,
    parse_mobile,
)

VALID_IDS = ("11010519491231002X", "440524188001010014", "421102199003071233")


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def message_of(excinfo) -> str:
    return excinfo.value.messages[0]


# --- resident ID numbers (GB 11643-1999) -----------------------------------------------------


@pytest.mark.parametrize("raw", VALID_IDS)
def test_the_three_reference_id_numbers_are_valid(raw):
    """The three valid ID numbers quoted in RULES.md parse to themselves without warnings."""
    parsed = parse_id_number(raw)
    assert parsed.value == raw
    assert parsed.warnings == ()


def test_id_number_yields_birth_date_sex_and_region():
    """Birth date, sex (odd sequence = male) and region come out of the number."""
    male = parse_id_number("421102199003071233")
    assert (male.birth_date, male.sex, male.region_code) == (dt.date(1990, 3, 7), "M", "421102")
    female = parse_id_number("11010519491231002X")
    assert (female.birth_date, female.sex) == (dt.date(1949, 12, 31), "F")


def test_lowercase_x_is_accepted_and_stored_upper_case():
    """A trailing lowercase x is the same check character and is normalised to X."""
    assert parse_id_number("11010519491231002x").value == "11010519491231002X"


def test_spaces_around_and_inside_are_ignored():
    """Copy-pasted numbers with spaces still parse."""
    assert parse_id_number(" 421102 19900307 1233 ").value == "421102199003071233"


def test_bad_checksum_is_rejected_with_a_chinese_message():
    """One wrong digit makes the check character disagree; the message says so."""
    with pytest.raises(ValidationError) as excinfo:
        parse_id_number("421102199003071234")
    assert "校验位" in message_of(excinfo)


@pytest.mark.parametrize("date", ["19900230", "19901301", "19900431", "20230229"])
def test_impossible_birth_date_is_rejected_and_named(date):
    """A date that does not exist (Feb 30th, month 13, Apr 31st, Feb 29th 2023) is rejected,
    even with a correct check digit, and the message quotes the date."""
    first17 = f"421102{date}123"
    with pytest.raises(ValidationError) as excinfo:
        parse_id_number(first17 + id_check_digit(first17))
    assert "出生日期" in message_of(excinfo)
    assert date in message_of(excinfo)
    assert "不存在" in message_of(excinfo)


def test_leap_day_in_a_leap_year_is_a_real_date():
    """29 February 2000 exists."""
    number = make_id_number("421102", dt.date(2000, 2, 29), 11)
    assert parse_id_number(number).birth_date == dt.date(2000, 2, 29)


def test_future_birth_date_is_rejected():
    """Nobody is born tomorrow: a future birth date is unreasonable."""
    today = dt.date(2024, 6, 1)
    number = make_id_number("421102", dt.date(2024, 6, 2), 11)
    with pytest.raises(ValidationError) as excinfo:
        parse_id_number(number, today=today)
    assert "出生日期" in message_of(excinfo)
    assert "不合理" in message_of(excinfo)
    assert parse_id_number(number, today=dt.date(2024, 6, 2)).birth_date == dt.date(2024, 6, 2)


def test_fifteen_digit_number_is_converted_to_eighteen():
    """An old 15-digit number gains "19" after the region and a computed check digit."""
    parsed = parse_id_number("421102900307123")
    assert parsed.value == "421102199003071233"
    assert parsed.birth_date == dt.date(1990, 3, 7)


def test_unknown_region_is_a_warning_not_an_error():
    """A number from an unknown region code parses, with a warning naming the code."""
    first17 = "99010519900307123"
    parsed = parse_id_number(first17 + id_check_digit(first17))
    assert parsed.region_code == "990105"
    assert len(parsed.warnings) == 1
    assert "990105" in parsed.warnings[0]
    assert "地区码" in parsed.warnings[0]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("4211021990030712", "18位"),
        ("42110219900307123399", "18位"),
        ("42110219900307A233", "数字"),
        ("42110219900307123Y", "X"),
        ("", "18位"),
    ],
)
def test_wrong_length_or_characters_are_named(raw, words):
    """Wrong length and non-digit characters are rejected with a message naming the rule."""
    with pytest.raises(ValidationError) as excinfo:
        parse_id_number(raw)
    assert words in message_of(excinfo)
    assert "身份证号" in message_of(excinfo)


def test_spreadsheet_float_text_is_accepted():
    """ "421102199003071233.0" (a number a spreadsheet stored as float text) is the same ID."""
    assert parse_id_number("421102199003071233.0").value == "421102199003071233"


def test_check_digit_follows_the_published_weights():
    """The check digit is "10X98765432"[Σ digit·weight mod 11] — worked by hand for one number."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    first17 = "11010519491231002"
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    assert total % 11 == 2
    assert id_check_digit(first17) == "X"


def test_make_id_number_makes_valid_numbers():
    """Synthetic numbers for demo data always pass the parser, odd sequence = male."""
    for n in range(0, 1000, 37):
        number = make_id_number("421102", dt.date(1960, 1, 1) + dt.timedelta(days=n * 11), n)
        parsed = parse_id_number(number)
        assert parsed.sex == ("M" if n % 2 else "F")


# --- unified social credit codes (GB 32100-2015) ---------------------------------------------


@pytest.mark.parametrize("code", ["91110108551385082Q", "91110000600037341L"])
def test_reference_credit_codes_are_valid(code):
    """The two credit codes quoted in RULES.md are valid."""
    assert parse_credit_code(code) == code


def test_credit_code_is_normalised_to_upper_case():
    """Lower-case input with spaces is accepted and upper-cased."""
    assert parse_credit_code(" 91110108551385082q ") == "91110108551385082Q"


@pytest.mark.parametrize("first", ["N", "Y", "A"])
def test_codes_starting_n_y_a_are_valid_with_the_right_check_char(first):
    """Registration authorities N, Y and A are allowed when the check character is right."""
    body = first + "2110108551385082"
    code = body + credit_check_char(body)
    assert parse_credit_code(code) == code
    assert make_credit_code(body) == code


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_forbidden_letters_are_rejected_and_named(letter):
    """I, O, S, V and Z are not in the alphabet; the message names the offending letter."""
    code = "9111010855138508" + letter + "Q"
    with pytest.raises(ValidationError) as excinfo:
        parse_credit_code(code)
    assert letter in message_of(excinfo)
    assert "不允许的字符" in message_of(excinfo)


def test_wrong_check_char_is_rejected():
    """Changing the last character of a valid code makes it invalid."""
    with pytest.raises(ValidationError) as excinfo:
        parse_credit_code("91110108551385082R")
    assert "校验位" in message_of(excinfo)


def test_wrong_length_credit_code_is_rejected():
    """17 characters are not a credit code; the message gives the count."""
    with pytest.raises(ValidationError) as excinfo:
        parse_credit_code("91110108551385082")
    assert "18位" in message_of(excinfo)
    assert "17" in message_of(excinfo)


def test_credit_check_char_follows_the_published_formula():
    """check = alphabet[(31 − Σ index·weight mod 31) mod 31], worked for the reference code."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    body = "91110108551385082"
    total = sum(alphabet.index(c) * w for c, w in zip(body, weights, strict=True))
    assert alphabet[(31 - total % 31) % 31] == "Q" == credit_check_char(body)


# --- mainland mobile numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+8613812345678",
        "008613812345678",
        "8613812345678",
        "+86 138 1234 5678",
        "138-1234-5678",
        " 138 1234-5678 ",
        "+86-138-1234-5678",
        "13812345678.0",
    ],
)
def test_mobile_prefixes_spaces_and_hyphens_are_stripped(raw):
    """+86, 0086 and 86 prefixes, spaces and hyphens all give the same 11 digits."""
    assert parse_mobile(raw) == "13812345678"


@pytest.mark.parametrize("second", "3456789")
def test_every_allowed_second_digit_is_valid(second):
    """1[3-9] prefixes are mobile numbers."""
    assert parse_mobile(f"1{second}012345678") == f"1{second}012345678"


@pytest.mark.parametrize(
    "raw",
    [
        "12812345678",
        "11812345678",
        "10812345678",
        "1381234567",
        "138123456789",
        "2381234567",
        "+8712812345678",
        "1381234567a",
        "",
    ],
)
def test_invalid_mobile_numbers_are_rejected_with_a_chinese_message(raw):
    """12x/11x/10x prefixes, wrong lengths, other countries and letters are not mobiles."""
    with pytest.raises(ValidationError) as excinfo:
        parse_mobile(raw)
    assert "手机号" in message_of(excinfo)
    assert "11位" in message_of(excinfo)


def test_a_number_that_is_86_followed_by_nine_digits_is_not_stripped():
    """ "86" is only a prefix when eleven digits follow it."""
    with pytest.raises(ValidationError):
        parse_mobile("86138123456")
