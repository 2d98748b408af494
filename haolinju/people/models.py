"""Persons and their roles: occupancy of units, party membership (four derived ledgers),
volunteering, positions, the candidate-secretary pool, and the log of personal-data reads.

ID numbers and phones are stored only encrypted (``*_enc``), with a keyed blind index
(``*_index``) for exact lookup and the masked form (``*_masked``) for display.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from haolinju.org.models import Area, AreaKind, Organisation


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Person(models.Model):
    name = models.CharField(_("姓名"), max_length=64)
    id_number_enc = models.TextField(blank=True, default="")
    id_number_index = models.CharField(max_length=64, blank=True, default="")
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, default="")
    phone_enc = models.TextField(blank=True, default="")
    phone_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    phone_masked = models.CharField(_("手机号"), max_length=11, blank=True, default="")
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True, default="")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="people")
    area_path = models.CharField(max_length=96)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["area_path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~Q(id_number_index=""),
                name="person_unique_id_number",
            )
        ]
        indexes = [
            models.Index(fields=["area_path", "id"], name="person_path_id"),
            models.Index(fields=["name"], name="person_name"),
        ]

    def __str__(self) -> str:
        return self.name


class OccupancyRole(models.TextChoices):
    OWNER = "owner", _("业主")
    CO_OWNER = "co_owner", _("共有人")
    TENANT = "tenant", _("租户")
    RESIDENT = "resident", _("居住人")


OWNER_ROLES = (OccupancyRole.OWNER, OccupancyRole.CO_OWNER)


class Occupancy(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="occupancies")
    unit = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="occupancies",
        limit_choices_to={"kind": AreaKind.UNIT},
    )
    area_path = models.CharField(max_length=96)
    role = models.CharField(_("关系"), max_length=16, choices=OccupancyRole.choices)
    since = models.DateField(_("起始日期"), null=True, blank=True)
    until = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("住户关系")
        verbose_name_plural = _("住户关系")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit", "role"], name="occupancy_unique_person_unit_role"
            )
        ]
        indexes = [models.Index(fields=["area_path", "role"], name="occupancy_path_role")]


class HeldAt(models.TextChoices):
    """Where the member's organisational relationship is held."""

    COMMUNITY = "community", _("社区（小区）党组织")
    EMPLOYER = "employer", _("工作单位党组织")
    ELSEWHERE = "elsewhere", _("外地党组织")


class Employment(models.TextChoices):
    WORKING = "working", _("在职")
    RETIRED = "retired", _("离退休")
    NOT_EMPLOYED = "not_employed", _("无固定职业")


class Mobility(models.TextChoices):
    SETTLED = "settled", _("不流动")
    FLOATING_IN = "floating_in", _("流入")
    FLOATING_OUT = "floating_out", _("流出")


class Ledger(models.TextChoices):
    SELF_MANAGED = "self_managed", _("自管党员")
    IN_SERVICE = "in_service", _("在职党员")
    RETIRED = "retired", _("离退休党员")
    FLOATING = "floating", _("流动党员")


# The four ledgers are views over three attributes, not stored flags (RULES.md §4). A member
# may sit in several (a retired member held by the community is self-managed and retired).
LEDGER_CONDITIONS: dict[str, dict] = {
    Ledger.SELF_MANAGED: {"held_at": HeldAt.COMMUNITY},
    Ledger.IN_SERVICE: {"held_at": HeldAt.EMPLOYER, "employment": Employment.WORKING},
    Ledger.RETIRED: {"employment": Employment.RETIRED},
    Ledger.FLOATING: {"mobility__in": [Mobility.FLOATING_IN, Mobility.FLOATING_OUT]},
}


def ledger_q(ledger: str, prefix: str = "") -> Q:
    """Filter for one ledger; ``prefix`` reaches the member from another model (``member__``)."""
    return Q(**{prefix + k: v for k, v in LEDGER_CONDITIONS[Ledger(ledger)].items()})


