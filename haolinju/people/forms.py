"""Forms of the people pages: directory filters and the reason for unmasking personal data."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from haolinju.core.scope import jurisdiction_of
from haolinju.org.models import Area
from haolinju.org.selectors import area_roots, areas_within

from .models import Ledger, PersonalDataField

AREA_CHOICE_DEPTH = 2  # the filter offers each people-scope root and two levels below it
MAX_AREA_CHOICES = 300


def area_choices(*, actor, selected: Area | None = None) -> list[tuple[str, str]]:
    """Areas whose people the actor reads, indented by level; ``selected`` (already authorised)
    is kept even when it sits deeper than the offered levels."""
    scope = jurisdiction_of(actor)
    if scope.is_superuser:
        roots = area_roots(actor=actor)
    else:
        roots = list(Area.objects.filter(path__in=scope.people_paths).order_by("path"))
    choices: list[tuple[str, str]] = []
    for root in roots:
        below = areas_within(root).filter(depth__lte=root.depth + AREA_CHOICE_DEPTH)
        for area in below.order_by("path")[: MAX_AREA_CHOICES - len(choices)]:
            indent = "\u3000" * (area.depth - root.depth)
            choices.append((str(area.pk), f"{indent}{area.name}"))
    if selected is not None and str(selected.pk) not in {value for value, _label in choices}:
        choices.append((str(selected.pk), selected.name))
    return choices


class PeopleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("姓名，或完整手机号 / 身份证号"),
                "autocomplete": "off",
                "enterkeyhint": "search",
                "data-live-search": "",
            }
        ),
    )
    area = forms.ChoiceField(label=_("区域"), required=False)
    ledger = forms.ChoiceField(
        label=_("党员台账"), required=False, choices=[("", _("全部人员")), *Ledger.choices]
    )

    def __init__(self, data, *, actor, selected_area: Area | None = None):
        super().__init__(data)
        self.fields["area"].choices = [
            ("", _("全部区域")),
            *area_choices(actor=actor, selected=selected_area),
        ]


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=PersonalDataField.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("查看理由"),
        max_length=200,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("例如：核实低保申请人身份"), "maxlength": 200}
        ),
        error_messages={"required": _("请说明查看理由（至少4个字）")},
    )
