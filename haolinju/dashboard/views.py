"""Pages: the signed-in user's home and the area tree browser (one node, drill down)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import pgettext_lazy

from haolinju.core.pagination import paginate
from haolinju.core.scope import jurisdiction_of
from haolinju.core.web import application_errors
from haolinju.org.models import AreaKind, CompoundClass, OrgKind
from haolinju.org.selectors import area_children, area_roots
from haolinju.people.models import Ledger

from . import selectors_ui
from .selectors import AreaNode, area_node

CHILDREN_PAGE = 30
KIND_RANK = {kind: rank for rank, kind in enumerate(AreaKind.values)}

# The figures the source article quotes first, in its order, labelled as counts.
HEADLINE_ORGS = {
    OrgKind.BRANCH: pgettext_lazy("count", "小区党支部"),
    OrgKind.BUILDING_GROUP: pgettext_lazy("count", "楼栋党小组"),
    OrgKind.CENTRAL_HOUSEHOLD: pgettext_lazy("count", "党员中心户"),
    OrgKind.OWNERS_COMMITTEE: pgettext_lazy("count", "业委会"),
    OrgKind.MEDIATION_GROUP: pgettext_lazy("count", "矛盾调处小组"),
}
STRUCTURE = (
    (AreaKind.STREET, "streets", pgettext_lazy("count", "街道/镇")),
    (AreaKind.COMMUNITY, "communities", pgettext_lazy("count", "社区")),
    (AreaKind.COMPOUND, "compounds", pgettext_lazy("count", "小区/网格")),
    (AreaKind.BUILDING, "buildings", pgettext_lazy("count", "楼栋")),
    (AreaKind.UNIT, "units", pgettext_lazy("count", "户")),
)
# Which headline organisations can exist inside an area of each kind.
ORGS_BELOW = {
    AreaKind.BUILDING: (OrgKind.BUILDING_GROUP, OrgKind.CENTRAL_HOUSEHOLD),
    AreaKind.ENTRANCE: (OrgKind.CENTRAL_HOUSEHOLD,),
    AreaKind.UNIT: (),
}
LEDGER_COUNT_KEYS = {ledger: f"members_{ledger}" for ledger in Ledger.values}


# Areas this small or smaller hold few enough people that a small count names a household.
SMALL_AREA_KINDS = (AreaKind.BUILDING, AreaKind.ENTRANCE, AreaKind.UNIT)


@dataclass
class Stat:
    label: str
    value: int
    url: str = ""
    key: str = ""
    below: int = 0  # when set, the value is withheld and shown as "fewer than <below>"


def withhold_small_counts(area, *, reads_people: bool) -> int:
    """k when people counts of ``area`` under k must be withheld from this reader, else 0:
    below building level only staff who read these people see a 1 or a 2."""
    if reads_people or area.kind not in SMALL_AREA_KINDS:
        return 0
    return settings.HAOLINJU_SMALL_COUNT_K


def _people_stat(label, value: int, url: str, key: str, k: int) -> Stat:
    if 0 < value < k:
        return Stat(label, 0, "", key, below=k)
    return Stat(label, value, url, key)


@dataclass
class NodeStats:
    """An area node's counts, grouped and labelled for the page."""

    node: AreaNode
    structure: list[Stat]
    classes: list[Stat]
    organisations: list[Stat]
    other_organisations: list[Stat]
    people: list[Stat]
    ledgers: list[Stat]
    reads_people: bool


