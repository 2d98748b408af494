"""Upload limits of ``core.xlsx.check_cells``: over-long cells, tags, DTDs and slow scans."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from haolinju.core.xlsx import MAX_CELL_CHARS, XlsxLimitExceeded, check_cells, write_table

PLACEHOLDER = b"PLACEHOLDER"


def workbook_with(cell: bytes | None = None, *, replace: bytes = PLACEHOLDER, repeat: int = 1):
    """An .xlsx whose placeholder cell text is replaced by ``cell`` * ``repeat`` (streamed)."""
    wb = Workbook()
    wb.active.append(["姓名", "身份证号"])
    wb.active.append(["PLACEHOLDER", "x"])
    source = io.BytesIO()
    wb.save(source)
    original = zipfile.ZipFile(source)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            data = original.read(info.filename)
            if cell is not None and replace in data:
                head, tail = data.split(replace, 1)
                with archive.open(info.filename, "w", force_zip64=True) as part:
                    part.write(head)
                    for _ in range(repeat):
                        part.write(cell)
                    part.write(tail)
            else:
                archive.writestr(info, data)
    return out.getvalue()


def test_an_ordinary_workbook_passes():
    """A workbook the exporter wrote, with a cell at Excel's own limit, passes the scan."""
    check_cells(write_table(["姓名", "备注"], [["张三", "长" * MAX_CELL_CHARS]]))


def test_a_cell_longer_than_excels_limit_is_refused():
    """A cell of 32,768 characters is refused with a message naming the limit."""
    with pytest.raises(XlsxLimitExceeded, match="32767"):
        check_cells(workbook_with(b"A" * (MAX_CELL_CHARS + 1)))


def test_a_cell_of_many_megabytes_is_refused_before_it_is_read_whole():
    """A 64 MB cell is refused after the first 32,768 characters: the scan stops there."""
    with pytest.raises(XlsxLimitExceeded):
        check_cells(workbook_with(b"A" * (1 << 20), repeat=64))


def test_a_huge_attribute_is_refused():
    """A 2 MB attribute value (no text, no complete tag) is refused as over-large XML."""
    content = workbook_with(b'"' + b"x" * (2 << 20) + b'"', replace=b'"A1"')
    with pytest.raises(XlsxLimitExceeded):
        check_cells(content)


def test_a_dtd_is_refused():
    """An XML part with a document type declaration (entity expansion) is refused."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
        )
    content = out.getvalue()
    with pytest.raises(XlsxLimitExceeded):
        check_cells(content)


def test_the_scan_has_a_time_budget():
    """With no time left the scan stops with the timeout message instead of running on."""
    with pytest.raises(XlsxLimitExceeded, match="超时"):
        check_cells(write_table(["姓名"], [["张三"]]), seconds=-1)
