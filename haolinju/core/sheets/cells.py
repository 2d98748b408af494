"""Turn spreadsheet cell values into Python values, the way people actually fill them in.

Each ``parse_*`` returns the value or raises ``ValidationError`` with a message for the person
who filled the sheet; blank cells are the caller's business (``is_blank``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from .reader import normalise_header

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
QUOTES = "'`‘’\"“”"
FLOAT_EXACT_LIMIT = 2**53  # integers above this cannot survive being stored as a float

TRUE_WORDS = {"是", "y", "yes", "true", "t", "1", "√", "✓", "✔", "对", "有"}
FALSE_WORDS = {"否", "n", "no", "false", "f", "0", "×", "✗", "✘", "无", "不是", "非"}

_DATE_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_YM = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_FLOOR = re.compile(r"^(-?\d+)\s*(层|楼|f)?$", re.IGNORECASE)
_BASEMENT = re.compile(r"^(?:地下|负|b)\s*(\d+)\s*(层|楼|f)?$", re.IGNORECASE)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    """Text as typed: whitespace collapsed, invisible characters removed; numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    return " ".join(str(value).translate(ZERO_WIDTH).split())


def cell_code(value) -> str:
    """An identifier (ID number, phone, number): full-width forms folded, spaces and the
    leading apostrophe other systems paste as a text marker removed."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    return "".join(text.split()).strip(QUOTES)


def cell_choice(value) -> str:
    """A value to look up in a choice table, folded like a header (``（业主）`` → ``业主``)."""
    return normalise_header(cell_text(value))


def lost_digits(value) -> bool:
    """A long number that went through a float (Excel keeps 15 significant digits)."""
    return isinstance(value, float) and abs(value) >= FLOAT_EXACT_LIMIT


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    word = cell_choice(value)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or word == "":
        return False
    raise ValidationError(_("应填“是”或“否”"))


def parse_date(value, *, today: dt.date | None = None) -> dt.date:
    """Excel dates, Excel serial numbers and text such as 2001-07-01, 2001/7/1, 2001.7.1,
    2001年7月1日, 20010701; a month alone (2001.07, 2001年7月) means its first day."""
    today = today or dt.date.today()
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise ValidationError(_("日期无效"))
        converted = from_excel(value)
        result = converted.date() if isinstance(converted, dt.datetime) else converted
    else:
        text = _TIME_SUFFIX.sub("", unicodedata.normalize("NFKC", cell_text(value)))
        match = _DATE_YMD.match(text) or _DATE_COMPACT.match(text)
        parts = match.groups() if match else None
        if parts is None:
            month_only = _DATE_YM.match(text)
            parts = (*month_only.groups(), "1") if month_only else None
        if parts is None:
            raise ValidationError(_("日期格式应为 2001-07-01 或 2001年7月1日"))
        try:
            result = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            raise ValidationError(_("日期%(d)s不存在") % {"d": text}) from None
    if result.year < 1900 or result > today:
        raise ValidationError(_("日期%(d)s不合理") % {"d": result.isoformat()})
    return result


def parse_floor(value) -> int:
    """3, "3", "3层", "-1", "地下1层", "B1" → an integer floor (basements negative)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer():
            return int(value)
        raise ValidationError(_("楼层应为整数"))
    text = unicodedata.normalize("NFKC", cell_text(value)).replace(" ", "")
    match = _FLOOR.match(text)
    if match:
        return int(match.group(1))
    match = _BASEMENT.match(text)
    if match:
        return -int(match.group(1))
    raise ValidationError(_("楼层应为整数，例如 3 或 -1（地下一层）"))


def split_list(value) -> list[str]:
    """ "水电维修、理发；陪诊" → ["水电维修", "理发", "陪诊"] (order kept, duplicates dropped)."""
    parts = re.split(r"[、,，;；/|\s]+", cell_text(value))
    out: list[str] = []
    for part in (p.strip() for p in parts):
        if part and part not in out:
            out.append(part[:40])
    return out
