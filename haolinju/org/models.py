"""The area tree (province → … → district → street → community → compound → building →
entrance → unit) and the organisations attached to it.

One table holds every level so that scope, browsing and counting work the same everywhere.
``path`` is the materialised path (see ``core.scope``): a subtree is one range scan.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县级市")
    STREET = "street", _("街道/镇")
    COMMUNITY = "community", _("社区")
    COMPOUND = "compound", _("小区/网格")
    BUILDING = "building", _("楼栋")
    ENTRANCE = "entrance", _("单元")
    UNIT = "unit", _("户")


# Which kind may sit directly under which: the tree's shape, checked in one place.
CHILD_KINDS: dict[str, tuple[str, ...]] = {
    AreaKind.PROVINCE: (AreaKind.CITY, AreaKind.DISTRICT),
    AreaKind.CITY: (AreaKind.DISTRICT,),
    AreaKind.DISTRICT: (AreaKind.STREET,),
    AreaKind.STREET: (AreaKind.COMMUNITY,),
    AreaKind.COMMUNITY: (AreaKind.COMPOUND,),
    AreaKind.COMPOUND: (AreaKind.BUILDING,),
    AreaKind.BUILDING: (AreaKind.ENTRANCE, AreaKind.UNIT),
    AreaKind.ENTRANCE: (AreaKind.UNIT,),
    AreaKind.UNIT: (),
}
ROOT_KINDS = (AreaKind.PROVINCE, AreaKind.CITY, AreaKind.DISTRICT)


class CompoundKind(models.TextChoices):
    COMPOUND = "compound", _("小区")
    GRID = "grid", _("网格")
    CLUSTER = "cluster", _("片区")


class CompoundClass(models.TextChoices):
    STANDARD = "standard", _("达标型")
    DEMONSTRATION = "demonstration", _("示范型")
    BOUTIQUE = "boutique", _("精品型")


class AreaBasis(models.TextChoices):
    """Which measurement the unit's exclusive area comes from (RULES.md §1)."""

    REGISTERED = "registered", _("登记面积")
    SURVEYED = "surveyed", _("测绘面积")
    CONTRACT = "contract", _("合同面积")


