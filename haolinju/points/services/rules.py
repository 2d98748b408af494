"""Earning rules: versions are never edited — a change is a new version from a date on."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from haolinju.core.errors import InvalidInput, NotFound
from haolinju.core.models import record_event
from haolinju.org.models import Area, AreaKind

from .. import policies, selectors
from ..models import RuleVersion

DEFAULT_FROM = dt.date(2000, 1, 1)

# Numeric fields of a version and their bounds (inclusive).
NUMBERS = {
    "points_per_hour": (0, 100),
    "hours_cap_per_activity": (0, 24),
    "points_per_good_rating": (0, 100),
    "good_rating_min": (1, 5),
    "base_score": (0, 1000),
    "award_threshold": (0, 10_000),
}
RULE_AREA_KINDS = (AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.COMPOUND)


def rule_in_force(path: str, on: dt.date) -> RuleVersion:
    """The rule for an area on a date; when nobody configured any rule yet (the migration's
    default was removed), the default version is created here, in the caller's transaction."""
    rule = selectors.rule_for(path, on)
    if rule is not None:
        return rule
    try:
        with transaction.atomic():
            return RuleVersion.objects.get_or_create(
                area_path="",
                version=1,
                defaults={"effective_from": DEFAULT_FROM, "note": "默认规则"},
            )[0]
    except IntegrityError:  # a concurrent first caller created it
        return RuleVersion.objects.get(area_path="", version=1)


def _points_map(raw, field: str) -> dict[str, int]:
    """``{"code": points}`` from a dict or from lines ``code=points`` (the web form)."""
    if isinstance(raw, dict):
        items = list(raw.items())
    else:
        items = []
        for line in str(raw or "").replace("，", ",").replace("\n", ",").split(","):
            if not line.strip():
                continue
            if "=" not in line:
                raise InvalidInput.on(field, _("每项写成“代码=积分”，例如 env.stairwell=3"))
            code, _sep, value = line.partition("=")
            items.append((code.strip(), value.strip()))
    out = {}
    for code, value in items:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if not code or len(code) > 48 or not 0 <= number <= 1000:
            raise InvalidInput.on(field, _("“%(code)s”的积分须为 0–1000 的整数") % {"code": code})
        out[code] = number
    return out


@transaction.atomic
def rule_create(*, actor, area_id: int, effective_from: dt.date, note: str = "", **values):
    """A new version of the earning rules for an area's subtree, in force from a date.

    Unset numbers and item lists are copied from the version in force that day, so a change
    names only what changes. Audited."""
    area = Area.objects.filter(pk=area_id, kind__in=RULE_AREA_KINDS).first()
    if area is None or not policies.can_manage_rules(actor, area):
        raise NotFound()
    if not isinstance(effective_from, dt.date):
        raise InvalidInput.on("effective_from", _("请填写生效日期"))
    base = rule_in_force(area.path, effective_from)
    fields = {}
    for name, (low, high) in NUMBERS.items():
        value = values.get(name)
        if value is None or value == "":
            fields[name] = getattr(base, name)
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not low <= number <= high:
            raise InvalidInput.on(
                name, _("须为 %(low)d–%(high)d 的整数") % {"low": low, "high": high}
            )
        fields[name] = number
    for name in ("item_points", "deductions"):
        raw = values.get(name)
        fields[name] = dict(getattr(base, name)) if raw is None else _points_map(raw, name)
    # Serialise versions of one area (the area row is the lock).
    Area.objects.select_for_update().filter(pk=area.pk).get()
    latest = RuleVersion.objects.filter(area_path=area.path).aggregate(m=Max("version"))["m"]
    rule = RuleVersion.objects.create(
        area=area,
        area_path=area.path,
        version=(latest or 0) + 1,
        effective_from=effective_from,
        note=(note or "").strip()[:200],
        created_by=actor,
        **fields,
    )
    record_event(
        actor=actor,
        action="points.rule.create",
        target=rule,
        area_path=area.path,
        version=rule.version,
        effective_from=effective_from.isoformat(),
        **{k: v for k, v in fields.items()},
    )
    return rule
