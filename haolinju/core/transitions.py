"""The one way a status changes: lock the row, check the table and the policy, save, and write
the timeline event — all in one transaction.

A domain app declares its machine next to its ``Status`` choices::

    MACHINE = StateMachine(
        model=Case,
        moves={"dispatch": Move({"submitted"}, "dispatched", _("派单")), ...},
        may=policies.may,                     # may(actor, obj, action) -> bool
        area_path=lambda case: case.area_path,
    )

and every service calls ``MACHINE.apply(obj, action=..., actor=...)``. The UI and the API show
``MACHINE.actions_for(obj, actor)``: exactly the moves the state allows and the policy grants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bulk import update_each
from .errors import Conflict, InvalidInput, NotPermitted
from .models import AuditEvent


class InvalidTransition(Conflict):
    """The move exists but the current state does not allow it (HTTP 409)."""


class _Any(frozenset):
    """Marker for "from any state" (a frozenset that contains everything)."""

    def __contains__(self, item) -> bool:
        return True

    def __repr__(self) -> str:
        return "ANY"


ANY: frozenset = _Any()


@dataclass(frozen=True)
class Move:
    """An action: the states it may start from, the state it leads to (None: unchanged), and its
    label for buttons and timelines."""

    sources: Iterable[str]
    target: str | None
    label: object = ""
    sources_set: frozenset = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        src = self.sources if isinstance(self.sources, _Any) else frozenset(self.sources)
        object.__setattr__(self, "sources_set", src)

    def allows(self, state: str) -> bool:
        return state in self.sources_set


def _always(actor, obj, action) -> bool:
    return True


class StateMachine:
    def __init__(
        self,
        *,
        model: type[models.Model],
        moves: dict[str, Move],
        field: str = "status",
        may: Callable[[object, object, str], bool] = _always,
        area_path: Callable[[object], str] = lambda obj: getattr(obj, "area_path", ""),
        event_prefix: str | None = None,
    ):
        self.model = model
        self.moves = dict(moves)
        self.field = field
        self.may = may
        self.area_path = area_path
        self.event_prefix = event_prefix or model._meta.model_name

    # --- reads ----------------------------------------------------------------------------------
    def state_of(self, obj) -> str:
        return getattr(obj, self.field)

    def allowed_by_state(self, obj) -> list[str]:
        state = self.state_of(obj)
        return [name for name, move in self.moves.items() if move.allows(state)]

    def actions_for(self, obj, actor) -> list[str]:
        """The actions this actor may take now: the state allows them and the policy grants them."""
        return [a for a in self.allowed_by_state(obj) if self.may(actor, obj, a)]

    def label(self, action: str):
        return self.moves[action].label or action

    # --- the write ------------------------------------------------------------------------------
    def apply(
        self,
        obj,
        *,
        action: str,
        actor,
        note: str = "",
        changes: dict | None = None,
        data: dict | None = None,
        check: Callable[[object], None] | None = None,
    ):
        """Apply ``action`` to ``obj`` (an instance or a pk); returns the locked, saved row.

        Raises ``InvalidInput`` for an unknown action, ``InvalidTransition`` (409) when the state
        does not allow it, ``NotPermitted`` when the policy refuses; in each case nothing changes.
        """
        move = self.moves.get(action)
        if move is None:
            raise InvalidInput.on(
                "action",
                _("未知操作：%(a)s；可用操作：%(all)s")
                % {"a": action, "all": "、".join(self.moves)},
            )
        pk = obj.pk if isinstance(obj, models.Model) else obj
        with transaction.atomic():
            locked = self.model._default_manager.select_for_update().get(pk=pk)
            before = self.state_of(locked)
            if not move.allows(before):
                raise InvalidTransition(
                    _("“%(label)s”不能在当前状态（%(state)s）下进行")
                    % {"label": self.label(action), "state": self._state_label(locked)}
                )
            if not self.may(actor, locked, action):
                raise NotPermitted(_("无权执行“%(label)s”") % {"label": self.label(action)})
            if check is not None:
                check(locked)
            update_fields = []
            if move.target is not None and move.target != before:
                setattr(locked, self.field, move.target)
                update_fields.append(self.field)
            for name, value in (changes or {}).items():
                setattr(locked, name, value)
                update_fields.append(name)
            if update_fields:
                if any(f.name == "updated_at" for f in locked._meta.concrete_fields):
                    update_fields.append("updated_at")
                locked.save(update_fields=sorted(set(update_fields)))
            AuditEvent.objects.create(
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                action=f"{self.event_prefix}.{action}",
                target_type=locked._meta.label_lower,
                target_id=locked.pk,
                area_path=self.area_path(locked) or "",
                from_state=before,
                to_state=self.state_of(locked),
                note=note or "",
                data=data or {},
            )
        if isinstance(obj, models.Model) and obj is not locked:
            obj.refresh_from_db()
        return locked

    def apply_many(
        self,
        queryset,
        pks,
        *,
        action: str,
        actor,
        note: str = "",
        changes: dict | None = None,
        data: dict | None = None,
        chunk: int = 5000,
    ) -> list:
        """Apply one ``action`` to many rows at once (a bulk review), all or nothing.

        Locks the rows of ``queryset`` (the caller's scoped read) with these ``pks`` in pk
        order, checks every row's state and the policy as ``apply`` does (the first refusal
        aborts everything), sets the target state and ``changes`` (the same for every row) with
        one UPDATE per chunk and writes one timeline event per row in bulk. Returns the locked
        rows, updated in memory; the caller compares their number with ``pks`` (rows outside
        the queryset are simply not there).
        """
        move = self.moves.get(action)
        if move is None:
            raise InvalidInput.on("action", _("未知操作：%(a)s") % {"a": action})
        wanted = sorted(set(pks))
        changes = dict(changes or {})
        with transaction.atomic():
            rows: list = []
            for i in range(0, len(wanted), chunk):  # SQLite caps the parameters of one statement
                rows += list(
                    queryset.select_for_update(of=("self",))
                    .filter(pk__in=wanted[i : i + chunk])
                    .order_by("pk")
                )
            before = {}
            for row in rows:
                before[row.pk] = self.state_of(row)
                if not move.allows(before[row.pk]):
                    raise InvalidTransition(
                        _("“%(label)s”不能在当前状态（%(state)s）下进行：#%(pk)d")
                        % {
                            "label": self.label(action),
                            "state": self._state_label(row),
                            "pk": row.pk,
                        }
                    )
                if not self.may(actor, row, action):
                    raise NotPermitted(_("无权执行“%(label)s”") % {"label": self.label(action)})
            values = dict(changes)
            if move.target is not None:
                values[self.field] = move.target
            if values and any(f.name == "updated_at" for f in self.model._meta.concrete_fields):
                from django.utils import timezone

                values["updated_at"] = timezone.now()
            ids = [row.pk for row in rows]
            if values:
                for i in range(0, len(ids), chunk):
                    self.model._default_manager.filter(pk__in=ids[i : i + chunk]).update(**values)
            for row in rows:
                for name, value in values.items():
                    setattr(row, name, value)
            _append_events(
                rows,
                before,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                action=f"{self.event_prefix}.{action}",
                target_type=self.model._meta.label_lower,
                area_path=self.area_path,
                state_of=self.state_of,
                note=note or "",
                data=data or {},
            )
        return rows

    def sweep_many(
        self,
        pks,
        *,
        action: str,
        actor,
        note: str | Callable[[object], str] = "",
        changes: Callable[[object], dict] | None = None,
        data: Callable[[object], dict] | None = None,
    ) -> list:
        """Apply ``action`` to many rows in one transaction, skipping the refused (a worker's sweep;
        ``apply_many`` is the all-or-nothing form): lock them in pk
        order, keep those whose state allows the move and whose policy grants it — the others
        are skipped, unchanged —, set each row's status and ``changes(row)``, save them with one
        prepared ``UPDATE`` (``core.bulk.update_each``) and write one event per row with one
        ``bulk_create``. Returns the moved rows. ``note``, ``changes`` and ``data`` may depend
        on the (locked) row."""
        move = self.moves.get(action)
        if move is None:
            raise InvalidInput.on("action", _("未知操作：%(a)s") % {"a": action})
        pks = list(pks)
        if not pks:
            return []
        has_updated_at = any(f.name == "updated_at" for f in self.model._meta.concrete_fields)
        with transaction.atomic():
            rows = self.model._default_manager.select_for_update().filter(pk__in=pks)
            moved, events, fields = [], [], set()
            now = timezone.now()
            for row in rows.order_by("pk"):
                before = self.state_of(row)
                if not move.allows(before) or not self.may(actor, row, action):
                    continue
                if move.target is not None and move.target != before:
                    setattr(row, self.field, move.target)
                    fields.add(self.field)
                for name, value in (changes(row) if changes else {}).items():
                    setattr(row, name, value)
                    fields.add(name)
                if has_updated_at:
                    row.updated_at = now
                events.append(
                    AuditEvent(
                        actor=actor if getattr(actor, "is_authenticated", False) else None,
                        action=f"{self.event_prefix}.{action}",
                        target_type=row._meta.label_lower,
                        target_id=row.pk,
                        area_path=self.area_path(row) or "",
                        from_state=before,
                        to_state=self.state_of(row),
                        note=(note(row) if callable(note) else note) or "",
                        data=(data(row) if data else {}) or {},
                        created_at=now,
                    )
                )
                moved.append(row)
            if moved and fields:
                if has_updated_at:
                    fields.add("updated_at")
                update_each(self.model, moved, sorted(fields))
            AuditEvent.objects.bulk_create(events)
        return moved

    def _state_label(self, obj) -> str:
        display = getattr(obj, f"get_{self.field}_display", None)
        return str(display()) if display else self.state_of(obj)


class _Event:
    """An event about to be appended in bulk: just the attributes ``seal_events`` and
    ``AuditEvent.chain_payload`` read (a model instance per row costs more than the rest)."""

    __slots__ = (
        "action",
        "actor_id",
        "area_path",
        "chain",
        "created_at",
        "data",
        "from_state",
        "hash",
        "note",
        "prev_hash",
        "seq",
        "target_id",
        "target_type",
        "to_state",
    )
    chain_payload = AuditEvent.chain_payload

    def __init__(self, **values):
        for name, value in values.items():
            setattr(self, name, value)


def _append_events(rows, before, *, actor, action, target_type, area_path, state_of, note, data):
    """One timeline event per row, sealed into the audit chains like any other event and
    inserted with one statement per 500 rows."""
    from django.db import connection
    from django.utils import timezone

    from .models import seal_events

    now = timezone.now()
    actor_id = actor.pk if actor is not None else None
    events = [
        _Event(
            created_at=now,
            actor_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=row.pk,
            area_path=area_path(row) or "",
            from_state=before[row.pk],
            to_state=state_of(row),
            note=note,
            data=data,
            hash="",
        )
        for row in rows
    ]
    seal_events(events)
    fields = AuditEvent._meta
    at = fields.get_field("created_at").get_db_prep_save(now, connection)
    blob = fields.get_field("data").get_db_prep_save(data, connection)
    columns = (
        "created_at, actor_id, action, target_type, target_id, area_path, from_state, "
        "to_state, note, data, chain, seq, prev_hash, hash"
    )
    row_marks = "(" + ", ".join(["%s"] * 14) + ")"
    with connection.cursor() as cur:
        for i in range(0, len(events), 500):
            chunk = events[i : i + 500]
            params: list = []
            for e in chunk:
                params += (
                    at,
                    actor_id,
                    e.action,
                    e.target_type,
                    e.target_id,
                    e.area_path,
                    e.from_state,
                    e.to_state,
                    e.note,
                    blob,
                    e.chain,
                    e.seq,
                    e.prev_hash,
                    e.hash,
                )
            cur.execute(
                f"INSERT INTO {fields.db_table} ({columns}) VALUES "  # noqa: S608
                + ", ".join([row_marks] * len(chunk)),
                params,
            )
