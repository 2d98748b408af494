"""The two state machines of the loop, built from the TRANSITIONS tables in ``models``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haolinju.core.transitions import Move, StateMachine

from .. import policies
from ..models import (
    AGREEMENT_TRANSITIONS,
    FOLLOW_UP_TRANSITIONS,
    SESSION_TRANSITIONS,
    SUMMONS_TRANSITIONS,
    TRANSITIONS,
    Case,
    FollowUpVisit,
    MediationAgreement,
    MediationSession,
    Summons,
)

LABELS = {
    "dispatch": _("派单"),
    "redispatch": _("改派"),
    "decline": _("退回"),
    "accept_timeout": _("接单超时退回"),
    "accept": _("接单"),
    "start": _("开始办理"),
    "resolve": _("办结"),
    "rate": _("评价"),
    "reopen": _("重办"),
    "review_reopen": _("微评议不满意，重新整改"),
    "finish": _("归档"),
    "close": _("关闭"),
    "escalate": _("上报上级"),
    "whistle": _("吹哨"),
    "comment": _("留言"),
    "report_in": _("报到"),
    "report_back": _("反馈结果"),
    "hold": _("记录调解"),
    "cancel": _("取消"),
    "sign": _("当事人签字"),
    "complete": _("协议生效"),
    "void": _("作废协议"),
    "visit": _("记录回访"),
}

CASE_MACHINE = StateMachine(
    model=Case,
    moves={a: Move(src, tgt, LABELS[a]) for a, (src, tgt) in TRANSITIONS.items()},
    may=policies.may,
    area_path=lambda case: case.area_path,
    event_prefix="case",
)

SUMMONS_MACHINE = StateMachine(
    model=Summons,
    moves={a: Move(src, tgt, LABELS[a]) for a, (src, tgt) in SUMMONS_TRANSITIONS.items()},
    may=policies.may_summons,
    area_path=lambda summons: summons.area_path,
    event_prefix="summons",
)


def _machine(model, table, prefix):
    return StateMachine(
        model=model,
        moves={a: Move(src, tgt, LABELS[a]) for a, (src, tgt) in table.items()},
        may=policies.may_mediation_step,
        area_path=lambda obj: obj.area_path,
        event_prefix=prefix,
    )


SESSION_MACHINE = _machine(MediationSession, SESSION_TRANSITIONS, "mediation_session")
AGREEMENT_MACHINE = _machine(MediationAgreement, AGREEMENT_TRANSITIONS, "mediation_agreement")
FOLLOW_UP_MACHINE = _machine(FollowUpVisit, FOLLOW_UP_TRANSITIONS, "follow_up")

# Actions the API's transitions endpoint takes; rating and whistling have their own services
# (they need more input), the worker alone times out an acceptance.
API_ACTIONS = frozenset(
    {"dispatch", "redispatch", "decline", "accept", "start", "resolve", "finish", "close",
     "escalate", "comment", "reopen"}
)  # fmt: skip


def actions_for(case: Case, actor) -> list[str]:
    return CASE_MACHINE.actions_for(case, actor)