class Area(models.Model):
    kind = models.CharField(_("层级"), max_length=16, choices=AreaKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=96, unique=True)
    depth = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("区划代码"), max_length=12, blank=True, default="")
    # compound only
    compound_kind = models.CharField(
        _("小区类型"), max_length=16, choices=CompoundKind.choices, blank=True, default=""
    )
    compound_class = models.CharField(
        _("小区类别"), max_length=16, choices=CompoundClass.choices, blank=True, default=""
    )
    # unit only
    exclusive_area = models.DecimalField(
        _("专有面积（㎡）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    area_basis = models.CharField(
        _("面积依据"), max_length=16, choices=AreaBasis.choices, blank=True, default=""
    )
    floor = models.SmallIntegerField(_("楼层"), null=True, blank=True)
    developer_held = models.BooleanField(_("开发商未售"), default=False)
    # 产权证号 (title certificate number): personal data, kept like ID numbers (decision 0004):
    # Fernet token plus a masked copy for display; never shown in clear.
    deed_number_enc = models.TextField(blank=True, default="")
    deed_number_masked = models.CharField(_("产权证号"), max_length=40, blank=True, default="")
    retired_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    sort_key = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_in_parent"),
        ]
        indexes = [
            # per-kind subtree counts and lists; covers compounds by class without table reads
            models.Index(fields=["kind", "path", "compound_class"], name="area_kind_path_class"),
            # the same for the dashboards' counts, which leave retired areas out (retired_at,
            # always NULL here, is listed so that SQLite reads the counts from the index alone)
            models.Index(
                fields=["kind", "path", "compound_class", "retired_at"],
                name="area_live_kind_path_class",
                condition=models.Q(retired_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrgKind(models.TextChoices):
    BRANCH = "branch", _("小区综合党支部")
    BUILDING_GROUP = "building_group", _("楼栋党小组")
    CENTRAL_HOUSEHOLD = "central_household", _("党员中心户")
    OWNERS_COMMITTEE = "owners_committee", _("业主委员会")
    SELF_GOVERNANCE_COMMITTEE = "self_governance_committee", _("自治委员会")
    PROPERTY_COMPANY = "property_company", _("物业服务企业")
    MEDIATION_GROUP = "mediation_group", _("矛盾调处小组")
    VOLUNTEER_TEAM = "volunteer_team", _("志愿服务队")
    PARTNER_UNIT = "partner_unit", _("共建单位")
    DEPARTMENT = "department", _("职能部门")
    STATION = "station", _("好邻居工作站")
    COMMUNITY_COMMITTEE = "community_committee", _("社区大党委")
    STREET_COMMITTEE = "street_committee", _("街道大工委")


# The area level each kind of organisation is attached to.
ORG_AREA_KINDS: dict[str, tuple[str, ...]] = {
    OrgKind.BRANCH: (AreaKind.COMPOUND,),
    OrgKind.BUILDING_GROUP: (AreaKind.BUILDING,),
    OrgKind.CENTRAL_HOUSEHOLD: (AreaKind.BUILDING, AreaKind.ENTRANCE, AreaKind.UNIT),
    OrgKind.OWNERS_COMMITTEE: (AreaKind.COMPOUND,),
    OrgKind.SELF_GOVERNANCE_COMMITTEE: (AreaKind.COMPOUND,),
    OrgKind.PROPERTY_COMPANY: (AreaKind.DISTRICT, AreaKind.STREET, AreaKind.CITY),
    OrgKind.MEDIATION_GROUP: (AreaKind.COMPOUND,),
    OrgKind.VOLUNTEER_TEAM: (AreaKind.COMPOUND, AreaKind.COMMUNITY, AreaKind.STREET),
    OrgKind.PARTNER_UNIT: (AreaKind.DISTRICT, AreaKind.CITY),
    OrgKind.DEPARTMENT: (AreaKind.DISTRICT, AreaKind.CITY, AreaKind.STREET),
    OrgKind.STATION: (AreaKind.COMPOUND,),
    OrgKind.COMMUNITY_COMMITTEE: (AreaKind.COMMUNITY,),
    OrgKind.STREET_COMMITTEE: (AreaKind.STREET,),
}


class PropertyManagement(models.TextChoices):
    MARKET = "market", _("市场化物业")
    UNIT_MANAGED = "unit_managed", _("单位自管")
    COMMUNITY_MANAGED = "community_managed", _("社区托管")


class StationFunction(models.TextChoices):
    PARTY_ACTIVITIES = "party_activities", _("党建活动")
    DELIBERATION = "deliberation", _("议事协商")
    MEDIATION = "mediation", _("矛盾调处")
    VOLUNTEER_SERVICE = "volunteer_service", _("志愿服务")
    ELDERLY_CARE = "elderly_care", _("养老服务")
    CHILD_CARE = "child_care", _("托幼服务")
    PROXY_ERRANDS = "proxy_errands", _("帮办代办")
    REWARDS_SHOP = "rewards_shop", _("爱心超市")


class Organisation(models.Model):
    kind = models.CharField(_("类型"), max_length=32, choices=OrgKind.choices)
    name = models.CharField(_("名称"), max_length=120)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="organisations")
    area_path = models.CharField(max_length=96, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, default="")
    management = models.CharField(
        _("物业管理方式"), max_length=20, choices=PropertyManagement.choices, blank=True, default=""
    )
    # Compounds a property company serves, communities a partner unit is paired with,
    # households a central household links (~10).
    served_areas = models.ManyToManyField(Area, blank=True, related_name="serving_organisations")
    functions = models.JSONField(_("功能"), default=list, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["area_path", "kind", "name"]
        indexes = [models.Index(fields=["area_path", "kind"], name="org_path_kind")]

    def __str__(self) -> str:
        return self.name
