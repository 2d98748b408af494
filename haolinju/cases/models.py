"""The service loop: service orders, problem reports and mediation cases.

One ``Case`` row per request whatever its kind, so dispatch, deadlines, supervision and the three
rates work the same for all; what only one kind has lives in a detail model beside it
(``ServiceOrderDetail``, ``ProblemReportDetail``, ``MediationDetail``). Categories are data.

State types follow FixMyStreet: every status is *open*, *fixed* or *closed*, and a case closed
unfixed (duplicate, withdrawn, not responsible, unable) never counts as solved. ``state_type`` is
stored so that counts are one indexed scan.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from haolinju.org.models import Area, Organisation
from haolinju.people.models import Person


class CaseKind(models.TextChoices):
    SERVICE_ORDER = "service_order", _("服务订单")
    PROBLEM_REPORT = "problem_report", _("问题反映")
    MEDIATION = "mediation", _("矛盾调处")


class OrderType(models.TextChoices):
    HELP = "help", _("求助")
    MICRO_WISH = "micro_wish", _("微心愿")
    PROXY_ERRAND = "proxy_errand", _("帮代办")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("紧急")
    UTILITIES = "utilities", _("水电气暖")
    GENERAL = "general", _("一般")
    COMPLEX = "complex", _("复杂")


class Category(models.Model):
    """A kind of request, with its urgency and the deadline of each step.

    Deadlines are ``core.calendar.Duration`` strings: ``"2h"`` wall-clock hours, ``"7wd"``
    working days, ``"4wh"`` working hours, ``"30m"`` minutes.
    """

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=CaseKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices)
    dispatch_within = models.CharField(_("派单时限"), max_length=12, default="4wh")
    accept_within = models.CharField(_("接单时限"), max_length=12, default="4wh")
    resolve_within = models.CharField(_("办结时限"), max_length=12, default="7wd")
    report_in_within = models.CharField(_("报到时限"), max_length=12, default="24h")
    report_back_within = models.CharField(_("反馈时限"), max_length=12, default="7wd")
    skills = models.JSONField(_("所需技能"), default=list, blank=True)
    # What a fixed case of this category adds to the compound's "what we fixed" counts.
    fixed_metric = models.CharField(_("整改成果项"), max_length=40, blank=True, default="")
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["kind", "sort", "code"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待派单")
    DISPATCHED = "dispatched", _("已派单")
    DECLINED = "declined", _("已退回")
    ACCEPTED = "accepted", _("已接单")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结")
    RATED = "rated", _("已评价")
    CLOSED = "closed", _("已关闭")


class StateType(models.TextChoices):
    OPEN = "open", _("处理中")
    FIXED = "fixed", _("已解决")
    CLOSED = "closed", _("未解决关闭")


class CloseReason(models.TextChoices):
    FIXED = "fixed", _("已解决")
    DUPLICATE = "duplicate", _("重复")
    WITHDRAWN = "withdrawn", _("已撤回")
    NOT_RESPONSIBLE = "not_responsible", _("不属本级职责")
    UNABLE = "unable", _("无法解决")


OPEN_STATUSES = frozenset(
    {Status.SUBMITTED, Status.DISPATCHED, Status.DECLINED, Status.ACCEPTED, Status.IN_PROGRESS}
)
CLOSABLE = frozenset(OPEN_STATUSES)
ALL_STATUSES = frozenset(Status.values)


def state_type_of(status: str, close_reason: str = "") -> str:
    """open / fixed / closed: a case closed for any reason but ``fixed`` is *closed*."""
    if status in OPEN_STATUSES:
        return StateType.OPEN
    if status == Status.CLOSED and close_reason != CloseReason.FIXED:
        return StateType.CLOSED
    return StateType.FIXED


# action -> (sources, target). ``None`` as target keeps the status. core.transitions applies it;
# who may do what is in policies.py.
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "dispatch": (frozenset({Status.SUBMITTED, Status.DECLINED}), Status.DISPATCHED),
    "redispatch": (frozenset({Status.DISPATCHED}), Status.DISPATCHED),
    "decline": (frozenset({Status.DISPATCHED}), Status.DECLINED),
    "accept_timeout": (frozenset({Status.DISPATCHED}), Status.DECLINED),
    "accept": (frozenset({Status.DISPATCHED}), Status.ACCEPTED),
    "start": (frozenset({Status.ACCEPTED}), Status.IN_PROGRESS),
    "resolve": (frozenset({Status.ACCEPTED, Status.IN_PROGRESS}), Status.RESOLVED),
    "rate": (frozenset({Status.RESOLVED}), Status.RATED),
    "reopen": (frozenset({Status.RESOLVED, Status.RATED}), Status.IN_PROGRESS),
    # the residents' micro-review found the rectification wanting (problem reports)
    "review_reopen": (frozenset({Status.RESOLVED, Status.RATED}), Status.IN_PROGRESS),
    "finish": (frozenset({Status.RATED}), Status.CLOSED),
    "close": (CLOSABLE, Status.CLOSED),
    "escalate": (frozenset(OPEN_STATUSES), None),
    "whistle": (frozenset(OPEN_STATUSES), None),
    "comment": (ALL_STATUSES, None),
}


class Case(models.Model):
    """One request. It always has an owner: the area level (compound, then community, street
    after escalation) whose staff received it and answer for it until it is done
    (first-receiver responsibility, 首接负责制)."""

    kind = models.CharField(_("类别"), max_length=20, choices=CaseKind.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("描述"), max_length=4000)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="cases")
    area_path = models.CharField(max_length=96)
    requester = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="owned_cases")
    owner_area_path = models.CharField(max_length=96)
    assignee_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases"
    )
    assignee_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    state_type = models.CharField(max_length=8, choices=StateType.choices, default=StateType.OPEN)
    close_reason = models.CharField(
        _("关闭原因"), max_length=16, choices=CloseReason.choices, blank=True, default=""
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    locked = models.BooleanField(_("已锁定"), default=False)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    decline_count = models.PositiveSmallIntegerField(default=0)
    # The current step and its deadline; the supervision sweep reads ``next_check_at`` only.
    step = models.CharField(max_length=16, blank=True, default="")
    due_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    overdue_stage = models.PositiveSmallIntegerField(default=0)
    resolve_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["area_path", "created_at"], name="case_path_created"),
            models.Index(fields=["owner_area_path", "status"], name="case_owner_status"),
            models.Index(fields=["assignee_person", "status"], name="case_assignee_status"),
            models.Index(fields=["assignee_organisation", "status"], name="case_org_status"),
            models.Index(
                fields=["next_check_at"],
                name="case_next_check",
                condition=Q(next_check_at__isnull=False),
            ),
            # covers every column ``stats.figures`` reads: the rates are an index-only scan
            models.Index(
                fields=[
                    "area_path",
                    "created_at",
                    "resolve_due_at",
                    "closed_at",
                    "resolved_at",
                    "close_reason",
                    "decline_count",
                    "reopen_count",
                ],
                name="case_rates_cover",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ServiceOrderDetail(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="order")
    order_type = models.CharField(_("订单类型"), max_length=16, choices=OrderType.choices)
    preferred_time = models.CharField(_("期望时间"), max_length=60, blank=True, default="")


class ProblemReportDetail(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="report")
    public = models.BooleanField(_("小区内公开"), default=True)
    anonymous = models.BooleanField(_("对公众匿名"), default=False)
    supports = models.PositiveIntegerField(_("“我也遇到”人数"), default=0)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("地点"), max_length=200, blank=True, default="")
    rectification_plan = models.TextField(_("整改方案"), blank=True, default="")
    rectification_result = models.TextField(_("整改结果"), blank=True, default="")
    fixed_quantity = models.PositiveIntegerField(_("整改数量"), default=0)


class Support(models.Model):
    """One resident's "me too" on a problem report (once each)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="support_rows")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="support_once_per_person")
        ]


