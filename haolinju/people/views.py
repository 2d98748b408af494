"""People pages: the directory (search, filters, paging), a person's record, the logged reveal
of a full ID number or phone, and the four member ledgers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from haolinju.core.errors import InvalidInput, NotPermitted
from haolinju.core.pagination import paginate
from haolinju.core.scope import jurisdiction_of, path_ids
from haolinju.core.web import application_errors
from haolinju.core.xlsx import xlsx_response
from haolinju.org.models import AreaKind
from haolinju.org.selectors import ancestors_of_each, area_get, visible_areas

from . import data_reads, policies, selectors, services
from .forms import DataReadFilterForm, PeopleFilterForm, RevealForm
from .models import Ledger, PersonalDataField

PAGE_SIZE = 20
ADDRESS_KINDS = (AreaKind.COMPOUND, AreaKind.BUILDING, AreaKind.ENTRANCE, AreaKind.UNIT)


def _offset(request) -> int:
    try:
        return max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        return 0


def _partial(request) -> bool:
    """An htmx request for a fragment (not htmx restoring a page from its history)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _filters(request, *, ledger_required: bool = False) -> tuple[PeopleFilterForm, dict]:
    """Parse the query string. An area outside the actor's jurisdiction is a 404."""
    selected = None
    raw_area = request.GET.get("area", "")
    if raw_area.isdigit():
        selected = area_get(actor=request.user, area_id=int(raw_area))
    form = PeopleFilterForm(request.GET, actor=request.user, selected_area=selected)
    form.is_valid()
    data = form.cleaned_data
    ledger = data.get("ledger") or ""
    if ledger_required and ledger not in Ledger.values:
        ledger = Ledger.SELF_MANAGED
    filters = {
        "area": selected.pk if selected else None,
        "q": data.get("q", ""),
        "ledger": ledger or None,
    }
    return form, filters


def _with_addresses(actor, people: list) -> list[tuple]:
    """Pair each person with a short address ("阳光小区 1栋 2单元 301"): one query per page,
    through the actor's visible areas."""
    ids = {pk for person in people for pk in path_ids(person.area_path)}
    areas = {
        a.pk: a
        for a in visible_areas(actor=actor)
        .filter(pk__in=ids, kind__in=ADDRESS_KINDS)
        .only("id", "name", "kind")
    }
    rows = []
    for person in people:
        names = [areas[pk].name for pk in path_ids(person.area_path) if pk in areas]
        rows.append((person, " ".join(names) or person.area.name))
    return rows


def _query(filters: dict, **extra) -> str:
    params = {k: v for k, v in {**filters, **extra}.items() if v not in (None, "")}
    return urlencode(params)


def _people_page(request, form, filters: dict, *related: str) -> dict:
    """One page of the scoped people list with everything the list templates need."""
    qs = selectors.person_list(
        actor=request.user, area_id=filters["area"], q=filters["q"], ledger=filters["ledger"]
    ).select_related(*related)
    page = paginate(qs, offset=_offset(request), limit=PAGE_SIZE)
    return {
        "form": form,
        "page": page,
        "rows": _with_addresses(
            request.user, selectors.minimum_necessary(request.user, page.items)
        ),
        "filters": filters,
        "query": _query(filters),
        "next_query": _query(filters, offset=page.next_offset),
        "previous_query": _query(filters, offset=page.previous_offset),
    }


@login_required
@application_errors
def people_list(request):
    form, filters = _filters(request)
    context = _people_page(request, form, filters, "member")
    template = "people/list.html#results" if _partial(request) else "people/list.html"
    return render(request, template, context)


