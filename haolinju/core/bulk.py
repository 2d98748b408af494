"""Bulk writes the ORM makes slow (imports, workers' sweeps, bulk transitions).

``QuerySet.bulk_update`` writes one ``CASE WHEN id = … THEN …`` per row and field over a whole
batch and compiles it through the ORM: its cost grows with the square of the batch on SQLite
(a 1,000-row update of 8 fields took 8 s; 500 rows of a sweep ~1.5 s of compilation alone).
One prepared ``UPDATE … WHERE id = %s`` run with ``executemany`` costs a few microseconds a row
on SQLite and is pipelined by psycopg on PostgreSQL. ``bulk_create`` likewise spends most of its
time compiling SQL per row; ``insert_each`` is its counterpart for rows nobody needs the
primary keys of. The caller holds the rows' locks; no signals are sent and ``auto_now`` is not
applied by ``update_each`` (set such fields yourself).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections, models, router


def update_each(model: type[models.Model], objs: Iterable[models.Model], fields: Sequence[str]):
    """Write ``fields`` (names or attnames) of every object, each by primary key, in one
    prepared statement. Values go through each field's ``get_db_prep_save``, exactly as
    ``save()`` would send them. Returns the number of objects written."""
    objs = list(objs)
    if not objs:
        return 0
    connection = connections[router.db_for_write(model)]
    concrete = [model._meta.get_field(name) for name in dict.fromkeys(fields)]
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
    ``INSERT`` run with ``executemany``. Values go through ``pre_save`` and
    ``get_db_prep_save`` as in ``save()``."""
    objs = list(objs)
    if not objs:
        return 0
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(objs)
