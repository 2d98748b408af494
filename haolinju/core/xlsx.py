"""Write tables to .xlsx in memory, safely and in a streaming-friendly way.

Every exported text cell goes through ``safe_value``: a string a spreadsheet program could take
for a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return, or their
full-width forms) is written as plain text with a leading apostrophe, so opening the file or
re-saving it as CSV never evaluates it (CSV/formula injection, OWASP). Numbers stay numbers.

Uploaded workbooks go through ``check_cells`` before any parser builds them: it streams every
XML part out of the zip through expat and refuses a cell longer than Excel's own limit, a tag
or attribute bigger than ``MAX_TOKEN_BYTES``, a DTD (entity expansion), or a scan that takes
longer than ``PARSE_SECONDS``, so a 150 MB cell costs milliseconds and no memory instead of
holding a worker for seconds with hundreds of megabytes.

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
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.parsers import expat

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
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
MAX_TOKEN_BYTES = 1024 * 1024  # XML read without one complete tag or text piece: a bomb
PARSE_SECONDS = 15  # wall-clock budget for scanning an upload's XML
SCAN_CHUNK = 64 * 1024
XML_PARTS = (".xml", ".rels", ".vml")

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


class XlsxLimitExceeded(ValueError):
    """An uploaded workbook breaks a size or time limit; ``str(exc)`` says which, for users."""


class _PartScanner:
    """Feeds one XML part to expat, tracking the text length of the open element."""

    def __init__(self, max_cell_chars: int):
        self.max_cell_chars = max_cell_chars
        self.text_chars = 0
        self.events = 0
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.StartDoctypeDeclHandler = self.doctype

    def start(self, name, attrs):
        self.events += 1
        self.text_chars = 0

    def end(self, name):
        self.events += 1
        self.text_chars = 0

    def text(self, data):
        self.events += 1
        self.text_chars += len(data)
        if self.text_chars > self.max_cell_chars:
            raise XlsxLimitExceeded(
                _("文件中有单元格超过%(n)d个字符的上限，无法导入") % {"n": self.max_cell_chars}
            )

    def doctype(self, *args):
        raise XlsxLimitExceeded(_("文件包含不允许的 XML 文档类型声明，无法导入"))


def check_cells(
    content: bytes,
    *,
    max_cell_chars: int = MAX_CELL_CHARS,
    max_token_bytes: int = MAX_TOKEN_BYTES,
    seconds: float = PARSE_SECONDS,
) -> None:
    """Stream every XML part of an .xlsx (bytes of a valid zip) and raise
    ``XlsxLimitExceeded`` on an over-long cell, an over-long tag, a DTD or a slow scan.
    Malformed XML is left to the real parser, which reports it in its own words."""
    deadline = time.monotonic() + seconds
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith(XML_PARTS):
                continue
            scanner = _PartScanner(max_cell_chars)
            quiet_bytes = 0
            with archive.open(info) as stream:
                while chunk := stream.read(SCAN_CHUNK):
                    before = scanner.events
                    try:
                        scanner.parser.Parse(chunk, False)
                    except expat.ExpatError:
                        break
                    quiet_bytes = 0 if scanner.events != before else quiet_bytes + len(chunk)
                    if quiet_bytes > max_token_bytes:
                        raise XlsxLimitExceeded(_("文件中有过大的 XML 内容，无法导入"))
                    if time.monotonic() > deadline:
                        raise XlsxLimitExceeded(_("文件过于复杂，解析超时；请拆分后分批导入"))


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
