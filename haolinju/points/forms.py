"""Forms of the points management pages: stations, goods and earning rules.

Choices come from the views (scoped selectors); validation messages are Chinese and name the
field; the services validate again and their field errors land on the same fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

NUMBER_MESSAGES = {
    "required": _("请填写此项"),
    "invalid": _("请填写整数"),
    "min_value": _("不能小于 %(limit_value)s"),
    "max_value": _("不能大于 %(limit_value)s"),
}


def _int(label, *, low, high, required=True, initial=None, help_text=""):
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        required=required,
        initial=initial,
        help_text=help_text,
        error_messages=NUMBER_MESSAGES,
    )


class StationForm(forms.Form):
    compound = forms.TypedChoiceField(
        label=_("所在小区"), coerce=int, error_messages={"required": _("请选择小区")}
    )
    name = forms.CharField(
        label=_("工作站名称"), max_length=120, error_messages={"required": _("请填写工作站名称")}
    )

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].choices = [(c.pk, c.name) for c in compounds]
        self.fields["compound"].error_messages["invalid_choice"] = _("请选择您管辖范围内的小区")


class StationRenameForm(forms.Form):
    name = forms.CharField(
        label=_("工作站名称"), max_length=120, error_messages={"required": _("请填写工作站名称")}
    )


class ItemForm(forms.Form):
    name = forms.CharField(
        label=_("物品名称"), max_length=100, error_messages={"required": _("请填写物品名称")}
    )
    unit = forms.CharField(label=_("单位"), max_length=16, initial="件", required=False)
    price = _int(_("所需积分"), low=1, high=100_000)
    stock = _int(_("首批入库数量"), low=0, high=100_000, initial=0)
    donor = forms.TypedChoiceField(
        label=_("捐赠单位"), coerce=int, required=False, empty_value=None
    )
    monthly_limit = _int(
        _("每人每月限兑（0 为不限）"), low=0, high=10_000, initial=0, required=False
    )
    active = forms.BooleanField(label=_("上架"), required=False, initial=True)

    def __init__(self, *args, donors, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].choices = [("", _("（无）"))] + [(d.pk, d.name) for d in donors]
        self.fields["donor"].error_messages["invalid_choice"] = _("请选择列出的共建单位")
        if editing:
            del self.fields["stock"]  # stock changes only through the stock ledger
        else:
            del self.fields["active"]


class RuleForm(forms.Form):
    effective_from = forms.DateField(
        label=_("生效日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写生效日期"), "invalid": _("日期格式应为 2026-01-01")},
    )
    points_per_hour = _int(_("每服务小时积分"), low=0, high=100)
    hours_cap_per_activity = _int(_("每次活动计分时长上限（小时）"), low=0, high=24)
    points_per_good_rating = _int(_("每单好评积分"), low=0, high=100)
    good_rating_min = _int(_("好评最低星级"), low=1, high=5)
    base_score = _int(_("年度基础分"), low=0, high=1000)
    award_threshold = _int(_("需双人审批的奖励分阈值"), low=0, high=10_000)
    item_points = forms.CharField(
        label=_("活动项目积分（每行“项目代码=积分”）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deductions = forms.CharField(
        label=_("扣分项（每行“代码=扣分”）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


def points_lines(mapping: dict) -> str:
    """``{"code": 3}`` as the form's lines ``code=3``."""
    return "\n".join(f"{k}={v}" for k, v in sorted((mapping or {}).items()))
