"""Area and organisation factories. Paths are assigned the way the service does."""

from __future__ import annotations

from decimal import Decimal

import factory

from haolinju.core.scope import path_segment
from haolinju.org.models import Area, AreaKind, CompoundClass, CompoundKind, Organisation, OrgKind


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    kind = AreaKind.DISTRICT
    name = factory.Sequence(lambda n: f"区域{n}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = kwargs.get("parent")
        if kwargs.get("kind") == AreaKind.COMPOUND:
            kwargs.setdefault("compound_kind", CompoundKind.COMPOUND)
            kwargs.setdefault("compound_class", CompoundClass.STANDARD)
        if kwargs.get("kind") == AreaKind.UNIT:
            kwargs.setdefault("exclusive_area", Decimal("89.50"))
        obj = model_class.objects.create(path="?", **kwargs)
        obj.path = (parent.path if parent else "") + path_segment(obj.pk)
        obj.depth = parent.depth + 1 if parent else 0
        model_class.objects.filter(pk=obj.pk).update(path=obj.path, depth=obj.depth)
        return obj


def child(parent: Area, kind: str, name: str | None = None, **attrs) -> Area:
    return AreaFactory(parent=parent, kind=kind, **({"name": name} if name else {}), **attrs)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrgKind.BRANCH
    name = factory.Sequence(lambda n: f"组织{n}")
    area = factory.SubFactory(AreaFactory)
    area_path = factory.LazyAttribute(lambda o: o.area.path)


class Tree:
    """A small but complete district: 2 streets × 2 communities × 2 compounds × 2 buildings ×
    2 entrances × 2 units. Attributes give handy nodes; ``all`` lists every area."""

    def __init__(self, name: str = "测试区"):
        self.district = AreaFactory(kind=AreaKind.DISTRICT, name=name, code="421102")
        self.all = [self.district]
        self.streets, self.communities, self.compounds = [], [], []
        self.buildings, self.entrances, self.units = [], [], []
        for s in range(2):
            street = self._add(self.district, AreaKind.STREET, f"街道{s}", self.streets)
            for c in range(2):
                community = self._add(street, AreaKind.COMMUNITY, f"社区{s}{c}", self.communities)
                for k in range(2):
                    compound = self._add(
                        community,
                        AreaKind.COMPOUND,
                        f"小区{s}{c}{k}",
                        self.compounds,
                        compound_class=list(CompoundClass.values)[(s + c + k) % 3],
                    )
                    for b in range(2):
                        building = self._add(
                            compound, AreaKind.BUILDING, f"{b + 1}栋", self.buildings
                        )
                        for e in range(2):
                            entrance = self._add(
                                building, AreaKind.ENTRANCE, f"{e + 1}单元", self.entrances
                            )
                            for u in range(2):
                                self._add(
                                    entrance,
                                    AreaKind.UNIT,
                                    f"{u + 1}0{e + 1}",
                                    self.units,
                                    exclusive_area=Decimal("80.00") + u * 10 + b,
                                    floor=u + 1,
                                )

    def _add(self, parent, kind, name, bucket, **attrs):
        area = child(parent, kind, name, **attrs)
        bucket.append(area)
        self.all.append(area)
        return area
