"""Spreadsheet exports built only on the existing scoped selectors, so a download shows exactly
what the same actor sees on screen. Personal data leaves masked."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haolinju.core.errors import InvalidInput
from haolinju.core.scope import path_ids
from haolinju.core.xlsx import Sheet, write_table, write_xlsx
from haolinju.org.models import Area, AreaKind
from haolinju.org.selectors import area_children, area_get, organisation_list
from haolinju.people.models import (
    Employment,
    HeldAt,
    ImportKind,
    Ledger,
    Mobility,
    OccupancyRole,
    Sex,
)
from haolinju.people.selectors import minimum_necessary, person_list

CHUNK = 2000
ADDRESS_KINDS = (
    AreaKind.STREET,
    AreaKind.COMMUNITY,
    AreaKind.COMPOUND,
    AreaKind.BUILDING,
    AreaKind.ENTRANCE,
    AreaKind.UNIT,
)


def _stamp() -> str:
    return timezone.localdate().strftime("%Y%m%d")


def _yes(flag: bool) -> str:
    return _("是") if flag else _("否")


class AreaNames:
    """Names of the areas on many paths, fetched in chunks and cached."""

    def __init__(self):
        self._by_id: dict[int, tuple[str, str]] = {}

    def load(self, paths: list[str]) -> None:
        missing = {i for p in paths for i in path_ids(p)} - self._by_id.keys()
        ids = sorted(missing)
        for start in range(0, len(ids), 500):
            for pk, kind, name in Area.objects.filter(pk__in=ids[start : start + 500]).values_list(
                "id", "kind", "name"
            ):
                self._by_id[pk] = (kind, name)

    def by_kind(self, path: str) -> dict[str, str]:
        return dict(self._by_id[i] for i in path_ids(path) if i in self._by_id)


PEOPLE_HEADERS = (
    gettext_lazy("姓名"),
    gettext_lazy("性别"),
    gettext_lazy("身份证号"),
    gettext_lazy("手机号"),
    gettext_lazy("街道"),
    gettext_lazy("社区"),
    gettext_lazy("小区"),
    gettext_lazy("楼栋"),
    gettext_lazy("单元"),
    gettext_lazy("房号"),
    gettext_lazy("关系"),
    gettext_lazy("是否党员"),
    gettext_lazy("党员台账"),
    gettext_lazy("组织关系所在"),
    gettext_lazy("就业状态"),
    gettext_lazy("流动情况"),
    gettext_lazy("入党日期"),
    gettext_lazy("是否志愿者"),
    gettext_lazy("技能"),
)


def _labels(choices) -> dict[str, str]:
    """A choice field's labels in the active language, looked up once per export."""
    return {value: str(label) for value, label in choices.choices}


def _people_rows(qs, counter: list[int], actor) -> Iterator[list]:
    names = AreaNames()
    yes, no = _yes(True), _yes(False)
    sex, roles, ledgers = _labels(Sex), _labels(OccupancyRole), _labels(Ledger)
    held_at, employment, mobility = _labels(HeldAt), _labels(Employment), _labels(Mobility)
    iterator = qs.iterator(chunk_size=CHUNK)
    while True:
        chunk = [p for _i, p in zip(range(CHUNK), iterator, strict=False)]
        if not chunk:
            return
        names.load([p.area_path for p in chunk])
        for person in minimum_necessary(actor, chunk):
            counter[0] += 1
            address = names.by_kind(person.area_path)
            member = getattr(person, "member", None)
            volunteer = getattr(person, "volunteer", None)
            row = [
                person.name,
                sex.get(person.sex, ""),
                person.id_number_masked,
                person.phone_masked,
                *(address.get(kind, "") for kind in ADDRESS_KINDS),
                "、".join(dict.fromkeys(roles[o.role] for o in person.occupancies.all())),
            ]
            if member is None:
                row += [no, "", "", "", "", None]
            else:
                row += [
                    yes,
                    "、".join(ledgers[x] for x in member.ledgers()),
                    held_at.get(member.held_at, ""),
                    employment.get(member.employment, ""),
                    mobility.get(member.mobility, ""),
                    member.joined_on,
                ]
            row += [yes if volunteer else no, "、".join(volunteer.skills) if volunteer else ""]
            yield row


