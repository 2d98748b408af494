"""Edits of the activity library by district staff: each edit adds a version (activities keep
the version they used) and one audit event naming the fields changed, old and new."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from haolinju.core.errors import InvalidInput, NotFound, NotPermitted
from haolinju.core.timeline import record as timeline_record

from ..models import ActivityItem, ActivityItemVersion
from ..policies import may_edit_library

EDITABLE = ("name", "description", "default_minutes", "skills", "points_rule", "points_code")


@transaction.atomic
def item_revise(*, actor, item_id: int, **changes) -> ActivityItemVersion:
    """Write a new version of the item with ``changes``; past activities keep theirs."""
    if not may_edit_library(actor):
        raise NotPermitted(_("只有区级工作人员可以修改活动项目库"))
    item = ActivityItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput.on(sorted(unknown)[0], _("不可修改的字段"))
    base = item.current
    values = {f: getattr(base, f) for f in EDITABLE} | changes
    if not str(values["name"]).strip():
        raise InvalidInput.on("name", _("请填写项目名称"))
    if not isinstance(values["default_minutes"], int) or not 0 < values["default_minutes"] <= 1440:
        raise InvalidInput.on("default_minutes", _("默认时长应在1到1440分钟之间"))
    if not str(values["points_rule"]).strip():
        raise InvalidInput.on("points_rule", _("请填写积分规则"))
    if not str(values["points_code"]).strip():
        raise InvalidInput.on("points_code", _("请填写积分规则代码"))
    if not isinstance(values["skills"], list) or not all(
        isinstance(x, str) and 0 < len(x) <= 32 for x in values["skills"]
    ):
        raise InvalidInput.on("skills", _("技能应为不超过32字的词语"))
    changed = {f: [getattr(base, f), values[f]] for f in EDITABLE if getattr(base, f) != values[f]}
    if not changed:
        raise InvalidInput.on("name", _("没有修改任何内容"))
    number = (item.versions.aggregate(m=Max("version"))["m"] or 0) + 1
    version = ActivityItemVersion.objects.create(
        item=item, version=number, created_by=actor, **values
    )
    item.current = version
    item.save(update_fields=["current"])
    timeline_record(
        item,
        actor=actor,
        action="activityitem.revise",
        area_path="",
        version=number,
        changes=changed,
    )
    return version
