"""The activity library (5 categories × 39 items): staff read it; district staff revise an
item through a form (each save is a new version, audited; past activities keep theirs)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.scope import jurisdiction_of
from haolinju.core.web import application_errors

from .. import hours, selectors
from ..policies import may_edit_library
from ..services import library as library_services


class ItemForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("项目名称"), max_length=64)
    description = forms.CharField(
        label=gettext_lazy("说明"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    default_minutes = forms.IntegerField(
        label=gettext_lazy("默认时长（分钟）"), min_value=1, max_value=1440
    )
    skills = forms.CharField(
        label=gettext_lazy("所需技能（用顿号或逗号分隔）"), max_length=400, required=False
    )
    points_rule = forms.CharField(label=gettext_lazy("积分规则"), max_length=200)
    points_code = forms.CharField(label=gettext_lazy("积分规则代码"), max_length=48)

    def clean_skills(self) -> list[str]:
        text = self.cleaned_data["skills"]
        for sep in ("、", "，", ";", "；"):
            text = text.replace(sep, ",")
        skills = [s.strip() for s in text.split(",") if s.strip()]
        if len(skills) > 20:
            raise forms.ValidationError(_("技能最多20项"))
        if any(len(s) > 32 for s in skills):
            raise forms.ValidationError(_("每项技能不超过32字"))
        return skills

    @classmethod
    def for_version(cls, version, data=None):
        initial = {
            "name": version.name,
            "description": version.description,
            "default_minutes": version.default_minutes,
            "skills": "、".join(version.skills),
            "points_rule": version.points_rule,
            "points_code": version.points_code,
        }
        return cls(data, initial=initial)


def _staff_only(request) -> None:
    scope = jurisdiction_of(request.user)
    if not (scope.staff_paths or scope.is_superuser):
        raise NotPermitted(_("只有工作人员可以查看活动项目库"))


@login_required
@application_errors
def library(request):
    _staff_only(request)
    items = list(selectors.library(active_only=False))
    groups: dict = {}
    for item in items:
        groups.setdefault(item.category, []).append(
            (item, hours.hours(item.current.default_minutes))
        )
    return render(
        request,
        "activities/library.html",
        {"groups": list(groups.items()), "can_edit": may_edit_library(request.user)},
    )


@login_required
@application_errors
def library_edit(request, item_id: int):
    if not may_edit_library(request.user):
        raise NotPermitted(_("只有区级工作人员可以修改活动项目库"))
    item = selectors.library_item(item_id=item_id)
    form = ItemForm.for_version(item.current, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = library_services.item_revise(
                actor=request.user, item_id=item.pk, **form.cleaned_data
            )
        except InvalidInput as exc:
            for error in exc.errors:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("已保存为第 %(n)s 版；已发布的活动仍按原版本记录") % {"n": version.version},
            )
            return redirect("activities:library_edit", item.pk)
    context = {
        "item": item,
        "form": form,
        "versions": selectors.item_versions(item),
    }
    return render(request, "activities/library_edit.html", context)
