"""Demo: the compound secretary's import history (/people/import/), written through the import
services themselves, so every page shows a real report:

- a unit register of their compound, committed five days ago: the units already registered
  matched by 楼栋 / 单元 / 房号, owners matched by name, 产权证号 stored, the area basis set
  for the whole file (each change listed as a warning);
- a people register with a column the synonym tables do not know (住址房号) that waited for
  its mapping and then failed with every rejected row listed (check digit, sex against the ID
  number, a party category for a non-member, a unit that does not exist, an unknown 身份);
- a people register previewed an hour ago and waiting to be committed, with a warning (an
  在职 member without 工作单位).
"""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import Workbook

from haolinju.core.errors import ApplicationError
from haolinju.core.scope import path_ids
from haolinju.core.validators import make_id_number
from haolinju.org.models import Area, AreaKind
from haolinju.org.selectors import import_targets
from haolinju.people.models import OWNER_ROLES, ImportBatch, Occupancy

IMPORTER = "secretary"
UNIT_ROWS = 24


def _xlsx(title: str, headers: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "登记表"
    sheet.append([title])  # a title row above the header, as offices write them
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _address(unit: Area, by_id: dict[int, Area]) -> tuple[str, str, str]:
    names = {by_id[i].kind: by_id[i].name for i in path_ids(unit.path) if i in by_id}
    return names.get(AreaKind.BUILDING, ""), names.get(AreaKind.ENTRANCE, ""), unit.name


def _units(compound: Area) -> tuple[list[Area], dict[int, Area]]:
    within = Area.objects.filter(path__startswith=compound.path)
    units = list(within.filter(kind=AreaKind.UNIT).order_by("path")[:UNIT_ROWS])
    ids = {i for u in units for i in path_ids(u.path)}
    return units, {a.pk: a for a in Area.objects.filter(pk__in=ids)}


def _unit_register(actor, compound: Area) -> ImportBatch | None:
    from haolinju.people.imports import services

    units, by_id = _units(compound)
    owners: dict[int, list[str]] = {}
    for unit_id, name in (
        Occupancy.objects.filter(unit__in=units, role__in=OWNER_ROLES)
        .order_by("role", "person_id")
        .values_list("unit_id", "person__name")
    ):
        owners.setdefault(unit_id, []).append(name)
    rows = [
        [*_address(u, by_id), f"{u.exclusive_area}", u.floor or "", "、".join(owners[u.pk]),
         f"鄂(2019)黄州区不动产权第{u.pk:07d}号"]
        for u in units
        if u.pk in owners and u.exclusive_area
    ]  # fmt: skip
    if not rows:
        return None
    content = _xlsx(
        f"{compound.name}房屋登记表",
        ["楼号", "单元", "门牌号", "建筑面积", "楼层", "产权人", "不动产权证号"],
        rows,
    )
    return services.import_upload(
        actor=actor,
        kind="unit_register",
        content=content,
        filename=f"{compound.name}房屋登记表.xlsx",
        commit=True,
        target_id=compound.pk,
        options={"area_basis": "registered"},
    )


PEOPLE_HEADERS = ["姓名", "性别", "身份证号", "手机", "楼号", "单元", "住址房号", "身份",
                  "是否党员", "党员类别"]  # fmt: skip


def _people_rows(units: list[Area], by_id: dict[int, Area], rejected: bool) -> list[list]:
    born = dt.date(2001, 3, 8)
    if rejected:
        good = make_id_number("421102", born, 917)
        return [
            ["柯文静", "女", good[:-1] + ("0" if good[-1] != "0" else "1"), "13907130001",
             *_address(units[0], by_id), "家属", "否", ""],
            ["夏志强", "女", make_id_number("421102", born, 915), "13907130002",
             *_address(units[1], by_id), "居民", "否", ""],
            ["洪丽", "女", make_id_number("421102", born, 922), "13907130003",
             *_address(units[2], by_id), "住户", "否", "离退休"],
            ["童建军", "男", make_id_number("421102", born, 931), "13907130004",
             "9栋", "1单元", "901", "本人", "否", ""],
            ["江晓梅", "女", make_id_number("421102", born, 942), "13907130005",
             *_address(units[3], by_id), "亲戚", "否", ""],
            ["方明", "男", make_id_number("421102", born, 951), "13907130006",
             *_address(units[4], by_id), "家属", "是", "离退休"],
        ]  # fmt: skip
    return [
        ["程思远", "男", make_id_number("421102", born, 971), "13907130011",
         *_address(units[5], by_id), "家属", "是", "在职"],
        ["程雨欣", "女", make_id_number("421102", born, 982), "",
         *_address(units[5], by_id), "家属", "否", ""],
        ["罗国平", "男", make_id_number("421102", born, 991), "13907130013",
         *_address(units[6], by_id), "租户", "否", ""],
    ]  # fmt: skip


def _people_register(actor, compound: Area, *, rejected: bool) -> ImportBatch | None:
    """Each file waits for its 住址房号 column to be mapped to 房号; mapped, the rejected one
    fails with every row error listed, the other becomes a preview waiting for its commit."""
    from haolinju.core.sheets.errors import ImportInvalid
    from haolinju.people.imports import services

    units, by_id = _units(compound)
    if len(units) < 7:
        return None
    name = "人员台账（第二批）.xlsx" if rejected else "人员台账（第三批）.xlsx"
    content = _xlsx(
        f"{compound.name}人员及党员台账", PEOPLE_HEADERS, _people_rows(units, by_id, rejected)
    )
    batch = services.import_upload(
        actor=actor, kind="people", content=content, filename=name, target_id=compound.pk
    )
    try:
        services.import_remap(actor=actor, batch_id=batch.pk, mapping={"住址房号": "unit"})
    except ImportInvalid:
        if not rejected:
            raise
    return ImportBatch.objects.get(pk=batch.pk)


def seed() -> int:
    """Write the three batches; returns how many were written (0 without the demo compound)."""
    actor = get_user_model().objects.filter(username=IMPORTER).first()
    if actor is None:
        return 0
    compound = next((a for a in import_targets(actor=actor) if a.kind == AreaKind.COMPOUND), None)
    if compound is None:
        return 0
    now = timezone.now()
    written = 0
    for make, age in (
        (lambda: _unit_register(actor, compound), dt.timedelta(days=5)),
        (lambda: _people_register(actor, compound, rejected=True), dt.timedelta(days=2)),
        (lambda: _people_register(actor, compound, rejected=False), dt.timedelta(hours=1)),
    ):
        try:
            batch = make()
        except ApplicationError:
            batch = None  # demo data that no longer fits the district: leave it out
        if batch is None:
            continue
        stamp = now - age
        ImportBatch.objects.filter(pk=batch.pk).update(
            created_at=stamp, committed_at=stamp if batch.committed_at else None
        )
        written += 1
    return written
