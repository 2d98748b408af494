"""Cell values as people type them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from haolinju.core.sheets.cells import (
    cell_code,
    cell_text,
    lost_digits,
    parse_bool,
    parse_date,
    parse_floor,
    split_list,
)


@pytest.mark.parametrize(
    "raw",
    [
        dt.datetime(2001, 7, 1),
        dt.date(2001, 7, 1),
        37073,  # Excel serial number
        "2001-07-01",
        "2001/7/1",
        "2001.7.1",
        "2001年7月1日",
        "20010701",
        "2001-07-01 00:00:00",
        "２００１年７月１日",
        "2001.07",
        "2001年7月",
    ],
)
def test_dates_in_every_common_form(raw):
    """Excel dates, serial numbers and the usual text forms all mean 1 July 2001 (a month alone
    means its first day)."""
    assert parse_date(raw) == dt.date(2001, 7, 1)


@pytest.mark.parametrize("raw", ["2001-02-30", "明年", "2101-01-01", "1800-01-01"])
def test_impossible_dates_are_refused(raw):
    """Non-dates, impossible dates and dates in the future are errors."""
    with pytest.raises(ValidationError):
        parse_date(raw, today=dt.date(2024, 1, 1))


def test_identifiers_lose_spaces_apostrophes_and_full_width_digits():
    """A leading apostrophe, spaces, full-width digits and .0 from a float disappear."""
    assert cell_code("'11010519491231002x") == "11010519491231002x"
    assert cell_code("４２１１０２ １９９０") == "4211021990"
    assert cell_code(13912345678.0) == "13912345678"
    assert cell_text("  王\u200b 建国 ") == "王 建国"


def test_lost_digits_only_for_long_floats():
    """Only numbers too long for a double are flagged."""
    assert lost_digits(4.21102196003071e17)
    assert not lost_digits(421102196003071256)
    assert not lost_digits(421102600307123.0)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("√", True),
        ("Y", True),
        (True, True),
        (1, True),
        ("否", False),
        ("", False),
        (None, False),
        ("×", False),
    ],
)
def test_booleans(raw, expected):
    """是/否 and the usual marks."""
    assert parse_bool(raw) is expected


def test_boolean_nonsense_is_refused():
    """Anything else is an error, not a silent no."""
    with pytest.raises(ValidationError):
        parse_bool("也许")


@pytest.mark.parametrize(
    ("raw", "expected"), [(3, 3), ("3层", 3), ("-1", -1), ("地下2层", -2), ("B1", -1), (4.0, 4)]
)
def test_floors(raw, expected):
    """Floors as numbers or text, basements negative."""
    assert parse_floor(raw) == expected


def test_skill_lists():
    """Skills split on the usual separators, duplicates dropped."""
    assert split_list("水电维修、理发；陪诊, 理发") == ["水电维修", "理发", "陪诊"]
