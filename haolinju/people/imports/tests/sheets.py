"""Build .xlsx files in memory the way real ledgers look (no binary fixtures)."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

UNIT_HEADERS = [
    "街道",
    "社区",
    "小区",
    "小区类别",
    "楼栋",
    "单元",
    "房号",
    "专有面积（㎡）",
    "楼层",
]
PEOPLE_HEADERS = [
    "姓名",
    "身份证号",
    "手机号",
    "街道",
    "社区",
    "小区",
    "楼栋",
    "单元",
    "房号",
    "关系",
    "是否党员",
    "组织关系所在",
    "工作单位",
    "就业状态",
    "流动情况",
    "入党日期",
    "是否志愿者",
    "技能",
]


class ExactNumber(str):
    """A long integer stored as a number cell with every digit, as database exports write it
    (openpyxl, like Excel, would write it as a 15-significant-digit float)."""


def _exact_numbers(rows: list[list]) -> tuple[list[list], dict[str, str]]:
    placeholders: dict[str, str] = {}
    out = []
    for row in rows:
        new_row = []
        for value in row:
            if isinstance(value, ExactNumber):
                placeholder = str(900_000_001 + len(placeholders))
                placeholders[placeholder] = str(value)
                value = int(placeholder)
            new_row.append(value)
        out.append(new_row)
    return out, placeholders


def _rewrite_numbers(content: bytes, placeholders: dict[str, str]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                for placeholder, digits in placeholders.items():
                    data = data.replace(
                        f"<v>{placeholder}</v>".encode(), f"<v>{digits}</v>".encode()
                    )
            target.writestr(item, data)
    return buffer.getvalue()


def xlsx(
    headers: list,
    rows: list[list],
    *,
    title: str | None = None,
    blank_rows_after: int = 0,
    sheets_before: int = 0,
) -> bytes:
    """One data sheet: an optional title row merged across the columns, the header row, the
    rows, then ``blank_rows_after`` formatted but empty rows (as Excel leaves them)."""
    rows, placeholders = _exact_numbers(rows)
    workbook = Workbook()
    ws = workbook.active
    for n in range(sheets_before):
        ws.title = f"说明{n}"
        ws.append(["本表由社区填写", "请勿修改表头"])
        ws = workbook.create_sheet("台账")
    if title is not None:
        ws.append([title])
        ws.merge_cells(f"A1:{get_column_letter(len(headers))}1")
    ws.append(headers)
    for row in rows:
        ws.append(row)
    last = ws.max_row
    for n in range(1, blank_rows_after + 1):
        ws.cell(row=last + n, column=1).number_format = "@"
        ws.cell(row=last + n, column=2).value = None
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _rewrite_numbers(buffer.getvalue(), placeholders) if placeholders else buffer.getvalue()


def person_row(name: str, id_number, unit_path: list[str], **extra) -> list:
    """A people-ledger row: name, ID, phone, street…unit, then the optional columns by name."""
    street, community, compound, building, entrance, unit = unit_path
    columns = [
        extra.get("phone", ""),
        street,
        community,
        compound,
        building,
        entrance,
        unit,
        extra.get("role", "业主"),
        extra.get("member", "否"),
        extra.get("held_at", ""),
        extra.get("employer", ""),
        extra.get("employment", ""),
        extra.get("mobility", ""),
        extra.get("joined_on", ""),
        extra.get("volunteer", "否"),
        extra.get("skills", ""),
    ]
    return [name, id_number, *columns]