def node_stats(node: AreaNode, *, actor) -> NodeStats:
    area, counts = node.area, node.counts
    rank = KIND_RANK[area.kind]
    structure = [
        Stat(label, counts[key], key=key)
        for kind, key, label in STRUCTURE
        if rank < KIND_RANK[kind]
    ]
    classes = []
    if rank < KIND_RANK[AreaKind.COMPOUND]:
        classes = [
            Stat(c.label, counts["compounds_by_class"].get(c.value, 0), key=c.value)
            for c in CompoundClass
        ]
    shown = ORGS_BELOW.get(area.kind, HEADLINE_ORGS)
    orgs = counts["organisations"]
    organisations = [Stat(HEADLINE_ORGS[k], orgs.get(k, 0), key=k) for k in shown]
    other = [
        Stat(OrgKind(k).label, n, key=k) for k, n in orgs.items() if n and k not in HEADLINE_ORGS
    ]
    reads_people = jurisdiction_of(actor).reads_people_at(area.path)

    def people_url(**params) -> str:
        if not reads_people:
            return ""
        name = "people:ledgers" if "ledger" in params else "people:list"
        return f"{reverse(name)}?{urlencode({'area': area.pk, **params})}"

    k = withhold_small_counts(area, reads_people=reads_people)
    people = [
        _people_stat(
            pgettext_lazy("count", "居民"), counts["residents"], people_url(), "residents", k
        ),
        _people_stat(pgettext_lazy("count", "志愿者"), counts["volunteers"], "", "volunteers", k),
        _people_stat(pgettext_lazy("count", "党员"), counts["members"], "", "members", k),
    ]
    ledgers = [
        _people_stat(Ledger(ledger).label, counts[key], people_url(ledger=ledger), ledger, k)
        for ledger, key in LEDGER_COUNT_KEYS.items()
    ]
    return NodeStats(node, structure, classes, organisations, other, people, ledgers, reads_people)


@login_required
@application_errors
def home(request):
    home = selectors_ui.home_for(actor=request.user)
    stats = [node_stats(node, actor=request.user) for node in home.nodes]
    return render(request, "dashboard/home.html", {"home": home, "node_stats": stats})


@login_required
def area_index(request):
    """The top of the user's tree: straight to it when there is only one."""
    roots = area_roots(actor=request.user)
    if len(roots) == 1:
        return redirect("dashboard:area", area_id=roots[0].pk)
    # The areas one governs (the number the home page gives), then the rest one may see (one's
    # own compound): one list of 13 under a home page saying 12 read as a mistake.
    scope = jurisdiction_of(request.user)
    governed = [r for r in roots if scope.is_superuser or scope.governs(r.path)]
    others = [r for r in roots if r not in governed]
    return render(request, "dashboard/areas.html", {"governed": governed, "others": others})


@login_required
@application_errors
def area(request, area_id: int):
    node = area_node(actor=request.user, area_id=area_id)  # 404 outside jurisdiction
    scope = jurisdiction_of(request.user)
    context = {
        "stats": node_stats(node, actor=request.user),
        "area": node.area,
        "trail": [(a, scope.can_see_area(a.path)) for a in node.ancestors],
        "organisations": selectors_ui.attached_organisations(actor=request.user, area=node.area),
        "unit": None,
        **_children_context(request, node.area.pk),
    }
    if node.area.kind == AreaKind.UNIT:
        context["unit"] = selectors_ui.unit_facts(actor=request.user, unit=node.area)
    return render(request, "dashboard/area.html", context)


@login_required
@application_errors
def area_children_page(request, area_id: int):
    """The next page of children, appended in place by the "load more" button (htmx)."""
    if not request.htmx:  # without JavaScript the area page itself pages its children
        url = reverse("dashboard:area", args=[area_id])
        return redirect(f"{url}?{urlencode({'offset': request.GET.get('offset', 0)})}")
    context = _children_context(request, area_id)
    return render(request, "dashboard/area.html#children-page", context)


def _children_context(request, area_id: int) -> dict:
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    qs = area_children(actor=request.user, area_id=area_id)
    page = paginate(qs, offset=offset, limit=CHILDREN_PAGE)
    summaries = selectors_ui.children_summaries(page.items)
    scope = jurisdiction_of(request.user)
    for child in page.items:
        k = withhold_small_counts(child, reads_people=scope.reads_people_at(child.path))
        if 0 < summaries[child.pk].residents < k:
            summaries[child.pk].residents_below = k
    return {
        "parent_id": area_id,
        "children": [(child, summaries[child.pk]) for child in page.items],
        "children_page": page,
    }


@login_required
def more(request):
    """Everything the menus offer, as large buttons: the phone's bottom bar holds only five."""
    return render(request, "dashboard/more.html")
