"""Import errors that point at a spreadsheet cell: row as the sheet shows it, column letter,
the header as written in the file, and the reason in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haolinju.core.errors import FieldError, InvalidInput

MAX_REPORTED_ERRORS = 1000


@dataclass(frozen=True)
class RowError(FieldError):
    """``field`` is the cell reference (``C5``), or the header / ``file`` when no cell applies."""

    row: int | None = None
    column: str = ""
    header: str = ""

    @classmethod
    def at(cls, *, row: int | None, column: str, header: str, message) -> RowError:
        ref = f"{column}{row}" if column and row else (header or "file")
        return cls(field=ref, message=str(message), row=row, column=column, header=header)

    @classmethod
    def file(cls, message) -> RowError:
        return cls(field="file", message=str(message))

    def as_dict(self) -> dict:
        return {
            "field": self.field,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "message": str(self.message),
        }

    @classmethod
    def from_dict(cls, data: dict) -> RowError:
        return cls(
            field=data.get("field", ""),
            message=data.get("message", ""),
            row=data.get("row"),
            column=data.get("column", ""),
            header=data.get("header", ""),
        )


class ImportInvalid(InvalidInput):
    """The file has errors; nothing was written. Carries every error (up to a cap)."""

    def __init__(self, errors: list[RowError], detail=None):
        total = len(errors)
        shown = errors[:MAX_REPORTED_ERRORS]
        if detail is None:
            detail = ngettext(
                "文件中有%(n)d处错误，未导入任何数据",
                "文件中有%(n)d处错误，未导入任何数据",
                total,
            ) % {"n": total}
            if total > len(shown):
                detail += _("（仅列出前%(m)d处）") % {"m": len(shown)}
        super().__init__(detail, shown)
        self.total = total


def file_error(message) -> ImportInvalid:
    """The whole upload is unusable (wrong format, too large, no header row …)."""
    return ImportInvalid([RowError.file(message)], detail=message)