class MediationDetail(models.Model):
    """The parties of a mediation case; its sessions, agreements and follow-up visits are rows
    beside it (``MediationSession``, ``MediationAgreement``, ``FollowUpVisit``)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="mediation")
    parties = models.JSONField(_("当事人"), default=list, blank=True)


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    HELD = "held", _("已调解")
    CANCELLED = "cancelled", _("已取消")


SESSION_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "hold": (frozenset({SessionStatus.SCHEDULED}), SessionStatus.HELD),
    "cancel": (frozenset({SessionStatus.SCHEDULED}), SessionStatus.CANCELLED),
}


class MediationSession(models.Model):
    """One sitting of the mediator with the parties: scheduled, then held (who came, what was
    said) or cancelled."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    area_path = models.CharField(max_length=96)
    status = models.CharField(
        _("状态"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    scheduled_at = models.DateTimeField(_("调解时间"))
    place = models.CharField(_("地点"), max_length=100, blank=True, default="")
    mediator = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    parties_present = models.JSONField(_("到场当事人"), default=list, blank=True)
    held_at = models.DateTimeField(_("调解日期"), null=True, blank=True)
    summary = models.TextField(_("经过"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["scheduled_at", "id"]


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("待签署")
    SIGNED = "signed", _("已签署")
    VOID = "void", _("已作废")


AGREEMENT_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "sign": (frozenset({AgreementStatus.DRAFT}), None),
    "complete": (frozenset({AgreementStatus.DRAFT}), AgreementStatus.SIGNED),
    "void": (frozenset({AgreementStatus.DRAFT, AgreementStatus.SIGNED}), AgreementStatus.VOID),
}


class MediationAgreement(models.Model):
    """The agreement the parties reached (调解协议): drafted after a held session, signed by
    every party named on it (the mediator records each signature), or voided with a reason.
    At most one agreement per case is not void."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agreements")
    area_path = models.CharField(max_length=96)
    status = models.CharField(
        _("状态"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    text = models.TextField(_("协议内容"), max_length=8000)
    parties = models.JSONField(_("签署方"), default=list)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=~Q(status="void"), name="agreement_one_live_per_case"
            )
        ]


class AgreementSignature(models.Model):
    agreement = models.ForeignKey(
        MediationAgreement, on_delete=models.CASCADE, related_name="signatures"
    )
    party = models.CharField(_("当事人"), max_length=60)
    signed_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "party"], name="signature_once_per_party")
        ]


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("待回访")
    DONE = "done", _("已回访")
    CANCELLED = "cancelled", _("已取消")


class FollowUpOutcome(models.TextChoices):
    HOLDING = "holding", _("协议履行良好")
    PARTLY = "partly", _("部分履行")
    RELAPSED = "relapsed", _("矛盾反复")


FOLLOW_UP_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "visit": (frozenset({FollowUpStatus.SCHEDULED}), FollowUpStatus.DONE),
    "cancel": (frozenset({FollowUpStatus.SCHEDULED}), FollowUpStatus.CANCELLED),
}


class FollowUpVisit(models.Model):
    """A return visit after a signed agreement: is it being kept?"""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    area_path = models.CharField(max_length=96)
    status = models.CharField(
        _("状态"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED
    )
    due_on = models.DateField(_("回访日期"))
    visitor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visited_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        _("回访结果"), max_length=16, choices=FollowUpOutcome.choices, blank=True, default=""
    )
    note = models.TextField(_("回访情况"), blank=True, default="")

    class Meta:
        ordering = ["due_on", "id"]


class ReviewVerdict(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    PARTLY = "partly", _("基本满意")
    NOT = "not", _("不满意")


class MicroReview(models.Model):
    """红色微评议: one resident's verdict on a rectified problem report — any resident of the
    compound, not only the reporter (whose callback answers are the ``Rating``). One per person
    per round; enough "not satisfied" verdicts reopen the report (a new round)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="micro_reviews")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField(default=0)
    verdict = models.CharField(_("评议"), max_length=12, choices=ReviewVerdict.choices)
    comment = models.CharField(_("意见"), max_length=500, blank=True, default="")
    area_path = models.CharField(max_length=96)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person", "round"], name="micro_review_once_per_round"
            )
        ]


