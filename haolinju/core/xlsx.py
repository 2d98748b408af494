"""Write tables to .xlsx in memory, safely and in a streaming-friendly way.

Every exported text cell goes through ``safe_value``: a string a spreadsheet program could take
for a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return, or their
full-width forms) is written as plain text with a leading apostrophe, so opening the file or
re-saving it as CSV never evaluates it (CSV/formula injection, OWASP). Numbers stay numbers.

Sheets are written with openpyxl's write-only mode: rows go straight to a compressed temporary
stream, so memory stays flat however many rows there are. Column widths are estimated from the
header and the first ``WIDTH_SAMPLE`` rows, which are buffered before the first row is written
(write-only sheets need their column settings up front).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
MAX_CELL_CHARS = 32767  # Excel's limit for one cell
WIDTH_SAMPLE = 200
MIN_WIDTH, MAX_WIDTH = 6, 60
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FFEFEFEF")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=False)


def safe_value(value):
    """A value a cell can hold without being evaluated: numbers, dates and booleans pass
    through; everything else becomes text, neutralised if it looks like a formula."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return value if not isinstance(value, Decimal) or value.is_finite() else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):  # Excel has no time zones: write local wall-clock time
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date | dt.time):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    return text[:MAX_CELL_CHARS]


def display_width(value) -> int:
    """Approximate column width in Excel character units (CJK characters count double)."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


@dataclass
class Sheet:
    """One worksheet: a header row and any iterable of rows (consumed once).

    ``text_columns`` (0-based) get the Text number format, so what people later type there
    (ID numbers, phones) stays text instead of becoming a rounded number.
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    text_columns: Sequence[int] = ()


def sheet_title(raw: str, taken: set[str]) -> str:
    title = SHEET_TITLE_FORBIDDEN.sub("_", str(raw)).strip("'")[:31] or "Sheet"
    candidate, n = title, 2
    while candidate.lower() in taken:
        suffix = f"({n})"
        candidate, n = title[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _write_sheet(workbook: Workbook, sheet: Sheet, title: str) -> int:
    ws = workbook.create_sheet(title=title)
    headers = [safe_value(h) for h in sheet.headers]
    rows = iter(sheet.rows)
    sample = [[safe_value(v) for v in row] for row in itertools.islice(rows, WIDTH_SAMPLE)]
    for index in range(len(headers)):
        widest = max(
            [display_width(headers[index])]
            + [display_width(row[index]) for row in sample if index < len(row)]
        )
        dimension = ws.column_dimensions[get_column_letter(index + 1)]
        dimension.width = min(MAX_WIDTH, max(MIN_WIDTH, widest + 2))
        if index in sheet.text_columns:
            dimension.number_format = "@"
    ws.freeze_panes = "A2"
    header_cells = []
    for value in headers:
        cell = WriteOnlyCell(ws, value=value)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header_cells.append(cell)
    ws.append(header_cells)
    count = 0
    for row in sample:
        ws.append(row)
        count += 1
    for row in rows:
        ws.append([safe_value(v) for v in row])
        count += 1
    return count


def write_xlsx(sheets: Iterable[Sheet]) -> bytes:
    """Write the sheets to an .xlsx file and return its bytes."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for sheet in sheets:
        _write_sheet(workbook, sheet, sheet_title(sheet.title, taken))
    if not taken:
        workbook.create_sheet(title="Sheet")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_table(headers: Sequence[str], rows: Iterable[Sequence], *, title: str = "Sheet") -> bytes:
    """One sheet with a bold, frozen header row."""
    return write_xlsx([Sheet(title=title, headers=headers, rows=rows)])


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """An attachment download; ``filename`` may be Chinese (RFC 6266 ``filename*``)."""
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
