"""The compound convention: drafts as numbered versions, comments, a line diff between any two
versions (difflib), adoption when the owners' vote it was put to is certified as passed."""

from __future__ import annotations

import difflib

from django.db import transaction
from django.utils.translation import gettext as _

from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.timeline import record
from haolinju.core.transitions import InvalidTransition
from haolinju.org.models import Area

from .. import policies
from ..models import Convention, ConventionStatus, ConventionVersion, Vote, VoteStatus


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
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if not policies.governs(actor, convention.area_path):
        raise NotPermitted()
    if convention.status != ConventionStatus.DRAFTING:
        raise InvalidTransition(_("公约已提交表决或已通过，不能再修改"))
    last = convention.versions.order_by("-number").first()
    if last and last.text == text:
        raise InvalidInput.on("text", _("与上一版相同"))
    v = ConventionVersion.objects.create(
        convention=convention,
        number=(last.number if last else 0) + 1,
        text=text,
        note=note.strip(),
        created_by=actor,
    )
    record(convention, actor=actor, action="convention.version", note=note, number=v.number)
    return v


@transaction.atomic
def comment(*, actor, convention: Convention, text: str, version: int | None = None) -> None:
    if not policies.can_see(actor, convention.area_path):
        raise NotPermitted()
    if not text.strip():
        raise InvalidInput.on("text", _("请填写评论"))
    record(convention, actor=actor, action="convention.comment", note=text.strip(), version=version)


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


@transaction.atomic
def put_to_vote(*, actor, convention: Convention, vote: Vote, number: int) -> Convention:
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if not policies.governs(actor, convention.area_path):
        raise NotPermitted()
    if convention.status != ConventionStatus.DRAFTING:
        raise InvalidTransition(_("公约已提交表决或已通过"))
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
    convention.status = ConventionStatus.VOTING
    convention.vote = vote
    convention.voted_version = version
    convention.save(update_fields=["status", "vote", "voted_version"])
    record(convention, actor=actor, action="convention.put_to_vote", vote_id=vote.pk, number=number)
    return convention


def adopt_if_passed(*, actor, vote: Vote) -> None:
    """Called when a vote is certified: a convention put to it is adopted if it passed, or goes
    back to drafting if it did not."""
    for c in Convention.objects.select_for_update().filter(
        vote=vote, status=ConventionStatus.VOTING
    ):
        passed = bool(vote.result.get("passed"))
        c.status = ConventionStatus.ADOPTED if passed else ConventionStatus.DRAFTING
        c.adopted_version = c.voted_version if passed else None
        c.save(update_fields=["status", "adopted_version"])
        record(c, actor=actor, action="convention.adopted" if passed else "convention.rejected")
