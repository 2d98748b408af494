"""What validating a file produces: errors, warnings, counts, a preview, and the work to do."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from .errors import RowError
from .reader import Column, Table

PREVIEW_ROWS = 10


@dataclass
class Plan:
    kind: str
    table: Table
    spec: dict[str, Column]
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)
    preview_headers: list[str] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    items: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # how the file was read (mappings applied …)
    context: dict = field(default_factory=dict)  # what a register keeps between plan and apply

    def error(self, row: int, key: str, message) -> None:
        self.errors.append(self.table.error(row, key, message, self.spec))

    def warn(self, row: int, key: str, message) -> None:
        self.warnings.append(self.table.error(row, key, message, self.spec))

    def count(self, key: str, n: int = 1) -> None:
        self.summary[key] = self.summary.get(key, 0) + n

    def add_preview(self, row: int, cells: list) -> None:
        if len(self.preview) < PREVIEW_ROWS:
            self.preview.append({"row": row, "cells": [str(c) for c in cells]})


def first_message(exc: ValidationError) -> str:
    return str(exc.messages[0]) if exc.messages else str(exc)
