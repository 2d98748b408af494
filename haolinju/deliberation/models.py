"""Proposals, owners' votes (electorate, ballots, receipts) and cost sharing.

A vote's electorate is a frozen copy of the unit register taken when the vote is noticed: one
``Voter`` row per voter key (RULES.md §1) with its summed exclusive area, the units behind it
(``VoterUnit``) and the owners who may cast it online (``VoterOwner``). Ballots are kept
permanently; a replaced ballot stays with ``superseded_at`` set, and at most one ballot per voter
key counts (a partial unique constraint backs the row lock the service takes).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from haolinju.org.models import Area

from .tally import MATTER_CLASS, Choice, MatterClass

MATTER_ITEMS = {
    1: _("制定和修改业主大会议事规则"),
    2: _("制定和修改管理规约"),
    3: _("选举业主委员会或者更换业主委员会成员"),
    4: _("选聘和解聘物业服务企业或者其他管理人"),
    5: _("使用建筑物及其附属设施的维修资金"),
    6: _("筹集建筑物及其附属设施的维修资金"),
    7: _("改建、重建建筑物及其附属设施"),
    8: _("改变共有部分的用途或者利用共有部分从事经营活动"),
    9: _("有关共有和共同管理权利的其他重大事项"),
}


class VoteStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    NOTICED = "noticed", _("表决权人公示中")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已截止")
    PUBLISHED = "published", _("结果公示（询异期）")
    CERTIFIED = "certified", _("已确认")
    CANCELLED = "cancelled", _("已取消")


class MatterClassChoice(models.TextChoices):
    GENERAL = MatterClass.GENERAL.value, _("一般事项（双过半）")
    SPECIAL = MatterClass.SPECIAL.value, _("重大事项（双四分之三）")


class Vote(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="votes")
    area_path = models.CharField(max_length=96, db_index=True)
    title = models.CharField(_("表决事项"), max_length=200)
    description = models.TextField(_("说明"), blank=True, default="")
    matter_item = models.PositiveSmallIntegerField(
        _("法定事项"), choices=[(k, v) for k, v in MATTER_ITEMS.items()]
    )
    matter_class = models.CharField(_("表决类别"), max_length=8, choices=MatterClassChoice.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=VoteStatus.choices, default=VoteStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    results_hidden = models.BooleanField(_("截止前隐藏结果"), default=False)
    online_replaces = models.BooleanField(_("截止前可改投（网上）"), default=True)
    paper_beats_online = models.BooleanField(_("纸质票优先于网上票"), default=True)
    proposal = models.ForeignKey(
        "Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="votes"
    )
    returning_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("监票计票人")
    )
    # frozen when the electorate is noticed
    total_area = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    total_count = models.PositiveIntegerField(null=True, blank=True)
    noticed_at = models.DateTimeField(null=True, blank=True)
    first_ballot_at = models.DateTimeField(null=True, blank=True)
    objection_until = models.DateTimeField(_("询异截止"), null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)  # the tally at close
    receipts_root = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("业主表决")
        verbose_name_plural = _("业主表决")
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["area_path", "status"], name="vote_path_status")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.matter_class = MATTER_CLASS[int(self.matter_item)].value
        super().save(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.first_ballot_at is not None


class Voter(models.Model):
    """One voter key of a vote's frozen electorate."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="voters")
    key = models.CharField(max_length=200)
    label = models.CharField(_("表决权人"), max_length=300)
    area = models.DecimalField(_("专有面积（㎡）"), max_digits=14, decimal_places=2)
    review = models.JSONField(_("待复核"), default=list, blank=True)

    class Meta:
        verbose_name = _("表决权人")
        verbose_name_plural = _("表决权人")
        constraints = [
            models.UniqueConstraint(fields=["vote", "key"], name="voter_unique_key"),
        ]

    def __str__(self) -> str:
        return self.label


class VoterUnit(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    area = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "unit"], name="voterunit_unique_unit"),
        ]


class VoterOwner(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="owners")
    person_id = models.BigIntegerField()
    name = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["vote", "person_id"], name="voterowner_vote_person")]


class Channel(models.TextChoices):
    ONLINE = "online", _("网上投票")
    PAPER = "paper", _("纸质票")
    PROXY = "proxy", _("委托投票")


class ChoiceField(models.TextChoices):
    FOR = Choice.FOR.value, _("同意")
    AGAINST = Choice.AGAINST.value, _("反对")
    ABSTAIN = Choice.ABSTAIN.value, _("弃权")


