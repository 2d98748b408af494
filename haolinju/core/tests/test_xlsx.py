"""The export writer: formula-injection safe, numbers stay numbers, bold frozen header."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from haolinju.core.xlsx import Sheet, safe_value, write_table, write_xlsx, xlsx_response

DANGEROUS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=cmd",
    "\r=cmd",
    "＝１＋１",
    "＋cmd",
    "－cmd",
    "＠cmd",
    '=HYPERLINK("http://evil.example","点我")',
]


def _read(content: bytes):
    return load_workbook(io.BytesIO(content)).active


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_like_text_comes_back_as_text_with_an_apostrophe(text):
    """A cell that starts like a formula is stored as a string prefixed with an apostrophe."""
    ws = _read(write_table(["名称"], [[text]]))
    cell = ws["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + text.replace("\r", "\n")  # XML reads a bare CR back as LF


def test_numbers_dates_and_plain_text_are_untouched():
    """Numbers (negative ones too), Decimals, dates and ordinary text keep their type."""
    row = [-5, 3.25, Decimal("89.50"), dt.date(2024, 5, 1), "张三", "1栋-2单元", True, None]
    ws = _read(write_table(list("ABCDEFGH"), [row]))
    values = [c.value for c in ws[2]]
    assert values[:3] == [-5, 3.25, 89.5]
    assert [c.data_type for c in ws[2]][:3] == ["n", "n", "n"]
    assert values[3] == dt.datetime(2024, 5, 1)
    assert values[4:7] == ["张三", "1栋-2单元", True]
    assert values[7] is None


def test_aware_datetimes_are_written_in_local_time(settings):
    """Excel has no time zones: an aware datetime is written as Shanghai wall-clock time."""
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = dt.datetime(2024, 1, 1, 0, 30, tzinfo=ZoneInfo("UTC"))
    ws = _read(write_table(["时间"], [[moment]]))
    assert ws["A2"].value == dt.datetime(2024, 1, 1, 8, 30)


def test_header_is_bold_and_frozen_and_columns_are_sized():
    """The header row is bold and frozen; a column of long Chinese text is wider."""
    ws = _read(write_table(["名称", "代码"], [["黄冈市黄州区东湖街道宝塔社区江柳小区", "1"]]))
    assert ws["A1"].font.b is True
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width > ws.column_dimensions["B"].width


def test_control_characters_and_overlong_text_are_made_writable():
    """Characters Excel refuses are dropped and text is cut at Excel's cell limit."""
    assert safe_value("a\x00b\x07c") == "abc"
    assert len(safe_value("字" * 40000)) == 32767


def test_several_sheets_and_unsafe_titles():
    """Sheet titles lose characters Excel forbids and stay unique; text columns are Text."""
    content = write_xlsx(
        [
            Sheet(title="人员/名单", headers=["姓名"], rows=[["李"]], text_columns=[0]),
            Sheet(title="人员/名单", headers=["说明"], rows=[]),
        ]
    )
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["人员_名单", "人员_名单(2)"]
    assert workbook.worksheets[0].column_dimensions["A"].number_format == "@"


def test_streams_a_large_generator():
    """Rows may come from a generator; all of them are written after the width sample."""
    rows = ([i, f"居民{i}"] for i in range(5000))
    ws = _read(write_table(["序号", "姓名"], rows))
    assert ws.max_row == 5001
    assert ws["A5001"].value == 4999


def test_response_is_an_attachment_with_a_chinese_filename():
    """The download carries the xlsx type and an RFC 6266 filename."""
    response = xlsx_response(b"PK", "人员名单")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
