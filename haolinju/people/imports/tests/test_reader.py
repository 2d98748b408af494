"""Reading real-world spreadsheets: header detection, tolerant headers, refusing non-xlsx."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from haolinju.core.sheets import reader
from haolinju.core.sheets.errors import ImportInvalid
from haolinju.core.sheets.reader import normalise_header, read_table
from haolinju.org.registers import unit_register
from haolinju.people.registers import people_ledger

from .sheets import UNIT_HEADERS, xlsx

ROW = ["街道0", "社区00", "小区000", "", "1栋", "1单元", "101", 89.5, 1]


def _file_error(content: bytes, filename: str = "x.xlsx") -> str:
    with pytest.raises(ImportInvalid) as caught:
        read_table(content, unit_register.COLUMNS, filename=filename)
    [error] = caught.value.errors
    assert error.field == "file"
    return error.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("专有面积（㎡）", "专有面积"),
        (" 专有面积 (m²) ", "专有面积"),
        ("身份证号*", "身份证号"),
        ("姓  名", "姓名"),
        ("Exclusive area (m²)", "exclusivearea"),
        ("ID_Number", "idnumber"),
        ("【房号】", "【房号】"),
    ],
)
def test_headers_are_normalised(raw, expected):
    """Spaces, full-width brackets with units, required-marks and case do not matter."""
    assert normalise_header(raw) == expected


def test_merged_title_row_and_trailing_blank_rows():
    """The header is found below a merged title row; formatted blank rows are not data."""
    content = xlsx(UNIT_HEADERS, [ROW, ROW], title="宝塔社区房屋登记表", blank_rows_after=500)
    table = read_table(content, unit_register.COLUMNS)
    assert (table.header_row, table.data_start) == (2, 3)
    assert [r.number for r in table.rows] == [3, 4]
    assert table.rows[0].values["exclusive_area"] == 89.5


def test_first_sheet_with_a_header_wins_and_extra_columns_are_ignored():
    """An instructions sheet before the data is skipped; unknown columns are listed as ignored
    and columns may come in any order."""
    headers = ["序号", "房号", "备注", "楼栋", "小区", "社区", "街道", "专有面积"]
    content = xlsx(
        headers, [[1, "101", "东户", "1栋", "小区000", "社区00", "街道0", 90]], sheets_before=1
    )
    table = read_table(content, unit_register.COLUMNS)
    assert table.sheet == "台账"
    assert table.ignored_headers == ["序号", "备注"]
    assert table.letter("street") == "G"
    assert table.rows[0].values["unit"] == "101"


def test_english_headers_are_recognised():
    """A sheet with English headers maps to the same columns."""
    headers = ["Name", "ID number", "Street", "Community", "Compound", "Building", "Unit"]
    content = xlsx(headers, [["Li", "11010519491231002X", "a", "b", "c", "d", "e"]])
    table = read_table(content, people_ledger.COLUMNS)
    assert set(table.columns) == {
        "name",
        "id_number",
        "street",
        "community",
        "compound",
        "building",
        "unit",
    }


def test_two_level_header_is_merged():
    """A group header ("地址") above 街道/社区/… is read as one header across two rows."""
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "地址", None, None, None, None])
    ws.append([None, None, "街道", "社区", "小区", "楼栋", "房号"])
    ws.append(["李", "11010519491231002X", "街道0", "社区00", "小区000", "1栋", "101"])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("C1:G1")
    buffer = io.BytesIO()
    wb.save(buffer)
    table = read_table(buffer.getvalue(), people_ledger.COLUMNS)
    assert (table.header_row, table.data_start) == (1, 3)
    assert table.rows[0].values["street"] == "街道0"
    assert table.letter("unit") == "G"


def test_missing_required_column_is_reported_at_the_header_row():
    """A sheet without the 身份证号 column is refused, naming the column and the header row."""
    content = xlsx(
        ["姓名", "街道", "社区", "小区", "楼栋", "房号"],
        [["李", "a", "b", "c", "d", "e"]],
        title="台账",
    )
    with pytest.raises(ImportInvalid) as caught:
        read_table(content, people_ledger.COLUMNS)
    [error] = caught.value.errors
    assert (error.row, error.header, error.column) == (2, "身份证号", "")


def test_no_header_found():
    """A sheet with no recognisable header says which columns were expected."""
    message = _file_error(xlsx(["甲", "乙"], [[1, 2]]))
    assert "街道" in message


def test_csv_and_xls_and_garbage_are_refused_clearly():
    """CSV, legacy .xls (OLE) and other files get a message saying what to do."""
    assert "CSV" in _file_error("姓名,身份证号\n".encode(), "ledger.csv")
    assert ".xls" in _file_error(reader.OLE_SIGNATURE + b"\0" * 100, "ledger.xls")
    assert ".xlsx" in _file_error(b"%PDF-1.4 ...", "ledger.pdf")
    assert "空" in _file_error(b"", "ledger.xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused():
    """A zip archive without a workbook part is not an Excel file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "Excel" in _file_error(buffer.getvalue())


def test_broken_xlsx_is_refused():
    """A truncated .xlsx is reported as damaged, not as a server error."""
    content = xlsx(UNIT_HEADERS, [ROW])
    message = _file_error(content[: len(content) // 2])
    assert "损坏" in message or "无法" in message


def test_oversize_files_and_too_many_rows_are_refused(monkeypatch):
    """Files above the size cap and sheets above the row cap are refused before import."""
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1000)
    assert "过大" in _file_error(b"PK\x03\x04" + b"\0" * 2000)
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 10 * 1024 * 1024)
    monkeypatch.setattr(reader, "MAX_DATA_ROWS", 3)
    assert "上限" in _file_error(xlsx(UNIT_HEADERS, [ROW] * 4))


def test_zip_bomb_is_refused(monkeypatch):
    """A workbook that would inflate beyond the limit is refused before parsing."""
    monkeypatch.setattr(reader, "MAX_UNCOMPRESSED_BYTES", 1000)
    assert "过大" in _file_error(xlsx(UNIT_HEADERS, [ROW] * 50))


@pytest.mark.parametrize("module", [unit_register, people_ledger])
def test_no_two_columns_share_a_spelling(module):
    """Every header spelling names exactly one column of a register."""
    seen: dict[str, str] = {}
    for column in module.COLUMNS:
        for name in column.names():
            assert seen.setdefault(name, column.key) == column.key, name
