"""The demo district has an import history for the import pages to show."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from haolinju.people.imports.selectors import import_batch_list
from haolinju.people.models import ImportStatus

pytestmark = pytest.mark.django_db


def test_the_demo_secretary_has_a_committed_a_failed_and_a_pending_import(demo):
    """The compound secretary's history: a unit register committed with owners matched and
    deed numbers stored, a people register failed with every rejected row at its cell, and a
    people register previewed with a warning, each with its report."""
    secretary = get_user_model().objects.get(username="secretary")
    batches = {b.status: b for b in import_batch_list(actor=secretary)}
    assert set(batches) == {ImportStatus.COMMITTED, ImportStatus.FAILED, ImportStatus.PREVIEWED}
    committed = batches[ImportStatus.COMMITTED]
    assert committed.kind == "unit_register" and committed.summary["existing_units"] >= 10
    assert committed.summary["matched_people"] >= 10 and committed.warnings
    failed = batches[ImportStatus.FAILED]
    assert {e["row"] for e in failed.errors} == {3, 4, 5, 6, 7}
    assert all(e["column"] and e["message"] for e in failed.errors)
    pending = batches[ImportStatus.PREVIEWED]
    assert pending.preview["rows"] and any("工作单位" in w["message"] for w in pending.warnings)


def test_the_demo_import_pages_show_the_reports(demo):
    """The import page lists the three batches, and each batch page shows its report."""
    secretary = get_user_model().objects.get(username="secretary")
    client = Client()
    client.force_login(secretary)
    page = client.get(reverse("io:import")).content.decode()
    batches = list(import_batch_list(actor=secretary))
    for batch in batches:
        assert reverse("io:batch", args=[batch.pk]) in page
        report = client.get(reverse("io:batch", args=[batch.pk]))
        assert report.status_code == 200 and batch.filename in report.content.decode()
