"""API shapes for imports. Previews carry masked personal data only."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class RowErrorOut(Schema):
    field: str
    row: int | None
    column: str
    header: str
    message: str


class PreviewOut(Schema):
    sheet: str = ""
    header_row: int = 0
    ignored_columns: list[str] = []
    headers: list[str] = []
    rows: list[dict] = []


class ImportBatchOut(Schema):
    id: int
    kind: str
    status: str
    filename: str
    rows: int
    summary: dict
    errors: list[RowErrorOut]
    warnings: list[RowErrorOut]
    preview: PreviewOut
    created_at: dt.datetime
    committed_at: dt.datetime | None
