"""Ranked dispatch candidates for a case, each with the reasons it ranks where it does.

Points (integers, so the order is exact): the member or central household linked to the
requester's household (党员包户 / 一联十户) first; then closeness in the tree (same building →
compound → community); skills matching the category; recent ratings; minus current open load.
Organisations — the proxy-errand / volunteer teams of the compound, community and street, the
property company serving the compound, partner units paired with the community, departments —
are candidates at their levels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from haolinju.core.scope import SEGMENT, path_ids, subtree_q
from haolinju.org.models import AreaKind, Organisation, OrgKind
from haolinju.people.models import Member, Person, Title, Volunteer
from haolinju.people.selectors import active_positions

from .models import Case, Rating
from .selectors import open_load

LINKED, SAME_BUILDING, SAME_COMPOUND, SAME_COMMUNITY = 100, 40, 25, 10
SKILL, PER_OPEN_ORDER, RATING_WINDOW_DAYS = 30, 8, 180


@dataclass
class Candidate:
    kind: str  # "person" | "organisation"
    id: int
    name: str
    points: int = 0
    reasons: list[str] = field(default_factory=list)


def _levels(case: Case) -> dict[str, str]:
    """The paths of the case's building, compound and community (those that exist)."""
    from haolinju.org.models import Area

    ids = path_ids(case.area_path)
    kinds = dict(Area.objects.filter(pk__in=ids).values_list("kind", "pk"))
    out = {}
    for kind in (AreaKind.BUILDING, AreaKind.COMPOUND, AreaKind.COMMUNITY, AreaKind.STREET):
        if kind in kinds:
            depth = ids.index(kinds[kind]) + 1
            out[kind] = case.area_path[: depth * SEGMENT]
    return out


def suggestions_for(case: Case, *, limit: int = 10) -> list[Candidate]:
    levels = _levels(case)
    compound = levels.get(AreaKind.COMPOUND, case.owner_area_path)
    community = levels.get(AreaKind.COMMUNITY, "")
    scope = community or compound
    people: dict[int, Candidate] = {}
    skills: dict[int, list[str]] = {}
    pool = Person.objects.filter(subtree_q([scope]), user__isnull=False).filter(
        Q(member__isnull=False) | Q(volunteer__isnull=False)
    )
    if case.requester_id:
        pool = pool.exclude(pk=case.requester_id)
    for person in pool.only("id", "name", "area_path")[:300]:
        c = Candidate("person", person.pk, person.name)
        building = levels.get(AreaKind.BUILDING)
        if building and person.area_path.startswith(building):
            c.points += SAME_BUILDING
            c.reasons.append(_("同一楼栋"))
        elif person.area_path.startswith(compound):
            c.points += SAME_COMPOUND
            c.reasons.append(_("同一小区"))
        else:
            c.points += SAME_COMMUNITY
            c.reasons.append(_("同一社区"))
        people[person.pk] = c
    for pid, s in Volunteer.objects.filter(person_id__in=people).values_list("person_id", "skills"):
        skills[pid] = list(s or [])
    members = set(Member.objects.filter(person_id__in=people).values_list("person_id", flat=True))
    wanted = set(case.category.skills or [])
    for pid, c in people.items():
        if pid in members:
            c.reasons.insert(0, _("党员"))
        matched = sorted(wanted & set(skills.get(pid, [])))
        if matched:
            c.points += SKILL
            c.reasons.append(_("技能：%(s)s") % {"s": "、".join(matched)})
    # 党员包户 / 一联十户: a central household serving the requester's unit ranks first.
    if case.requester_id:
        home = Person.objects.filter(pk=case.requester_id).values_list("area_id", flat=True)
        linked_orgs = Organisation.objects.filter(
            kind=OrgKind.CENTRAL_HOUSEHOLD, served_areas__in=list(home)
        ).values_list("pk", flat=True)
        for pid in (
            active_positions()
            .filter(organisation_id__in=list(linked_orgs), title=Title.CENTRAL_HOUSEHOLD)
            .values_list("person_id", flat=True)
        ):
            if pid in people:
                people[pid].points += LINKED
                people[pid].reasons.insert(0, _("包联本户"))
    load = open_load(list(people))
    since = timezone.now() - dt.timedelta(days=RATING_WINDOW_DAYS)
    rated = {
        r["assignee_person_id"]: r
        for r in Rating.objects.filter(assignee_person_id__in=people, created_at__gte=since)
        .values("assignee_person_id")
        .annotate(total=Sum("score"), n=Count("id"))
        .order_by()
    }
    for pid, c in people.items():
        n = load.get(pid, 0)
        c.points -= n * PER_OPEN_ORDER
        c.reasons.append(_("%(n)s 单在办") % {"n": n})
        if pid in rated:
            r = rated[pid]
            tenths = (r["total"] * 10 * 2 + r["n"]) // (2 * r["n"])  # exact, half up
            c.points += (r["total"] // r["n"]) * 4
            c.reasons.append(_("评分 %(s)s") % {"s": f"{tenths // 10}.{tenths % 10}"})
    orgs = _organisations(case, compound, community, levels.get(AreaKind.STREET, ""))
    ranked = sorted(people.values(), key=lambda c: (-c.points, c.id))[:limit]
    return ranked + orgs


def _organisations(case: Case, compound: str, community: str, street: str) -> list[Candidate]:
    out: list[Candidate] = []
    teams = Organisation.objects.filter(
        kind=OrgKind.VOLUNTEER_TEAM, area_path__in=[p for p in (compound, community, street) if p]
    ).order_by("-area_path")
    level_names = {compound: _("本小区"), community: _("本社区"), street: _("本街道")}
    for team in teams:
        out.append(
            Candidate(
                "organisation",
                team.pk,
                team.name,
                reasons=[_("志愿服务队"), str(level_names.get(team.area_path, ""))],
            )
        )
    for company in Organisation.objects.filter(
        kind=OrgKind.PROPERTY_COMPANY, served_areas__path=compound
    ):
        out.append(
            Candidate("organisation", company.pk, company.name, reasons=[_("服务本小区的物业")])
        )
    if community:
        for partner in Organisation.objects.filter(
            kind=OrgKind.PARTNER_UNIT, served_areas__path=community
        ):
            out.append(Candidate("organisation", partner.pk, partner.name, reasons=[_("共建单位")]))
    return out


def departments_for(case: Case) -> list[Organisation]:
    """Departments a case can be whistled to: those of its district and street."""
    ids = path_ids(case.area_path)
    return list(
        Organisation.objects.filter(kind=OrgKind.DEPARTMENT, area_id__in=ids).order_by("name")
    )
