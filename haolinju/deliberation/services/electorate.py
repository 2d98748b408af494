"""Freezing a vote's electorate from the unit register, in bulk.

The register is read as plain rows (``selectors.register_snapshot``: three queries), grouped
into voter keys by the pure ``tally.build_electorate``, and written with one ``COPY`` per table
on PostgreSQL (one batched ``executemany`` elsewhere) — no model instances, no per-row SQL
compilation. Voter ids are read
back in one query to link the units and owners. A 20,000-unit compound freezes in a small
multiple of the time the bare inserts of the same rows take (``bench/votes.py`` prints the
ratio). Called inside the notice transaction, under the vote's row lock.
"""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from haolinju.core.errors import InvalidInput

from .. import selectors
from ..models import Vote, Voter, VoterOwner, VoterUnit
from ..tally import DEVELOPER_KEY, UnitRecord, build_electorate

BATCH = 2000


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(model, names: list[str]) -> str:
    q = connection.ops.quote_name
    return ", ".join(q(model._meta.get_field(n).column) for n in names)


def _insert(model, names: list[str], rows: list[tuple]) -> None:
    """Write ``rows`` into ``model``'s table: ``COPY … FROM STDIN`` on PostgreSQL, elsewhere
    ``INSERT INTO table (cols) VALUES (%s, …)`` through ``executemany`` in batches."""
    table, columns = _table(model), _columns(model, names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - model metadata
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def clear(vote_id: int) -> None:
    """Drop a vote's electorate rows (re-freezing after an objection, before any ballot)."""
    with connection.cursor() as cursor:
        for model in (VoterOwner, VoterUnit, Voter):
            column = connection.ops.quote_name(model._meta.get_field("vote").column)
            sql = f"DELETE FROM {_table(model)} WHERE {column} = %s"  # noqa: S608 - model metadata
            cursor.execute(sql, [vote_id])


def label_of(key: str, unit_ids: tuple[int, ...], titles: dict[int, str]) -> str:
    if key == DEVELOPER_KEY:
        return _("开发建设单位（未售房屋 %(n)s 套）") % {"n": len(unit_ids)}
    names = "、".join(titles[u] for u in unit_ids[:5])
    return names + ("…" if len(unit_ids) > 5 else "")


def freeze(vote: Vote) -> None:
    """Replace ``vote``'s electorate with the register's current one; sets (unsaved) the vote's
    ``total_area`` and ``total_count``."""
    units, owners, titles = selectors.register_snapshot(vote.area)
    missing = [u for u in units if u.area is None or u.area <= 0]
    if missing:
        raise InvalidInput.on(
            "electorate",
            _("以下房屋缺少专有面积，无法确定表决权：%(u)s")
            % {"u": "、".join(titles[u.unit_id] for u in missing[:10])},
        )
    if not units:
        raise InvalidInput.on("electorate", _("表决范围内没有房屋"))
    electorate = build_electorate(
        UnitRecord(
            unit_id=u.unit_id,
            area=u.area,
            owner_ids=frozenset(pid for pid, _name in owners[u.unit_id]),
            developer_held=u.developer_held,
        )
        for u in units
    )
    review_field = Voter._meta.get_field("review")
    prepared: dict[tuple, object] = {}

    def review(reasons: tuple) -> object:
        if reasons not in prepared:
            value = [str(r) for r in reasons]
            prepared[reasons] = review_field.get_db_prep_save(value, connection)
        return prepared[reasons]

    clear(vote.pk)
    _insert(
        Voter,
        ["vote", "key", "label", "area", "review"],
        [
            (vote.pk, v.key, label_of(v.key, v.unit_ids, titles), v.area, review(v.review))
            for v in electorate.voters.values()
        ],
    )
    id_of = dict(Voter.objects.filter(vote_id=vote.pk).values_list("key", "pk"))
    area_of = {u.unit_id: u.area for u in units}
    _insert(
        VoterUnit,
        ["vote", "voter", "unit", "name", "area"],
        [
            (vote.pk, id_of[key], uid, titles[uid], area_of[uid])
            for uid, key in electorate.unit_of.items()
        ],
    )
    names = {pid: name for people in owners.values() for pid, name in people}
    _insert(
        VoterOwner,
        ["vote", "voter", "person_id", "name"],
        [
            (vote.pk, id_of[v.key], pid, names[pid])
            for v in electorate.voters.values()
            for pid in v.owner_ids
        ],
    )
    vote.total_area = electorate.total_area
    vote.total_count = electorate.count
