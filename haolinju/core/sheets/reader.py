"""Read a real-world .xlsx into a table of rows keyed by column, tolerant of what people do to
spreadsheets:

- a title row (often merged across the columns) above the header row: the header row is the
  row among the first ``HEADER_SCAN_ROWS`` that names the most known columns;
- a two-level header (an "地址" cell merged over 街道/社区/…): the row below the header is
  merged in when it names further columns and is empty under the columns already found;
- header spelling: spaces, full-width brackets and units (``专有面积（㎡）``), ``*`` marks for
  required columns, English names;
- extra columns (ignored and listed), blank rows anywhere (skipped), several sheets (the first
  with a recognisable header wins), wrong sheet dimensions recorded by the producing program.

Files are checked before parsing: size, the zip signature of .xlsx (old .xls and CSV are
refused with a message saying what to do), the total uncompressed size (zip bombs) and a
row cap.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from haolinju.core import xlsx

from .errors import ImportInvalid, RowError, file_error

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_DATA_ROWS = 50_000  # a large compound's people register in one file
HEADER_SCAN_ROWS = 30
BLANK_RUN_LIMIT = 2000  # this many blank rows in a row end the data (formatted empty rows)
MIN_HEADER_MATCHES = 2
# Reading the rows of a sane file of ``MAX_DATA_ROWS`` takes ~8 CPU seconds; past this the
# file is pathological (thousands of columns a row …) and refused.
READ_CPU_SECONDS = 40

XLSX_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an .xlsx with an open password


@dataclass(frozen=True)
class Column:
    """One known column: ``key`` in code, ``label`` (Chinese msgid) in templates and errors."""

    key: str
    label: object
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: object = ""
    example: str = ""

    def names(self) -> set[str]:
        """Every spelling that names this column: the Chinese msgid, the label in each
        configured language (a template downloaded in English comes back in English) and the
        aliases."""
        spellings = {str(self.label), *self.aliases}
        with translation.override(None):
            spellings.add(str(self.label))
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                spellings.add(str(self.label))
        return {normalise_header(n) for n in spellings} - {""}


@dataclass
class Row:
    number: int  # as the spreadsheet shows it (1-based)
    values: dict[str, object]


@dataclass
class Table:
    sheet: str
    header_row: int
    data_start: int
    columns: dict[str, tuple[int, str]]  # key -> (1-based column index, header as written)
    rows: list[Row] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    mapped: dict[str, str] = field(default_factory=dict)  # header as written -> key, by the user

    def letter(self, key: str) -> str:
        return get_column_letter(self.columns[key][0]) if key in self.columns else ""

    def header(self, key: str, spec: dict[str, Column] | None = None) -> str:
        if key in self.columns:
            return self.columns[key][1]
        return str(spec[key].label) if spec and key in spec else key

    def error(self, row: int, key: str, message, spec=None) -> RowError:
        return RowError.at(
            row=row, column=self.letter(key), header=self.header(key, spec), message=message
        )


# --- header matching -------------------------------------------------------------------------

_BRACKETED = re.compile(r"[(\[【〔<《][^)\]】〕>》]*[)\]】〕>》]")
_HEADER_NOISE = re.compile(r"[\s*:_\-·.、/\\'\"“”‘’]+")


def normalise_header(text) -> str:
    """``' 专有面积（㎡）* '`` → ``专有面积``; ``'Exclusive area (m²)'`` → ``exclusivearea``."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    without_units = _BRACKETED.sub("", s)
    s = without_units if _HEADER_NOISE.sub("", without_units) else s
    return _HEADER_NOISE.sub("", s).lower()


