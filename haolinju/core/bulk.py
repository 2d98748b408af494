"""Bulk writes the ORM makes slow.

``QuerySet.bulk_update`` writes one ``CASE WHEN id = … THEN …`` per field over a whole batch:
its cost grows with the square of the batch on SQLite (a 1,000-row update of 8 fields took
8 s). One prepared ``UPDATE … WHERE id = %s`` run with ``executemany`` costs a few
microseconds a row on SQLite and is pipelined by psycopg on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models


def update_each(model: type[models.Model], objs: Iterable[models.Model], fields: Sequence[str]):
    """Write ``fields`` of every object (each by primary key) in one prepared statement.

    Values go through each field's ``get_db_prep_save``, exactly as ``save()`` would send
    them. Returns the number of objects written. No signals, no ``auto_now``: a bulk path."""
    objs = list(objs)
    if not objs:
        return 0
    concrete = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in concrete)
    pk = model._meta.pk
    # Only quoted identifiers from the model's own metadata are formatted in; values are bound.
    table, key = quote(model._meta.db_table), quote(pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608
    rows = [
        [
            *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in concrete),
            pk.get_db_prep_save(obj.pk, connection),
        ]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(objs)


def insert_each(model: type[models.Model], objs: Iterable[models.Model]) -> int:
    """Insert rows that nobody needs the primary keys of (audit events) in one prepared
    ``INSERT`` run with ``executemany``: ``bulk_create`` spends most of its time compiling
    SQL per row. Values go through ``pre_save`` and ``get_db_prep_save`` as in ``save()``."""
    objs = list(objs)
    if not objs:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(objs)
