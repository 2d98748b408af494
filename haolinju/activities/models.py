"""Activities and volunteer service (loop 3): the versioned activity library, activities, the
needs board, sign-ups with a waitlist, check-ins, service records, certificates, feed tokens.

Service time is stored in whole minutes and reported to 0.1 h, never rounded up (``hours.py``).
Confirmed service records are never edited: a correction is a new record whose
``delta_minutes`` is the difference, so totals are one ``SUM`` over confirmed records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from haolinju.org.models import Area, Organisation
from haolinju.people.models import Person


class ActivityCategory(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(_("类别"), max_length=64)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("活动类别")
        verbose_name_plural = _("活动类别")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class ActivityItem(models.Model):
    """One entry of the library; what it says lives in its versions (an edit adds one)."""

    category = models.ForeignKey(ActivityCategory, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(max_length=48, unique=True)
    sort = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("启用"), default=True)
    current = models.ForeignKey(
        "ActivityItemVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("活动项目")
        verbose_name_plural = _("活动项目")
        ordering = ["category__sort", "sort", "code"]

    def __str__(self) -> str:
        return self.current.name if self.current_id else self.code


class ActivityItemVersion(models.Model):
    """An immutable version of a library item: activities point at the version they used."""

    item = models.ForeignKey(ActivityItem, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    name = models.CharField(_("项目名称"), max_length=64)
    description = models.CharField(_("说明"), max_length=300, blank=True, default="")
    default_minutes = models.PositiveIntegerField(_("默认时长（分钟）"))
    skills = models.JSONField(_("所需技能"), default=list, blank=True)
    points_rule = models.CharField(_("积分规则"), max_length=200)
    points_code = models.CharField(_("积分规则代码"), max_length=48)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("活动项目版本")
        verbose_name_plural = _("活动项目版本")
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="item_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    ONGOING = "ongoing", _("进行中")
    FINISHED = "finished", _("已结束")
    ARCHIVED = "archived", _("已归档")
    CANCELLED = "cancelled", _("已取消")


class ActivityScope(models.TextChoices):
    COMPOUND = "compound", _("小区")
    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")


class Activity(models.Model):
    item_version = models.ForeignKey(
        ActivityItemVersion, on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(_("活动名称"), max_length=100)
    description = models.TextField(_("活动内容"), blank=True, default="")
    scope = models.CharField(_("范围"), max_length=16, choices=ActivityScope.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="activities")
    area_path = models.CharField(max_length=96)
    place = models.CharField(_("地点"), max_length=120)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    geofence_m = models.PositiveIntegerField(_("签到范围（米）"), null=True, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    places = models.PositiveIntegerField(_("名额"))
    skills = models.JSONField(_("所需技能"), default=list, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organised_activities"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    signup_opens_at = models.DateTimeField(_("报名开始"), null=True, blank=True)
    signup_closes_at = models.DateTimeField(_("报名截止"), null=True, blank=True)
    cancel_cutoff_minutes = models.PositiveIntegerField(_("取消截止（开始前分钟）"), default=120)
    early_minutes = models.PositiveIntegerField(_("提前签到（分钟）"), default=30)
    walk_ins = models.BooleanField(_("允许现场报名"), default=False)
    is_duty = models.BooleanField(_("在职党员报到任务"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True, default="")
    confirmed_count = models.PositiveIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-starts_at", "id"]
        indexes = [
            models.Index(fields=["area_path", "starts_at"], name="activity_path_start"),
            models.Index(fields=["status", "starts_at"], name="activity_status_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="act_ends"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scheduled_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已报名")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_SIGNUP = (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)


class Signup(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="signups")
    area_path = models.CharField(max_length=96)
    status = models.CharField(max_length=16, choices=SignupStatus.choices)
    # Arrival order: the waitlist is promoted in this order.
    seq = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancel = models.BooleanField(_("逾期取消"), default=False)
    walk_in = models.BooleanField(_("现场报名"), default=False)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["activity", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="signup_one_active",
            ),
            models.UniqueConstraint(fields=["activity", "seq"], name="signup_seq_unique"),
        ]
        indexes = [
            models.Index(fields=["person", "status"], name="signup_person_status"),
            # the waitlist position: a range count on (activity, status, seq)
            models.Index(fields=["activity", "status", "seq"], name="signup_waitlist"),
        ]


class CheckinMethod(models.TextChoices):
    VENUE_CODE = "venue_code", _("扫活动码")
    PERSONAL_CODE = "personal_code", _("扫个人码")
    MANUAL = "manual", _("组织者录入")


class RecordStatus(models.TextChoices):
    OPEN = "open", _("已签到")
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("未通过")


class ServiceRecord(models.Model):
    """One person's attendance at one activity (志愿服务记录), or a correction of one.

    Open and pending records may change; a confirmed one never does. A correction is a new,
    confirmed record with ``corrects`` set, the reason, and ``delta_minutes`` = new − old.
    """

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="records")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="service_records")
    area_path = models.CharField(max_length=96)
    category_code = models.CharField(max_length=32)
    item_code = models.CharField(max_length=48)
    service_date = models.DateField()
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=16, choices=CheckinMethod.choices)
    status = models.CharField(max_length=16, choices=RecordStatus.choices)
    review_reason = models.CharField(max_length=200, blank=True, default="")
    actual_minutes = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(_("服务时长（分钟）"), default=0)
    delta_minutes = models.IntegerField(default=0)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    correction_reason = models.CharField(_("更正原因"), max_length=200, blank=True, default="")
    evaluation = models.CharField(_("服务评价"), max_length=100, blank=True, default="")
    last_token_at = models.BigIntegerField(default=0)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-service_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(corrects__isnull=True),
                name="record_one_per_activity",
            )
        ]
        indexes = [
            models.Index(fields=["person", "status", "service_date"], name="record_person"),
            models.Index(fields=["person", "-service_date", "-id"], name="record_person_date"),
            models.Index(fields=["area_path", "service_date"], name="record_path_date"),
        ]


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已更正")
    REJECTED = "rejected", _("已驳回")


class CorrectionRequest(models.Model):
    record = models.ForeignKey(ServiceRecord, on_delete=models.PROTECT, related_name="requests")
    area_path = models.CharField(max_length=96)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_minutes = models.PositiveIntegerField(_("申请时长（分钟）"))
    reason = models.CharField(_("理由"), max_length=200)
    status = models.CharField(
        max_length=16, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN
    )
    answer = models.CharField(_("答复"), max_length=200, blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("更正申请")
        verbose_name_plural = _("更正申请")


class Certificate(models.Model):
    """志愿服务证明: the fields of RULES.md §3, frozen when issued."""

    number = models.CharField(_("证明编号"), max_length=32, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="certificates")
    area_path = models.CharField(max_length=96)
    volunteer_name = models.CharField(max_length=64)
    id_type = models.CharField(max_length=32)
    id_number_masked = models.CharField(max_length=18)
    volunteer_number = models.CharField(max_length=32, blank=True, default="")
    minutes = models.PositiveIntegerField()
    content = models.TextField()
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    issuer_name = models.CharField(max_length=120)
    issuer_in_charge = models.CharField(max_length=64)
    handling_officer = models.CharField(max_length=64)
    issuer_contact = models.CharField(max_length=64)
    issued_on = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("志愿服务证明")
        verbose_name_plural = _("志愿服务证明")


class FeedToken(models.Model):
    """An unguessable, revocable calendar feed: only the token's SHA-256 is stored."""

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, area__isnull=True)
                | Q(person__isnull=True, area__isnull=False),
                name="feed_person_xor_area",
            )
        ]


class NeedKind(models.TextChoices):
    WISH = "wish", _("微心愿")
    DUTY = "duty", _("报到任务")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待认领")
    CLAIMED = "claimed", _("已认领")
    DONE = "done", _("已完成")
    WITHDRAWN = "withdrawn", _("已撤回")


class Need(models.Model):
    """The needs board: a compound's 微心愿 and 报到 tasks, claimed by members or partner units."""

    kind = models.CharField(_("类型"), max_length=8, choices=NeedKind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="needs")
    area_path = models.CharField(max_length=96, db_index=True)
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("内容"), blank=True, default="")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    claimed_by_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="claimed_needs"
    )
    claimed_by_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="claimed_needs"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求")
        ordering = ["-created_at"]
