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

from .bulk import update_rows
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
        pks,
        *,
        action: str,
        actor,
        note: str | Callable[[object], str] = "",
        changes: Callable[[object], dict] | None = None,
        data: Callable[[object], dict] | None = None,
    ) -> list:
        """Apply ``action`` to many rows in one transaction (a worker's sweep): lock them in pk
        order, keep those whose state allows the move and whose policy grants it — the others
        are skipped, unchanged —, set each row's status and ``changes(row)``, save them with one
        prepared ``UPDATE`` (``core.bulk.update_rows``) and write one event per row with one
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
                update_rows(self.model, moved, fields)
            AuditEvent.objects.bulk_create(events)
        return moved

    def _state_label(self, obj) -> str:
        display = getattr(obj, f"get_{self.field}_display", None)
        return str(display()) if display else self.state_of(obj)
