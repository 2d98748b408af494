"""Identifier rules from RULES.md §2 (GB 11643-1999, GB 32100-2015, mainland mobile numbers).

Each parser returns the normalised value or raises ``ValidationError`` with a message for the
person who typed it. Warnings (e.g. an unknown region code) are returned, not raised.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .regions import KNOWN_REGION_PREFIXES

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class IdNumber:
    value: str  # normalised 18 characters, upper-case X
    birth_date: dt.date
    sex: str  # "M" or "F"
    region_code: str
    warnings: tuple[str, ...] = ()


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber:
    s = str(raw).strip().replace(" ", "").upper()
    if s.endswith(".0") and s[:-2].isdigit():  # a number a spreadsheet stored as float text
        s = s[:-2]
    if len(s) == 15 and s.isdigit():
        first17 = s[:6] + "19" + s[6:]
        s = first17 + id_check_digit(first17)
    if len(s) != 18:
        raise ValidationError(_("身份证号应为18位（或旧式15位），现在是%(n)d位") % {"n": len(s)})
    if not s[:17].isdigit() or not (s[17].isdigit() or s[17] == "X"):
        raise ValidationError(_("身份证号前17位须为数字，末位为数字或X"))
    try:
        birth = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期%(d)s不存在") % {"d": s[6:14]}) from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1850:
        raise ValidationError(_("身份证号中的出生日期%(d)s不合理") % {"d": s[6:14]})
    if id_check_digit(s[:17]) != s[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对每一位数字"))
    warnings: tuple[str, ...] = ()
    if s[:2] not in KNOWN_REGION_PREFIXES:
        warnings = (_("身份证号的地区码%(c)s不在已知行政区划中，请核对") % {"c": s[:6]},)
    return IdNumber(
        value=s,
        birth_date=birth,
        sex="M" if int(s[16]) % 2 else "F",
        region_code=s[:6],
        warnings=warnings,
    )


CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def parse_credit_code(raw: str) -> str:
    s = str(raw).strip().replace(" ", "").upper()
    if len(s) != 18:
        raise ValidationError(_("统一社会信用代码应为18位，现在是%(n)d位") % {"n": len(s)})
    bad = sorted({c for c in s if c not in CREDIT_ALPHABET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(c)s（不使用I、O、S、V、Z）")
            % {"c": "".join(bad)}
        )
    if credit_check_char(s[:17]) != s[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确"))
    return s


PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def parse_mobile(raw: str) -> str:
    s = re.sub(r"[\s\-()]", "", str(raw))
    if s.endswith(".0") and s[:-2].isdigit():
        s = s[:-2]
    for prefix in ("+86", "0086", "86"):
        if s.startswith(prefix) and len(s) - len(prefix) == 11:
            s = s[len(prefix) :]
            break
    if not PHONE_RE.match(s):
        raise ValidationError(_("手机号应为11位、以1开头的大陆手机号码"))
    return s


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """A checksum-valid synthetic ID number (for demo and test data): ``sequence`` 0–999,
    odd for men and even for women."""
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_digit(first17)


def make_credit_code(body17: str) -> str:
    """A checksum-valid credit code from 17 characters of the allowed alphabet."""
    return body17 + credit_check_char(body17)
