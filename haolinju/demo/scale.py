"""Scaled, deterministic seeding: a district (≈100k persons), a city (≈1M) or a province (≈10M).

The same builder as the demo district, under its own root area (marked "（规模测试）") so it
never collides with real data or the demo. Work proceeds community by community and the writer
flushes in batches, so memory stays flat whatever the size; personal data is encrypted in worker
processes while the main process generates and writes.
"""

from __future__ import annotations

import random
import sys
import time

from tqdm import tqdm

from haolinju.org.models import Area, AreaKind, CompoundClass, CompoundKind, PropertyManagement

from . import names
from .builder import PARTNER_SUFFIXES, Builder, CompoundPlan, Node, weighted
from .bulk import BulkWriter, default_workers, refresh_statistics
from .compounds import build_compound, era_for
from .households import IdentityMint
from .staffing import staff_community

SCALES = {"district": 100_000, "city": 1_000_000, "province": 10_000_000}
SCALE_MARK = "（规模测试）"
PERSONS_PER_COMPOUND = 200
COMPOUNDS_PER_COMMUNITY = 8
COMMUNITIES_PER_STREET = 6
DISTRICTS_PER_CITY = 10
MEMBER_RATE, VOLUNTEER_RATE = 0.025, 0.10
MARKET = PropertyManagement.MARKET

# Hubei's prefecture-level cities (Huanggang, the demo's home, is left out on purpose: ID numbers
# and areas of the scaled data never overlap the demo district's).
CITIES = (
    ("武汉市", "420100"), ("黄石市", "420200"), ("十堰市", "420300"), ("宜昌市", "420500"),
    ("襄阳市", "420600"), ("鄂州市", "420700"), ("荆门市", "420800"), ("孝感市", "420900"),
    ("荆州市", "421000"), ("咸宁市", "421200"),
)  # fmt: skip
WUHAN_DISTRICTS = (
    ("江岸区", "420102"), ("江汉区", "420103"), ("硚口区", "420104"), ("汉阳区", "420105"),
    ("武昌区", "420106"), ("青山区", "420107"), ("洪山区", "420111"), ("东西湖区", "420112"),
    ("蔡甸区", "420114"), ("江夏区", "420115"),
)  # fmt: skip
KIND_WEIGHTS = {CompoundKind.COMPOUND: 70, CompoundKind.GRID: 15, CompoundKind.CLUSTER: 15}
CLASS_WEIGHTS = {
    CompoundClass.STANDARD: 65,
    CompoundClass.DEMONSTRATION: 25,
    CompoundClass.BOUTIQUE: 10,
}


def scale_data_exists() -> bool:
    return Area.objects.filter(parent__isnull=True, name__endswith=SCALE_MARK).exists()


def seed_scale(
    *,
    scale: str,
    seed: int = 1,
    progress: bool = True,
    stdout=None,
    persons: int | None = None,
    workers: int | None = None,
    batch_rows: int = 50_000,
) -> dict:
    """Seed ``scale`` (``persons`` overrides the size, for tests); returns row counts and timings.

    ``workers``: encryption processes (default: one per spare CPU; 0 encrypts in-process).
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    if scale_data_exists():
        raise ValueError(
            "scaled data already exists in this database (a root area named …"
            f"{SCALE_MARK}); use a fresh database to seed another size"
        )
    total = persons if persons is not None else SCALES[scale]
    if total < 1:
        raise ValueError("persons must be at least 1")
    if workers is None:
        workers = default_workers() if total >= 50_000 else 0
    out = stdout or sys.stderr
    started = time.perf_counter()
    rng = random.Random(seed)
    bar = tqdm(total=total, unit="人", file=out, disable=not progress, desc=f"seed {scale}")
    # One transaction per batch (not one for the whole run): a province would otherwise hold
    # gigabytes in one transaction. A run that fails half-way leaves its root: start afresh.
    with BulkWriter(batch_rows=batch_rows, workers=workers) as writer:
        builder = Builder(
            writer,
            rng,
            IdentityMint(phone_prefixes=PHONE_PREFIXES),
            member_rate=MEMBER_RATE,
            volunteer_rate=VOLUNTEER_RATE,
        )
        for parent, name, code, share in _districts(builder, rng, scale, total):
            _district(builder, rng, parent, name, code, share, bar)
        writer.flush()
    bar.close()
    analyzed = refresh_statistics()
    elapsed = time.perf_counter() - started
    return {
        "scale": scale,
        "seed": seed,
        "persons": writer.counts["people.Person"],
        "rows": dict(sorted(writer.counts.items())),
        "seconds": round(elapsed, 1),
        "seconds_by_step": {k: round(v, 1) for k, v in writer.seconds.items()},
        "workers": workers,
        "analyzed": analyzed,
    }


PHONE_PREFIXES = ("150", "151", "152", "157", "158", "159", "177", "180", "182", "183", "187")
PHONE_PREFIXES += ("188", "189", "191", "199")


def _districts(builder: Builder, rng: random.Random, scale: str, total: int):
    """(parent node, name, code, persons) for each district under the scale's root."""
    if scale == "district":
        name, code = WUHAN_DISTRICTS[0]
        return [(None, name + SCALE_MARK, code, total)]
    if scale == "city":
        root = builder.area(None, AreaKind.CITY, "武汉市" + SCALE_MARK, code="420100")
        shares = split(rng, total, DISTRICTS_PER_CITY)
        return [(root, n, c, p) for (n, c), p in zip(WUHAN_DISTRICTS, shares, strict=True)]
    root = builder.area(None, AreaKind.PROVINCE, "湖北省" + SCALE_MARK, code="420000")
    city_shares = split(rng, total, len(CITIES))
    plan = []
    for sort, ((city, city_code), share) in enumerate(zip(CITIES, city_shares, strict=True), 1):
        node = builder.area(root, AreaKind.CITY, city, code=city_code, sort_key=f"{sort:04d}")
        if city_code == "420100":
            districts = list(WUHAN_DISTRICTS)
        else:  # synthetic district names and codes inside the city's code range
            taken: set[str] = set()
            districts = [
                (names.unique_name(names.place_name(rng, "区"), taken), f"{city_code[:4]}{i:02d}")
                for i in range(1, DISTRICTS_PER_CITY + 1)
            ]
        for (name, code), persons in zip(districts, split(rng, share, len(districts)), strict=True):
            plan.append((node, name, code, persons))
    return plan