class SolvedAnswer(models.TextChoices):
    YES = "yes", _("已解决")
    PARTLY = "partly", _("部分解决")
    NO = "no", _("未解决")


class Rating(models.Model):
    """The requester's callback answers (the three rates): contacted? solved? satisfied?"""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings")
    # 0 for the first resolution, n after the n-th reopening: one rating per round.
    round = models.PositiveSmallIntegerField(default=0)
    rated_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    contacted = models.BooleanField(_("是否及时联系"))
    solved = models.CharField(_("是否解决"), max_length=8, choices=SolvedAnswer.choices)
    score = models.PositiveSmallIntegerField(_("满意度"))
    comment = models.CharField(_("评价"), max_length=500, blank=True, default="")
    # Copied from the case so the rates are scans over one table.
    area_path = models.CharField(max_length=96)
    assignee_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            # its prefix (area_path, created_at) serves the rankings too
            models.Index(
                fields=["area_path", "created_at", "contacted", "solved", "score"],
                name="rating_rates_cover",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            ),
            models.UniqueConstraint(fields=["case", "round"], name="rating_once_per_round"),
        ]


class SummonsStatus(models.TextChoices):
    WHISTLED = "whistled", _("已吹哨")
    REPORTED_IN = "reported_in", _("已报到")
    REPORTED_BACK = "reported_back", _("已反馈")


SUMMONS_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "report_in": (frozenset({SummonsStatus.WHISTLED}), SummonsStatus.REPORTED_IN),
    "report_back": (frozenset({SummonsStatus.REPORTED_IN}), SummonsStatus.REPORTED_BACK),
}


class Summons(models.Model):
    """One organisation whistled to a case (吹哨报到): it must report in, then report back,
    each within its own deadline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="summonses")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="summonses"
    )
    area_path = models.CharField(max_length=96)
    status = models.CharField(
        max_length=16, choices=SummonsStatus.choices, default=SummonsStatus.WHISTLED
    )
    whistled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, default="")
    result = models.TextField(_("反馈结果"), blank=True, default="")
    whistled_at = models.DateTimeField()
    report_in_due_at = models.DateTimeField()
    reported_in_at = models.DateTimeField(null=True, blank=True)
    report_back_due_at = models.DateTimeField(null=True, blank=True)
    reported_back_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    overdue_stage = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("吹哨报到")
        verbose_name_plural = _("吹哨报到")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"], name="summons_once_per_organisation"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="summons_next_check",
                condition=Q(next_check_at__isnull=False),
            ),
            models.Index(fields=["organisation", "status"], name="summons_org_status"),
        ]


class AttachmentRole(models.TextChoices):
    REPORT = "report", _("反映照片")
    DONE = "done", _("办结照片")
    RECTIFICATION = "rectification", _("整改照片")


class Attachment(models.Model):
    """An image re-encoded by Pillow (EXIF and GPS dropped), served only to who sees the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    role = models.CharField(max_length=16, choices=AttachmentRole.choices)
    content = models.BinaryField()
    content_type = models.CharField(max_length=32, default="image/jpeg")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)


class Open311Key(models.Model):
    """An ``api_key`` for Open311 POSTs, issued to one organisation; only its hash is kept."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="open311_keys"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked = models.BooleanField(default=False)
