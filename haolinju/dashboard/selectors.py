"""Read-only views over the whole tree: a node with every count the source article quotes."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from haolinju.core.counting import count_each
from haolinju.org.models import Area
from haolinju.org.selectors import (
    area_ancestors,
    area_get,
    area_structure_from,
    area_structure_querysets,
    organisation_counts,
)
from haolinju.people.selectors import people_count_querysets


@dataclass
class AreaNode:
    area: Area
    ancestors: list[Area]
    counts: dict


def node_counts(area: Area) -> dict:
    """Compounds (by class), organisations by kind, residents, volunteers, members by ledger.

    Two queries: every area and people count as one statement, organisations grouped by kind.
    """
    people = people_count_querysets(area)
    counted = count_each(area_structure_querysets(area) | people)
    structure = asdict(area_structure_from(counted, {}))
    structure.pop("organisations")
    return (
        structure
        | {"organisations": organisation_counts(area)}
        | {name: counted[name] for name in people}
    )


def area_node(*, actor, area_id: int) -> AreaNode:
    area = area_get(actor=actor, area_id=area_id)  # 404 outside the actor's jurisdiction
    return AreaNode(area=area, ancestors=area_ancestors(area), counts=node_counts(area))