def people_xlsx(
    *, actor, area_id: int | None = None, q: str = "", ledger: str | None = None
) -> tuple[str, bytes, int]:
    """(filename, content, row count) of the people list the actor would see."""
    if ledger and ledger not in Ledger.values:
        allowed = "、".join(f"{k}（{Ledger(k).label}）" for k in Ledger.values)
        raise InvalidInput.on("ledger", _("取值应为：%(v)s") % {"v": allowed})
    qs = (
        person_list(actor=actor, area_id=area_id, q=q or "", ledger=ledger or None)
        .select_related("member", "volunteer")
        .prefetch_related("occupancies")
    )
    counter = [0]
    content = write_table(PEOPLE_HEADERS, _people_rows(qs, counter, actor), title=_("人员名单"))
    prefix = area_get(actor=actor, area_id=area_id).name + "_" if area_id is not None else ""
    return f"{prefix}{_('人员名单')}_{_stamp()}.xlsx", content, counter[0]


CHILDREN_HEADERS = (
    gettext_lazy("名称"),
    gettext_lazy("层级"),
    gettext_lazy("区划代码"),
    gettext_lazy("小区类型"),
    gettext_lazy("小区类别"),
    gettext_lazy("专有面积（㎡）"),
    gettext_lazy("面积依据"),
    gettext_lazy("楼层"),
    gettext_lazy("开发商未售"),
)


def children_xlsx(*, actor, area_id: int) -> tuple[str, bytes]:
    parent = area_get(actor=actor, area_id=area_id)
    rows = (
        [
            a.name,
            a.get_kind_display(),
            a.code,
            a.get_compound_kind_display() if a.compound_kind else "",
            a.get_compound_class_display() if a.compound_class else "",
            a.exclusive_area,
            a.get_area_basis_display() if a.area_basis else "",
            a.floor,
            _yes(a.developer_held) if a.kind == AreaKind.UNIT else "",
        ]
        for a in area_children(actor=actor, area_id=area_id).iterator(chunk_size=CHUNK)
    )
    content = write_table(CHILDREN_HEADERS, rows, title=_("下级区域"))
    return f"{parent.name}_{_('下级区域')}_{_stamp()}.xlsx", content


ORGANISATION_HEADERS = (
    gettext_lazy("名称"),
    gettext_lazy("类型"),
    gettext_lazy("所在区域"),
    gettext_lazy("统一社会信用代码"),
    gettext_lazy("物业管理方式"),
    gettext_lazy("成立日期"),
)


def organisations_xlsx(*, actor, area_id: int | None = None) -> tuple[str, bytes]:
    qs = organisation_list(actor=actor, area_id=area_id)
    rows = (
        [
            o.name,
            o.get_kind_display(),
            o.area.name,
            o.credit_code,
            o.get_management_display() if o.management else "",
            o.founded_on,
        ]
        for o in qs.iterator(chunk_size=CHUNK)
    )
    content = write_table(ORGANISATION_HEADERS, rows, title=_("组织"))
    prefix = area_get(actor=actor, area_id=area_id).name + "_" if area_id is not None else ""
    return f"{prefix}{_('组织名单')}_{_stamp()}.xlsx", content


TEXT_KEYS = {"id_number", "phone", "building", "entrance", "unit"}


def template_xlsx(kind: str, columns) -> tuple[str, bytes]:
    """A blank import template: the header row (``*`` marks required columns) and a sheet
    explaining each column. Identifier columns are formatted as text."""
    headers = [f"{c.label}*" if c.required else str(c.label) for c in columns]
    guide_rows = [[str(c.label), _yes(c.required), str(c.help), c.example] for c in columns]
    content = write_xlsx(
        [
            Sheet(
                title=_("数据"),
                headers=headers,
                rows=[],
                text_columns=[i for i, c in enumerate(columns) if c.key in TEXT_KEYS],
            ),
            Sheet(
                title=_("填写说明"),
                headers=[_("列名"), _("是否必填"), _("说明"), _("示例")],
                rows=guide_rows,
            ),
        ]
    )
    return f"{ImportKind(kind).label}_{_('导入模板')}.xlsx", content