def _district(builder, rng, parent: Node | None, name, code, persons: int, bar) -> None:
    """A district of ``persons``: ~200 per compound, ~8 compounds per community, ~6
    communities per street; built and staffed community by community, flushed as it goes."""
    compounds = max(1, round(persons / PERSONS_PER_COMPOUND))
    communities = max(1, round(compounds / COMPOUNDS_PER_COMMUNITY))
    streets = max(1, round(communities / COMMUNITIES_PER_STREET))
    taken: set[str] = set()
    companies = [
        (names.unique_name(names.place_name(rng, "物业服务有限公司"), taken), MARKET)
        for _ in range(max(2, compounds // 15))
    ]
    short = name.removesuffix(SCALE_MARK)
    companies.append((f"{short}单位自管物业中心", PropertyManagement.UNIT_MANAGED))
    companies.append((f"{short}社区物业托管中心", PropertyManagement.COMMUNITY_MANAGED))
    partners = [
        names.unique_name(short + PARTNER_SUFFIXES[i % len(PARTNER_SUFFIXES)], taken)
        for i in range(max(2, communities // 3))
    ]
    district = builder.district(
        parent, name, code, companies=companies, partners=partners, short_name=short
    )
    community_counts = split(rng, communities, streets)
    compound_counts = iter(split(rng, compounds, communities))
    quotas = iter(split(rng, persons, compounds, jitter=0.5, minimum=0))
    street_names: set[str] = set()
    for s, n_communities in enumerate(community_counts, 1):
        street_name = names.unique_name(names.place_name(rng, "街道"), street_names)
        street = builder.street(district, street_name, f"{code}{s:03d}", s)
        community_names: set[str] = set()
        for c in range(1, n_communities + 1):
            community_name = names.unique_name(names.place_name(rng, "社区"), community_names)
            community = builder.community(street, community_name, f"{code}{s:03d}{c:03d}", c)
            compound_names: set[str] = set()
            built = []
            for k in range(1, next(compound_counts) + 1):
                plan = _plan(rng, compound_names, next(quotas))
                before = builder.persons
                built.append(build_compound(builder, community, plan, k))
                bar.update(builder.persons - before)
            staff_community(builder, community, built)
            builder.w.maybe_flush()
    builder.mint.forget_region(district.region)  # nothing of a finished district stays


def _plan(rng: random.Random, taken: set[str], quota: int) -> CompoundPlan:
    kind = weighted(rng, KIND_WEIGHTS)
    cls = weighted(rng, CLASS_WEIGHTS)
    era = era_for(rng, kind, cls)
    name = names.unique_name(names.compound_name(rng, kind), taken)
    return CompoundPlan(name, kind, cls, era, quota=quota)


def split(
    rng: random.Random, total: int, parts: int, *, jitter: float = 0.3, minimum: int = 1
) -> list[int]:
    """``total`` in ``parts`` integer shares that add up exactly, each jittered ±``jitter`` and
    at least ``minimum`` when the total allows (largest remainder, ties by position)."""
    if parts <= 0:
        return []
    floor = minimum if total >= minimum * parts else 0
    spare = total - floor * parts
    weights = [rng.uniform(1 - jitter, 1 + jitter) for _ in range(parts)]
    scale_ = spare / sum(weights)
    raw = [w * scale_ for w in weights]
    shares = [int(r) for r in raw]
    order = sorted(range(parts), key=lambda i: (-(raw[i] - shares[i]), i))
    for i in order[: spare - sum(shares)]:
        shares[i] += 1
    return [floor + s for s in shares]