class Ballot(models.Model):
    """A cast ballot, kept permanently. ``superseded_at`` set: replaced, no longer counted."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="ballots")
    voter_key = models.CharField(max_length=200)
    # the voter's frozen area in hundredths of a m²: an integer, so a database SUM is exact on
    # every backend (SQLite sums decimals as floats)
    area_cents = models.BigIntegerField()
    choice = models.CharField(_("意见"), max_length=8, choices=ChoiceField.choices)
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    receipt = models.CharField(_("回执码"), max_length=16, unique=True)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_id = models.BigIntegerField(null=True, blank=True)  # the owner voting online
    proxy_name = models.CharField(_("受托人"), max_length=64, blank=True, default="")
    authorisation = models.CharField(_("授权委托书"), max_length=200, blank=True, default="")
    cast_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "voter_key"],
                condition=Q(superseded_at__isnull=True),
                name="ballot_one_counted_per_voter",
            ),
        ]
        indexes = [
            # the live tally: one aggregate over the counted ballots of a vote, index only
            models.Index(
                fields=["vote", "choice", "area_cents"],
                condition=Q(superseded_at__isnull=True),
                name="ballot_counted_choice_area",
            ),
        ]


class ProposalCategory(models.TextChoices):
    WIRES = "wires", _("电线")
    CABLES = "cables", _("线缆")
    WATER_PIPES = "water_pipes", _("水管")
    ELEVATORS = "elevators", _("电梯")
    GAS_LINES = "gas_lines", _("燃气管道")
    CONVENTION = "convention", _("居民公约")
    OTHER = "other", _("其他")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("已提议")
    DISCUSSING = "discussing", _("联席商议中")
    REVIEWING = "reviewing", _("党组织审议中")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("审议通过，待决议")
    VOTING = "voting", _("业主表决中")
    RESOLVED = "resolved", _("已决议")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Proposal(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="proposals")
    area_path = models.CharField(max_length=96, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    category = models.CharField(_("类别"), max_length=16, choices=ProposalCategory.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    is_major = models.BooleanField(_("重大事项（公示）"), default=False)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    support_count = models.PositiveIntegerField(_("附议人数"), default=0)
    resolution = models.TextField(_("决议"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["area_path", "status"], name="proposal_path_status")]

    def __str__(self) -> str:
        return self.title


class ProposalSupport(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="support_once_per_user"),
        ]


class CostBasis(models.TextChoices):
    AREA = "area", _("按专有面积")
    WEIGHTS = "weights", _("按约定权重")
    FLOOR = "floor", _("按楼层系数×面积")


class CostSharePlan(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="cost_share_plans")
    area_path = models.CharField(max_length=96, db_index=True)
    title = models.CharField(_("名称"), max_length=200)
    total_fen = models.BigIntegerField(_("总费用（分）"))
    basis = models.CharField(_("分摊方式"), max_length=8, choices=CostBasis.choices)
    vote = models.ForeignKey(
        Vote, null=True, blank=True, on_delete=models.SET_NULL, related_name="cost_share_plans"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("费用分摊方案")
        verbose_name_plural = _("费用分摊方案")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class CostShareLine(models.Model):
    plan = models.ForeignKey(CostSharePlan, on_delete=models.CASCADE, related_name="lines")
    unit = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(max_length=200)
    weight = models.DecimalField(max_digits=20, decimal_places=6)
    fen = models.BigIntegerField()

    class Meta:
        ordering = ["unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit"], name="costshare_unique_unit"),
        ]


class JointMeeting(models.Model):
    """The monthly joint meeting (联席会议), by default on the last Friday of the month."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="joint_meetings")
    area_path = models.CharField(max_length=96, db_index=True)
    held_on = models.DateField(_("会议日期"))
    agenda = models.TextField(_("议程"), blank=True, default="")
    attendees = models.ManyToManyField(
        "org.Organisation", blank=True, related_name="+", verbose_name=_("参会单位")
    )
    minutes = models.TextField(_("会议纪要"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("联席会议")
        verbose_name_plural = _("联席会议")
        ordering = ["-held_on", "-id"]


class TaskKind(models.TextChoices):
    PROBLEM = "problem", _("会议交办问题")
    LED_PROJECT = "led_project", _("书记领办")
    CHALLENGE = "challenge", _("揭榜领题")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待办理")
    IN_PROGRESS = "in_progress", _("办理中")
    DONE = "done", _("已办结")
    CLOSED = "closed", _("已销号")


class Task(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="deliberation_tasks")
    area_path = models.CharField(max_length=96)
    meeting = models.ForeignKey(
        JointMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=TaskKind.choices)
    title = models.CharField(_("事项"), max_length=200)
    owner_org = models.ForeignKey(
        "org.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位")
    )
    due_on = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    progress_note = models.TextField(_("最新进展"), blank=True, default="")
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["area_path", "status", "due_on"], name="task_path_due")]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class ConventionStatus(models.TextChoices):
    DRAFTING = "drafting", _("起草中")
    VOTING = "voting", _("表决中")
    ADOPTED = "adopted", _("已通过")


class Convention(models.Model):
    """The compound convention (居民公约): versions, comments, adopted by an owners' vote."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="conventions")
    area_path = models.CharField(max_length=96, db_index=True)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ConventionStatus.choices,
        default=ConventionStatus.DRAFTING,
    )
    vote = models.ForeignKey(
        Vote, null=True, blank=True, on_delete=models.SET_NULL, related_name="conventions"
    )
    voted_version = models.ForeignKey(
        "ConventionVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopted_version = models.ForeignKey(
        "ConventionVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("居民公约")
        verbose_name_plural = _("居民公约")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ConventionVersion(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(_("正文"))
    note = models.CharField(_("修改说明"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="convention_version_no"),
        ]
