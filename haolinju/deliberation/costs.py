"""Cost sharing to the fen (RULES.md §1, Civil Code art. 283).

Pure: a total in fen and one non-negative weight per unit (the exclusive area by default, or
any per-unit weight such as area × a floor coefficient for an elevator). Each unit's exact share
is ``total × w / W``; every share is floored, and the fen left over go one each to the units with
the largest remainders, ties by the smaller unit id — so the shares add up to the total exactly.
Weights may be ``Decimal`` or ``int``; they are scaled to integers, so every step is integer
arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .tally import exact


class CostShareError(ValueError):
    pass


def _integer_weights(weights: Mapping[int, Decimal | int]) -> dict[int, int]:
    """Scale Decimal weights by one power of ten so they all become integers (exactly)."""
    places = 0
    for unit_id, w in weights.items():
        if isinstance(w, bool) or not isinstance(w, int | Decimal):
            raise CostShareError(f"unit {unit_id}: weight must be an integer or a Decimal")
        if isinstance(w, Decimal):
            if not w.is_finite():
                raise CostShareError(f"unit {unit_id}: weight must be finite")
            places = max(places, -w.as_tuple().exponent)
        if w < 0:
            raise CostShareError(f"unit {unit_id}: weight must not be negative")
    with exact():
        return {u: int(Decimal(w).scaleb(places)) for u, w in weights.items()}


@dataclass(frozen=True)
class Share:
    unit_id: int
    weight: Decimal | int
    fen: int

    @property
    def yuan(self) -> Decimal:
        return Decimal(self.fen).scaleb(-2)


def share_cost(total_fen: int, weights: Mapping[int, Decimal | int]) -> list[Share]:
    """Shares in fen, ordered by unit id, summing exactly to ``total_fen``."""
    if isinstance(total_fen, bool) or not isinstance(total_fen, int) or total_fen < 0:
        raise CostShareError("total must be a non-negative whole number of fen")
    if not weights:
        raise CostShareError("no units to share the cost")
    scaled = _integer_weights(weights)
    whole = sum(scaled.values())
    if whole == 0:
        raise CostShareError("the weights add up to zero")
    floors: dict[int, int] = {}
    remainders: dict[int, int] = {}
    for unit_id, w in scaled.items():
        floors[unit_id], remainders[unit_id] = divmod(total_fen * w, whole)
    leftover = total_fen - sum(floors.values())
    # 0 <= leftover < number of units with a remainder; largest remainder first, then unit id
    for unit_id in sorted(remainders, key=lambda u: (-remainders[u], u))[:leftover]:
        floors[unit_id] += 1
    return [Share(u, weights[u], floors[u]) for u in sorted(floors)]


def floor_weights(
    areas: Mapping[int, Decimal],
    floors: Mapping[int, int | None],
    coefficients: Mapping[int, Decimal | int],
    *,
    by_area: bool = True,
) -> dict[int, Decimal | int]:
    """Per-unit weights from floor coefficients (e.g. an elevator retrofit): the unit's
    coefficient for its floor, times its exclusive area when ``by_area``. A unit whose floor
    has no coefficient is an error, never a silent zero."""
    out: dict[int, Decimal | int] = {}
    for unit_id, area in areas.items():
        floor = floors.get(unit_id)
        if floor not in coefficients:
            raise CostShareError(f"unit {unit_id}: no coefficient for floor {floor}")
        c = coefficients[floor]
        with exact():
            out[unit_id] = (Decimal(area) * Decimal(c)) if by_area else c
    return out