def _match_row(values: Iterable, lookup: dict[str, str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for index, value in enumerate(values, start=1):
        key = lookup.get(normalise_header(value))
        if key and key not in found:
            found[key] = (index, " ".join(str(value).split()))
    return found


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _detect_header(rows: list[tuple], lookup: dict[str, str]):
    """(header row number, data start row number, columns) or None."""
    best_row, best = 0, {}
    for number, values in enumerate(rows, start=1):
        found = _match_row(values, lookup)
        if len(found) > len(best):
            best_row, best = number, found
    if len(best) < MIN_HEADER_MATCHES:
        return None
    columns, header_row, data_start = dict(best), best_row, best_row + 1
    # A two-level header ("地址" over 街道/社区/…): names merged down over both rows leave
    # the lower row blank under them.
    if best_row < len(rows):
        below = rows[best_row]
        extra = _second_level(below, columns, lookup, lower=below, upper_is_main=True)
        if extra:
            columns.update(extra)
            data_start += 1
    if best_row > 1 and data_start == best_row + 1:
        above = rows[best_row - 2]
        extra = _second_level(above, columns, lookup, lower=rows[best_row - 1], upper_is_main=False)
        if extra:
            columns.update(extra)
            header_row -= 1
    return header_row, data_start, columns


def _second_level(other: tuple, columns: dict, lookup: dict, *, lower: tuple, upper_is_main: bool):
    """Columns named only in the ``other`` header row, provided the lower of the two rows is
    blank wherever the upper one names a column; else ``{}``."""
    used = {index for index, _ in columns.values()}
    extra = {
        k: v for k, v in _match_row(other, lookup).items() if k not in columns and v[0] not in used
    }
    upper_names = used if upper_is_main else {index for index, _ in extra.values()}
    if extra and all(_is_blank(lower[i - 1]) for i in upper_names if i - 1 < len(lower)):
        return extra
    return {}


# --- file checks -----------------------------------------------------------------------------


def check_upload(content: bytes, filename: str = "") -> None:
    """Refuse what is not a sane .xlsx before any parser sees it."""
    name = (filename or "").lower()
    if not content:
        raise file_error(_("上传的文件是空的"))
    if len(content) > MAX_FILE_BYTES:
        raise file_error(
            _("文件过大（%(size).1f MB），最大 %(max)d MB；请拆分后分批导入")
            % {"size": len(content) / 1024 / 1024, "max": MAX_FILE_BYTES // 1024 // 1024}
        )
    if content.startswith(OLE_SIGNATURE):
        raise file_error(
            _(
                "这是旧版 Excel（.xls）文件或设置了打开密码的文件；请在 Excel/WPS 中"
                "取消密码并“另存为” .xlsx 格式后再上传"
            )
        )
    if not content.startswith(XLSX_SIGNATURE):
        if name.endswith((".csv", ".txt")):
            raise file_error(_("不支持 CSV 文件：请在 Excel/WPS 中打开并“另存为” .xlsx 格式"))
        raise file_error(_("只能导入 Excel 的 .xlsx 文件，该文件不是 .xlsx 格式"))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            names = {e.filename for e in entries}
    except (zipfile.BadZipFile, ValueError):
        raise file_error(_("文件已损坏或不是 .xlsx 格式，无法读取")) from None
    if "xl/workbook.xml" not in names:
        raise file_error(_("该压缩文件不是 Excel 工作簿（.xlsx）"))
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > (
        MAX_UNCOMPRESSED_BYTES
    ):
        raise file_error(_("文件解压后过大，请拆分后分批导入"))
    try:
        xlsx.check_cells(content)  # cell sizes and scan time, before openpyxl builds anything
    except xlsx.XlsxLimitExceeded as exc:
        raise file_error(str(exc)) from None


# --- reading ---------------------------------------------------------------------------------


class ColumnsUnmatched(ImportInvalid):
    """Required columns were not found, but the header has columns the user could map to
    them: ``missing`` (keys) and ``unmatched`` (headers as written) let a form ask."""

    def __init__(self, errors: list[RowError], *, missing: list[str], unmatched: list[str]):
        super().__init__(errors)
        self.missing, self.unmatched = missing, unmatched


def mapping_lookup(mapping: dict[str, str] | None, columns: tuple[Column, ...]) -> dict[str, str]:
    """A user's mapping (header as written → column key; "" ignores the header), normalised
    like headers; unknown keys are dropped."""
    keys = {c.key for c in columns}
    return {
        normalise_header(header): key
        for header, key in (mapping or {}).items()
        if normalise_header(header) and (key in keys or key == "")
    }


def read_table(
    content: bytes,
    columns: tuple[Column, ...],
    *,
    filename: str = "",
    max_rows: int | None = None,
    mapping: dict[str, str] | None = None,
    optional: frozenset[str] = frozenset(),
) -> Table:
    """Find the header, map known columns, and collect the non-blank data rows.

    ``mapping`` (header → key) is the user's choice for headers the synonym tables do not
    know, and wins over them; ``optional`` keys are not required even when their column
    says so (address columns of a file imported into a chosen area).

    Raises ``ImportInvalid`` for an unusable file, no recognisable header, missing required
    columns (``ColumnsUnmatched`` when unmatched headers could be mapped to them) or too many
    rows. ``max_rows`` stops early (for previews) without the row cap.
    """
    check_upload(content, filename)
    lookup = {name: c.key for c in columns for name in c.names()}
    user = mapping_lookup(mapping, columns)
    lookup.update({name: key for name, key in user.items() if key})
    for name in [n for n, key in user.items() if not key]:
        lookup.pop(name, None)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for broken parts
        raise file_error(_("文件已损坏或不是有效的 Excel 工作簿，无法读取")) from None
    try:
        for ws in workbook.worksheets:
            ws.reset_dimensions()  # never trust the recorded size
            top = list(ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, values_only=True))
            detected = _detect_header(top, lookup)
            if detected is None:
                continue
            header_row, data_start, found = detected
            table = Table(sheet=ws.title, header_row=header_row, data_start=data_start, columns={})
            table.columns = found
            table.mapped = {
                header: key
                for key, (_i, header) in found.items()
                if user.get(normalise_header(header))
            }
            table.ignored_headers = _ignored(top[header_row - 1], found)
            _check_required(table, columns, optional)
            _read_rows(ws, table, max_rows)
            return table
    except ImportInvalid:
        raise
    except Exception:  # malformed sheet XML surfaces only while iterating
        raise file_error(_("文件内容无法解析，请在 Excel/WPS 中打开后重新保存为 .xlsx")) from None
    finally:
        workbook.close()
    required = "、".join(str(c.label) for c in columns if c.required)
    raise file_error(
        _("没有找到表头行：前%(n)d行中没有识别出“%(cols)s”等列名，请使用导入模板")
        % {"n": HEADER_SCAN_ROWS, "cols": required}
    )


def _check_required(table: Table, columns: tuple[Column, ...], optional: frozenset[str]) -> None:
    missing = [
        c for c in columns if c.required and c.key not in table.columns and c.key not in optional
    ]
    if missing:
        errors = [
            RowError.at(
                row=table.header_row,
                column="",
                header=str(c.label),
                message=_("缺少必填列“%(col)s”") % {"col": c.label},
            )
            for c in missing
        ]
        if table.ignored_headers:
            raise ColumnsUnmatched(
                errors, missing=[c.key for c in missing], unmatched=table.ignored_headers
            )
        raise ImportInvalid(errors)


def _ignored(header_values: tuple, found: dict[str, tuple[int, str]]) -> list[str]:
    used = {index for index, _ in found.values()}
    return [
        " ".join(str(v).split())
        for i, v in enumerate(header_values, start=1)
        if i not in used and not _is_blank(v)
    ]


def _read_rows(ws, table: Table, max_rows: int | None) -> None:
    wanted = list(table.columns.items())
    blank_run = 0
    # CPU seconds, not wall-clock: a loaded server must not refuse a sane 50,000-row file
    deadline = time.process_time() + READ_CPU_SECONDS
    for number, values in enumerate(
        ws.iter_rows(min_row=table.data_start, values_only=True), start=table.data_start
    ):
        row = {
            key: (values[index - 1] if index - 1 < len(values) else None)
            for key, (index, _header) in wanted
        }
        if all(_is_blank(v) for v in row.values()):
            blank_run += 1
            if blank_run >= BLANK_RUN_LIMIT:
                break
            continue
        blank_run = 0
        if time.process_time() > deadline:
            raise file_error(_("文件过于复杂，解析超时；请拆分后分批导入"))
        if max_rows is not None and len(table.rows) >= max_rows:
            break
        if len(table.rows) >= MAX_DATA_ROWS:
            raise file_error(
                _("数据超过%(n)d行的上限，请拆分成多个文件分批导入") % {"n": MAX_DATA_ROWS}
            )
        table.rows.append(Row(number=number, values=row))
