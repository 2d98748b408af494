"""Offset pagination shared by the API and the web lists: ``{"items": [...], "count": N}``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 2**63 - 1  # a database OFFSET is a signed 64-bit integer


@dataclass
class Page:
    items: list
    count: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.count

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def next_offset(self) -> int:
        return self.offset + self.limit

    @property
    def previous_offset(self) -> int:
        return max(0, self.offset - self.limit)

    @property
    def first_row(self) -> int:
        """1-based number of the first item shown (0 on an empty page)."""
        return self.offset + 1 if self.items else 0

    @property
    def last_row(self) -> int:
        """1-based number of the last item shown ("第 21–40 条")."""
        return self.offset + len(self.items)


def paginate(qs: QuerySet, *, offset: int = 0, limit: int = DEFAULT_LIMIT) -> Page:
    """One page of ``qs``. An offset no database can take is ``InvalidInput`` on ``offset``."""
    offset = max(0, int(offset))
    if offset > MAX_OFFSET:
        raise InvalidInput.on("offset", _("翻页位置超出范围"))
    limit = max(1, min(int(limit), MAX_LIMIT))
    return Page(
        items=list(qs[offset : offset + limit]), count=qs.count(), offset=offset, limit=limit
    )
