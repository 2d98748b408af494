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
    mapped_columns: dict[str, str] = {}
    notes: list[str] = []
    headers: list[str] = []
    rows: list[dict] = []
    # a batch waiting for a column mapping
    unmatched_columns: list[str] = []
    missing_fields: list[str] = []
    fields: list[dict] = []


class ImportBatchOut(Schema):
    id: int
    kind: str
    status: str
    target_id: int | None = None
    filename: str
    rows: int
    summary: dict
    errors: list[RowErrorOut]
    warnings: list[RowErrorOut]
    preview: PreviewOut
    created_at: dt.datetime
    committed_at: dt.datetime | None


class ImportBatchPage(Schema):
    items: list[ImportBatchOut]
    count: int