@login_required
@application_errors
def person_detail(request, person_id: int):
    person = selectors.person_get(actor=request.user, person_id=person_id)
    scope = jurisdiction_of(request.user)
    held = list(person.occupancies.select_related("unit").order_by("unit__path"))
    ancestors = ancestors_of_each([person.area, *(occ.unit for occ in held)])  # one query
    occupancies = [
        (occ, [*ancestors[occ.unit.pk], occ.unit], scope.can_see_area(occ.unit.path))
        for occ in held
    ]
    context = {
        "person": person,
        "trail": [
            (a, scope.can_see_area(a.path)) for a in [*ancestors[person.area.pk], person.area]
        ],
        "occupancies": occupancies,
        "positions": selectors.visible_positions(actor=request.user, person=person),
        "can_reveal": policies.can_reveal_personal_data(request.user, person),
        "is_self": scope.person_id == person.pk,
    }
    return render(request, "people/detail.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@application_errors
def person_reveal(request, person_id: int):
    """Ask for a reason, then show one full ID number or phone once; the service logs the read."""
    person = selectors.person_get(actor=request.user, person_id=person_id)
    if not policies.can_reveal_personal_data(request.user, person):
        raise NotPermitted(_("您无权查看此人的完整个人信息"))
    field = request.POST.get("field") or request.GET.get("field") or PersonalDataField.ID_NUMBER
    if field not in PersonalDataField.values:
        field = PersonalDataField.ID_NUMBER
    form = RevealForm(request.POST or None, initial={"field": field})
    value = ""
    registered = bool(
        person.id_number_masked if field == PersonalDataField.ID_NUMBER else person.phone_masked
    )
    if request.method == "POST" and registered and form.is_valid():
        try:
            value = services.personal_data_reveal(
                actor=request.user,
                person_id=person.pk,
                field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
            )
        except InvalidInput as exc:
            for error in exc.errors:
                form.add_error(error.field if error.field in form.fields else None, error.message)
    context = {
        "person": person,
        "form": form,
        "field": field,
        "field_label": PersonalDataField(field).label,
        "value": value,
        "registered": registered,
    }
    template = "people/reveal.html#panel" if _partial(request) else "people/reveal.html"
    return render(request, template, context)


@login_required
@application_errors
def ledgers(request):
    form, filters = _filters(request, ledger_required=True)
    tabs = [
        (
            ledger,
            label,
            selectors.person_list(
                actor=request.user, area_id=filters["area"], ledger=ledger
            ).count(),
            _query(filters, ledger=ledger, q=""),
        )
        for ledger, label in Ledger.choices
    ]
    context = _people_page(request, form, filters, "member", "member__holding_org")
    context["tabs"] = tabs
    template = "people/ledgers.html#panel" if _partial(request) else "people/ledgers.html"
    return render(request, template, context)


def _read_filters(request) -> tuple[DataReadFilterForm, data_reads.ReadFilters]:
    selected = None
    raw_area = request.GET.get("area", "")
    if raw_area.isdigit():
        selected = area_get(actor=request.user, area_id=int(raw_area))
    form = DataReadFilterForm(request.GET, actor=request.user, selected_area=selected)
    form.is_valid()
    data = form.cleaned_data
    filters = data_reads.ReadFilters(
        area_id=selected.pk if selected else None,
        field=data.get("field") or None,
        reader=data.get("reader", ""),
        person=data.get("person", ""),
        since=data.get("since"),
        until=data.get("until"),
    )
    return form, filters


@login_required
@application_errors
def data_read_review(request):
    """Staff review who read whose ID number or phone in their jurisdiction, why and when."""
    form, filters = _read_filters(request)
    qs = data_reads.data_read_list(actor=request.user, filters=filters)
    page = paginate(qs, offset=_offset(request), limit=PAGE_SIZE)
    params = {k: v for k, v in request.GET.items() if k != "offset" and v}
    context = {
        "form": form,
        "page": page,
        "query": urlencode(params),
        "next_query": urlencode({**params, "offset": page.next_offset}),
        "previous_query": urlencode({**params, "offset": page.previous_offset}),
    }
    template = "people/reads.html#results" if _partial(request) else "people/reads.html"
    return render(request, template, context)


@login_required
@application_errors
def data_read_export(request):
    """The filtered reads as an xlsx file (the list's export machinery, formula-safe)."""
    _form, filters = _read_filters(request)
    filename, content = data_reads.data_reads_xlsx(actor=request.user, filters=filters)
    return xlsx_response(content, filename)