class Member(models.Model):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="member")
    area_path = models.CharField(max_length=96)
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    held_at = models.CharField(_("组织关系所在"), max_length=16, choices=HeldAt.choices)
    holding_org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="held_members",
        verbose_name=_("所在党组织"),
    )
    employer = models.CharField(_("工作单位"), max_length=120, blank=True, default="")
    employment = models.CharField(_("就业状态"), max_length=16, choices=Employment.choices)
    mobility = models.CharField(
        _("流动情况"), max_length=16, choices=Mobility.choices, default=Mobility.SETTLED
    )
    reported_on = models.DateField(_("到居住地社区报到日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        indexes = [
            models.Index(
                fields=["area_path", "held_at", "employment", "mobility"], name="member_ledgers"
            )
        ]

    def ledgers(self) -> list[str]:
        return [
            ledger
            for ledger, ok in (
                (Ledger.SELF_MANAGED, self.held_at == HeldAt.COMMUNITY),
                (
                    Ledger.IN_SERVICE,
                    self.held_at == HeldAt.EMPLOYER and self.employment == Employment.WORKING,
                ),
                (Ledger.RETIRED, self.employment == Employment.RETIRED),
                (Ledger.FLOATING, self.mobility != Mobility.SETTLED),
            )
            if ok
        ]


class Volunteer(models.Model):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="volunteer")
    area_path = models.CharField(max_length=96, db_index=True)
    volunteer_number = models.CharField(_("志愿者编号"), max_length=32, blank=True, default="")
    skills = models.JSONField(_("技能"), default=list, blank=True)
    availability = models.JSONField(_("可服务时间"), default=list, blank=True)
    team = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteers",
        verbose_name=_("志愿服务队"),
    )
    registered_on = models.DateField(_("注册日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")


class Title(models.TextChoices):
    DISTRICT_STAFF = "district_staff", _("区级工作人员")
    STREET_STAFF = "street_staff", _("街道工作人员")
    COMMUNITY_SECRETARY = "community_secretary", _("社区党委书记")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    FIRST_SECRETARY = "first_secretary", _("第一书记")
    BRANCH_SECRETARY = "branch_secretary", _("小区党支部书记")
    GROUP_LEADER = "group_leader", _("楼栋党小组长")
    BUILDING_HEAD = "building_head", _("楼栋长")
    CENTRAL_HOUSEHOLD = "central_household", _("党员中心户")
    HYGIENE_OFFICER = "hygiene_officer", _("卫生监督员")
    PUBLICITY_OFFICER = "publicity_officer", _("宣传员")
    CULTURE_SPORTS_OFFICER = "culture_sports_officer", _("文体委员")
    MEDIATION_OFFICER = "mediation_officer", _("调解员")
    OTHER_POST = "other_post", _("其他岗位")
    GRID_WORKER = "grid_worker", _("网格社区工作者")
    SUNK_MEMBER = "sunk_member", _("下沉党员")
    OWNERS_COMMITTEE_CHAIR = "owners_committee_chair", _("业委会主任")
    CITY_MANAGEMENT_OFFICER = "city_management_officer", _("城管队员")
    COMMUNITY_POLICE = "community_police", _("社区民警")
    VOLUNTEER_TEAM_LEADER = "volunteer_team_leader", _("志愿服务队队长")
    PROPERTY_MANAGER = "property_manager", _("物业项目经理")
    DEPARTMENT_STAFF = "department_staff", _("职能部门工作人员")


# "2+4+X" posts and the "1+N" grid team, for grouping in the UI.
POSTS_2_4_X = (
    Title.GROUP_LEADER,
    Title.BUILDING_HEAD,
    Title.HYGIENE_OFFICER,
    Title.PUBLICITY_OFFICER,
    Title.CULTURE_SPORTS_OFFICER,
    Title.MEDIATION_OFFICER,
    Title.OTHER_POST,
)
TEAM_1_N = (
    Title.GRID_WORKER,
    Title.SUNK_MEMBER,
    Title.OWNERS_COMMITTEE_CHAIR,
    Title.CITY_MANAGEMENT_OFFICER,
    Title.COMMUNITY_POLICE,
    Title.VOLUNTEER_TEAM_LEADER,
)


class Position(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(_("职务"), max_length=32, choices=Title.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="positions")
    area_path = models.CharField(max_length=96, db_index=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="positions"
    )
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("职务")
        verbose_name_plural = _("职务")
        ordering = ["area_path", "title"]


class CandidateStatus(models.TextChoices):
    POOLED = "pooled", _("储备中")
    APPOINTED = "appointed", _("已任用")
    WITHDRAWN = "withdrawn", _("已退出")


class CandidateSecretary(models.Model):
    """The pool of candidate branch secretaries (后备书记人才库)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="candidacies")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="candidates")
    area_path = models.CharField(max_length=96, db_index=True)
    added_on = models.DateField(_("入库日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.POOLED
    )
    note = models.CharField(_("备注"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("后备书记")
        verbose_name_plural = _("后备书记")


class PersonalDataField(models.TextChoices):
    ID_NUMBER = "id_number", _("身份证号")
    PHONE = "phone", _("手机号")


class PersonalDataRead(models.Model):
    """Every unmasked read of an ID number or phone by staff, with the stated reason."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="data_reads")
    field = models.CharField(max_length=16, choices=PersonalDataField.choices)
    reason = models.CharField(_("查看理由"), max_length=200)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")


from .models_imports import ColumnMapping, ImportBatch, ImportKind, ImportStatus  # noqa: E402, F401
