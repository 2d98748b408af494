"""The compound convention: drafts as numbered versions, comments, a line diff between any two
versions (difflib), adoption when the owners' vote it was put to is certified as passed.

Every change of a convention is a ``core.transitions`` move (``CONVENTIONS``), so it lands on the
convention's timeline in the same transaction: a new draft (``version``), a comment, putting a
version to a vote, and — when that vote is certified — ``adopt`` or ``reject`` (back to drafting).
"""

from __future__ import annotations

import difflib

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.timeline import record
from haolinju.core.transitions import ANY, Move, StateMachine
from haolinju.org.models import Area

from .. import policies
from ..models import Convention, ConventionStatus, ConventionVersion, Vote, VoteStatus

C = ConventionStatus

CONVENTIONS = StateMachine(
    model=Convention,
    moves={
        "version": Move({C.DRAFTING}, None, gettext_lazy("修改草案")),
        "comment": Move(ANY, None, gettext_lazy("评论")),
        "put_to_vote": Move({C.DRAFTING}, C.VOTING, gettext_lazy("提交业主表决")),
        "adopt": Move({C.VOTING}, C.ADOPTED, gettext_lazy("表决通过，公布施行")),
        "reject": Move({C.VOTING}, C.DRAFTING, gettext_lazy("表决未通过，退回修改")),
    },
    may=policies.may_convention_action,
    event_prefix="convention",
)


@transaction.atomic
def convention_create(*, actor, area: Area, title: str, text: str) -> Convention:
    if not policies.governs(actor, area.path):
        raise NotPermitted(_("只有该区域的工作人员可以起草居民公约"))
    if not title.strip() or not text.strip():
        raise InvalidInput.on("text", _("请填写名称和正文"))
    c = Convention.objects.create(area=area, area_path=area.path, title=title.strip())
    ConventionVersion.objects.create(convention=c, number=1, text=text, created_by=actor)
    record(c, actor=actor, action="convention.create", note=c.title)
    return c


@transaction.atomic
def version_add(*, actor, convention: Convention, text: str, note: str = "") -> ConventionVersion:
    if not text.strip():
        raise InvalidInput.on("text", _("请填写正文"))
    locked = Convention.objects.select_for_update().get(pk=convention.pk)
    last = locked.versions.order_by("-number").first()
    number = (last.number if last else 0) + 1

    def check(_locked):
        if last and last.text == text:
            raise InvalidInput.on("text", _("与上一版相同"))

    CONVENTIONS.apply(
        locked,
        action="version",
        actor=actor,
        note=note.strip(),
        data={"number": number},
        check=check,
    )
    return ConventionVersion.objects.create(
        convention=locked, number=number, text=text, note=note.strip(), created_by=actor
    )


def comment(*, actor, convention: Convention, text: str, version: int | None = None) -> None:
    if not text.strip():
        raise InvalidInput.on("text", _("请填写评论"))
    CONVENTIONS.apply(
        convention,
        action="comment",
        actor=actor,
        note=text.strip(),
        data={"version": version},
    )


def diff(convention: Convention, a: int, b: int) -> list[str]:
    versions = {v.number: v for v in convention.versions.filter(number__in=[a, b])}
    if a not in versions or b not in versions:
        raise InvalidInput.on("versions", _("版本不存在"))
    return list(
        difflib.unified_diff(
            versions[a].text.splitlines(),
            versions[b].text.splitlines(),
            fromfile=f"v{a}",
            tofile=f"v{b}",
            lineterm="",
        )
    )


def put_to_vote(*, actor, convention: Convention, vote: Vote, number: int) -> Convention:
    if vote.matter_item != 2 and vote.matter_item != 9:
        raise InvalidInput.on("vote_id", _("公约应按管理规约或其他重大事项表决"))
    if vote.area_path != convention.area_path or vote.status not in (
        VoteStatus.DRAFT,
        VoteStatus.NOTICED,
    ):
        raise InvalidInput.on("vote_id", _("表决范围或状态不符"))
    version = convention.versions.filter(number=number).first()
    if version is None:
        raise InvalidInput.on("version", _("版本不存在"))
    return CONVENTIONS.apply(
        convention,
        action="put_to_vote",
        actor=actor,
        changes={"vote": vote, "voted_version": version},
        data={"vote_id": vote.pk, "number": number},
    )


def adopt_if_passed(*, actor, vote: Vote) -> None:
    """Called when a vote is certified (inside its transaction): a convention put to it is
    adopted — its voted version becomes the published text — if it passed, or goes back to
    drafting if it did not."""
    passed = bool(vote.result.get("passed"))
    ids = Convention.objects.filter(vote=vote, status=C.VOTING).values_list("pk", flat=True)
    for pk in list(ids):
        locked = Convention.objects.get(pk=pk)
        CONVENTIONS.apply(
            locked,
            action="adopt" if passed else "reject",
            actor=actor,
            changes={"adopted_version_id": locked.voted_version_id if passed else None},
            data={"vote_id": vote.pk, "passed": passed},
        )
