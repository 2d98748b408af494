"""Turning records into the shapes the API and the pages show (no queries of their own
beyond what the caller loaded)."""

from __future__ import annotations

import segno
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from . import codes, hours
from .models import Activity, ActivityItem, Certificate, RecordStatus, ServiceRecord


def item_dict(item: ActivityItem) -> dict:
    v = item.current
    return {
        "id": item.pk,
        "code": item.code,
        "category_code": item.category.code,
        "category": item.category.name,
        "version": v.version,
        "version_id": v.pk,
        "name": v.name,
        "description": v.description,
        "default_minutes": v.default_minutes,
        "skills": v.skills,
        "points_rule": v.points_rule,
        "points_code": v.points_code,
    }


def activity_dict(a: Activity) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "item_code": a.item_version.item.code,
        "item_version": a.item_version.version,
        "scope": a.scope,
        "area_id": a.area_id,
        "area": a.area.name,
        "place": a.place,
        "latitude": a.latitude,
        "longitude": a.longitude,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "places": a.places,
        "confirmed": a.confirmed_count,
        "skills": a.skills,
        "status": a.status,
        "cancel_reason": a.cancel_reason,
        "signup_opens_at": a.signup_opens_at,
        "signup_closes_at": a.signup_closes_at,
        "walk_ins": a.walk_ins,
        "is_duty": a.is_duty,
    }


def record_dict(r: ServiceRecord) -> dict:
    return {
        "id": r.pk,
        "activity_id": r.activity_id,
        "activity": r.activity.title,
        "service_date": r.service_date,
        "category_code": r.category_code,
        "item_code": r.item_code,
        "checked_in_at": r.checked_in_at,
        "checked_out_at": r.checked_out_at,
        "method": r.method,
        "status": r.status,
        "review_reason": r.review_reason,
        "actual_minutes": r.actual_minutes,
        "minutes": r.minutes,
        "delta_minutes": r.delta_minutes,
        "hours": hours.hours(r.delta_minutes if r.corrects_id else r.minutes),
        "corrects_id": r.corrects_id,
        "correction_reason": r.correction_reason,
    }


def qr_svg(text: str, *, scale: int = 6) -> str:
    """An inline SVG QR code (no script, no style attribute)."""
    return segno.make(text, error="m").svg_inline(
        scale=scale, border=2, dark="#111", light="#fff", omitsize=True
    )


def venue_code(activity: Activity) -> dict:
    code = codes.make(codes.ACTIVITY, activity.pk)
    return {"code": code, "expires_in": codes.LIFETIME_SECONDS, "svg": qr_svg(code)}


def verification(cert: Certificate) -> dict:
    from .services.certificates import mask_name

    return {
        "number": cert.number,
        "status": "revoked" if cert.revoked_at else "valid",
        "volunteer": mask_name(cert.volunteer_name),
        "id_type": cert.id_type,
        "id_number": cert.id_number_masked,
        "hours": hours.hours(cert.minutes),
        "issuer": cert.issuer_name,
        "issued_on": cert.issued_on,
        "revoked_reason": cert.revoked_reason if cert.revoked_at else "",
    }


def record_rows(rows: list[dict]) -> str:
    """The record page's rows (``selectors.record_page``) as escaped HTML, built once here:
    fifty rows through the template engine cost several times more than one
    ``format_html_join`` (see bench/activities_record.py)."""
    labels = dict(RecordStatus.choices)
    badge = format_html(' <span class="badge">{}</span>', _("更正"))
    hour = _("小时")
    return format_html_join(
        "\n",
        '<li class="row"><span class="row-main"><span class="row-title">{}{}</span>'
        '<span class="row-meta">{} · {} · {} {}{}</span></span></li>',
        (
            (
                r["activity__title"],
                badge if r["corrects_id"] else "",
                r["service_date"].isoformat(),
                labels.get(r["status"], r["status"]),
                hours.hours(r["delta_minutes"] if r["corrects_id"] else r["minutes"]),
                hour,
                f" · {r['correction_reason']}" if r["correction_reason"] else "",
            )
            for r in rows
        ),
    )


def correctable(rows: list[dict]) -> list[tuple[int, str]]:
    """(id, label) of the confirmed original records one may ask to correct."""
    return [
        (r["id"], f"{r['service_date'].isoformat()} {r['activity__title']}")
        for r in rows
        if r["status"] == RecordStatus.CONFIRMED and not r["corrects_id"]
    ]


def correction_dict(req) -> dict:
    """A correction request with its record (loaded by ``selectors.correction_requests``)."""
    record = req.record
    return {
        "id": req.pk,
        "record_id": record.pk,
        "activity_id": record.activity_id,
        "activity": record.activity.title,
        "service_date": record.service_date,
        "volunteer": record.person.name,
        "recorded_minutes": record.minutes,
        "requested_minutes": req.requested_minutes,
        "reason": req.reason,
        "status": req.status,
        "answer": req.answer,
        "created_at": req.created_at,
        "answered_at": req.answered_at,
    }
