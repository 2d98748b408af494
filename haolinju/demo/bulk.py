"""Fast, bounded-memory inserts for seeding: explicit ids, tuples, one transaction per batch.

Why not ``bulk_create``: building model instances and compiling their SQL costs about 95 µs a
row on SQLite; a prepared ``executemany`` of tuples costs about 20 µs (PostgreSQL uses ``COPY``).
Ids are allocated here (``max(id) + 1`` of each table at start), so rows can point at each other
before they are written and a seeding run never collides with rows already present.

Personal data is encrypted with ``people.services.encrypted_fields`` — the very function the
services use — in a pool of worker processes when asked (Fernet costs ~50 µs a person), while
the main process goes on generating; a batch is written once its encryption is back, so at most
two batches are ever held in memory.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from haolinju.org.models import Area, Organisation
from haolinju.people.models import (
    CandidateSecretary,
    Member,
    Occupancy,
    Person,
    Position,
    Volunteer,
)
from haolinju.people.services import PersonalData, encrypted_fields

ServedArea = Organisation.served_areas.through

# Insert order inside a batch: whatever a row points to is written before it.
MODEL_ORDER: tuple[type[models.Model], ...] = (
    Area,
    Organisation,
    ServedArea,
    Person,
    Occupancy,
    Member,
    Volunteer,
    Position,
    CandidateSecretary,
)
PERSONAL_COLUMNS = (
    "id_number_enc",
    "id_number_index",
    "id_number_masked",
    "phone_enc",
    "phone_index",
    "phone_masked",
)
_PREPARED_FIELD_TYPES = (models.DateField, models.DecimalField, models.JSONField)


class _Table:
    """Column layout and defaults of one model, computed once."""

    def __init__(self, model: type[models.Model], now: dt.datetime):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.index = {a: i for i, a in enumerate(self.attnames)}
        self.defaults = []
        for f in self.fields:
            if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                self.defaults.append(now)
            elif f.has_default():
                self.defaults.append(f.get_default())
            elif f.null:
                self.defaults.append(None)
            else:
                self.defaults.append(_MISSING)
        self.prepared = [
            (i, f) for i, f in enumerate(self.fields) if isinstance(f, _PREPARED_FIELD_TYPES)
        ]

    def row(self, values: dict) -> list:
        out = []
        for name, default in zip(self.attnames, self.defaults, strict=True):
            value = values.get(name, default)
            if value is _MISSING:
                raise ValueError(f"{self.model.__name__}.{name} needs a value")
            out.append(value)
        return out


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def encrypt_people(plain: list[tuple[str, str]]) -> list[tuple[str, ...]]:
    """The six protected columns for each (id_number, phone), in ``PERSONAL_COLUMNS`` order."""
    out = []
    for id_number, phone in plain:
        values = encrypted_fields(PersonalData(id_number=id_number, phone=phone))
        out.append(tuple(values[c] for c in PERSONAL_COLUMNS))
    return out


class _Batch:
    def __init__(self):
        self.rows: dict[type[models.Model], list[list]] = {m: [] for m in MODEL_ORDER}
        self.plain: list[tuple[str, str]] = []  # personal data, aligned with rows[Person]
        self.encrypted = None  # a list, or an AsyncResult of chunks

    def size(self) -> int:
        return sum(len(r) for r in self.rows.values())


class BulkWriter:
    """Buffer rows, allocate ids, write batches in dependency order.

    ``batch_rows``: rows (all tables together) per transaction. ``workers``: processes that
    encrypt personal data (0 = encrypt in this process). Use as a context manager, or call
    ``close()``; the counts of rows written are in ``counts``.
    """

    def __init__(self, *, batch_rows: int = 20_000, workers: int = 0):
        self.now = timezone.now()
        self.batch_rows = batch_rows
        self.tables = {m: _Table(m, self.now) for m in MODEL_ORDER}
        self._next_id = {m: (m.objects.aggregate(n=Max("pk"))["n"] or 0) + 1 for m in MODEL_ORDER}
        self._batch = _Batch()
        self._in_flight: _Batch | None = None
        self._pool = None
        if workers > 0 and "fork" in multiprocessing.get_all_start_methods():
            self._pool = multiprocessing.get_context("fork").Pool(workers)
        self.counts: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()  # where the time went: encrypt, write, wait
        # Converted values by field (dates, decimals, JSON repeat a lot: ~40k distinct dates)
        self._prepared: dict[models.Field, dict] = {}

    # --- adding rows -----------------------------------------------------------------------
    def new_id(self, model: type[models.Model]) -> int:
        pk = self._next_id[model]
        self._next_id[model] = pk + 1
        return pk

    def add(self, model: type[models.Model], **values) -> int:
        """Buffer one row; ``id`` is allocated unless given. Returns the id (None for the m2m)."""
        if model is not ServedArea and "id" not in values:
            values["id"] = self.new_id(model)
        self._batch.rows[model].append(self.tables[model].row(values))
        return values.get("id")

    def add_person(self, *, id_number: str, phone: str, **values) -> int:
        """Buffer a person; the protected columns are filled from plaintext at write time."""
        pk = self.add(Person, **values)
        self._batch.plain.append((id_number, phone))
        return pk

    # --- writing ---------------------------------------------------------------------------
    def maybe_flush(self) -> None:
        if self._batch.size() >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        """Hand the current batch to the encryptors and write the previous one."""
        batch, self._batch = self._batch, _Batch()
        if not batch.size():
            return
        started = time.perf_counter()
        if self._pool is not None and batch.plain:
            chunks = _chunks(batch.plain, max(1, len(batch.plain) // (2 * self._pool._processes)))
            batch.encrypted = self._pool.map_async(encrypt_people, chunks)
        else:
            batch.encrypted = encrypt_people(batch.plain)
            self.seconds["encrypt"] += time.perf_counter() - started
        previous, self._in_flight = self._in_flight, batch
        if previous is not None:
            self._write(previous)

    def close(self) -> None:
        self.flush()
        if self._in_flight is not None:
            self._write(self._in_flight)
            self._in_flight = None
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
        self._reset_sequences()

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        elif self._pool is not None:
            self._pool.terminate()
            self._pool = None

    def _write(self, batch: _Batch) -> None:
        started = time.perf_counter()
        encrypted = batch.encrypted
        if not isinstance(encrypted, list):
            encrypted = [row for chunk in encrypted.get() for row in chunk]
            self.seconds["wait_for_encryption"] += time.perf_counter() - started
        people = self.tables[Person]
        first = people.index[PERSONAL_COLUMNS[0]]
        for row, protected in zip(batch.rows[Person], encrypted, strict=True):
            row[first : first + len(PERSONAL_COLUMNS)] = protected
        started = time.perf_counter()
        with transaction.atomic():
            for model in MODEL_ORDER:
                rows = batch.rows[model]
                if rows:
                    self._insert(self.tables[model], rows)
                    self.counts[model._meta.label] += len(rows)
        self.seconds["write"] += time.perf_counter() - started

    def _insert(self, table: _Table, rows: list[list]) -> None:
        for i, field in table.prepared:
            memo = self._prepared.setdefault(field, {})
            for row in rows:
                value = row[i]
                if value is not None:
                    key = value if not isinstance(value, list | dict) else repr(value)
                    if key not in memo:  # Django's own conversion, once per distinct value
                        memo[key] = field.get_db_prep_save(value, connection)
                    row[i] = memo[key]
        attnames, model = table.attnames, table.model
        if model is ServedArea:  # let the database number the m2m rows
            attnames = attnames[1:]
            rows = [row[1:] for row in rows]
        quoted = ", ".join(
            connection.ops.quote_name(f.column) for f in table.fields[-len(attnames) :]
        )
        name = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(attnames))
                sql = f"INSERT INTO {name} ({quoted}) VALUES ({marks})"  # noqa: S608 - model metadata
                cursor.executemany(sql, rows)

    def _reset_sequences(self) -> None:
        """PostgreSQL sequences do not follow explicit ids; SQLite's AUTOINCREMENT does."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(MODEL_ORDER))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def refresh_statistics() -> bool:
    """After a bulk load on PostgreSQL, ``VACUUM (ANALYZE)`` the seeded tables so the planner
    has statistics and index-only counts need no heap visits. Not possible (and skipped)
    inside a transaction; SQLite plans well without statistics and is left as the app finds it.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        for model in MODEL_ORDER:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
    return True


def _chunks(items: list, size: int) -> Iterable[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def default_workers() -> int:
    """Encryption processes worth starting: none on a small machine (measured on 2 shared
    vCPUs: 100k persons in 22.7 s in-process, 25.5 s with one worker, since the worker and the
    writer then fight for a core), else one per core beyond two, up to four."""
    return max(0, min(4, (os.cpu_count() or 1) - 2))
