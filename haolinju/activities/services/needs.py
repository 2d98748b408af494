"""The needs board: the branch posts a compound's 微心愿 and 报到 tasks; members claim them for
themselves, staff of a partner unit for their unit; the poster marks them done."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.scope import jurisdiction_of
from haolinju.core.transitions import Move, StateMachine
from haolinju.org.models import Area, AreaKind, Organisation, OrgKind

from ..models import Need, NeedKind, NeedStatus
from ..policies import may_organise_at
from ..selectors import need_get

N = NeedStatus


def _may(actor, need: Need, action: str) -> bool:
    if action in ("done", "withdraw"):
        return may_organise_at(actor, need.area_path) or need.posted_by_id == actor.pk
    return jurisdiction_of(actor).person_id is not None


MACHINE = StateMachine(
    model=Need,
    moves={
        "claim": Move({N.OPEN}, N.CLAIMED, gettext_lazy("认领")),
        "done": Move({N.CLAIMED}, N.DONE, gettext_lazy("完成")),
        "withdraw": Move({N.OPEN, N.CLAIMED}, N.WITHDRAWN, gettext_lazy("撤回")),
    },
    may=_may,
    area_path=lambda need: need.area_path,
)


@transaction.atomic
def need_post(*, actor, area: Area, kind: str, title: str, description: str = "") -> Need:
    if area.kind != AreaKind.COMPOUND:
        raise InvalidInput.on("area_id", _("需求应发布到小区"))
    if not may_organise_at(actor, area.path):
        raise NotPermitted(_("只能在自己负责的小区发布需求"))
    if kind not in NeedKind.values:
        raise InvalidInput.on("kind", _("类型无效"))
    if not title.strip():
        raise InvalidInput.on("title", _("请填写标题"))
    return Need.objects.create(
        kind=kind,
        area=area,
        area_path=area.path,
        title=title.strip(),
        description=description.strip(),
        posted_by=actor,
    )


@transaction.atomic
def need_move(
    *, actor, need_id: int, action: str, organisation: Organisation | None = None
) -> Need:
    need = need_get(actor=actor, need_id=need_id)
    changes = {}
    if action == "claim":
        scope = jurisdiction_of(actor)
        changes["claimed_at"] = timezone.now()
        if organisation is not None:
            if organisation.kind != OrgKind.PARTNER_UNIT or not scope.governs(
                organisation.area_path
            ):
                raise NotPermitted(_("只能代表自己所在的共建单位认领"))
            changes["claimed_by_org"] = organisation
        else:
            changes["claimed_by_person_id"] = scope.person_id
    if action == "done":
        changes["done_at"] = timezone.now()
    return MACHINE.apply(need, action=action, actor=actor, changes=changes)
