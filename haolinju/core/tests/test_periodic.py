"""core.periodic: the scheduler queues each job once per interval, however often it checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from haolinju.core.periodic import enqueue_due

from . import periodic_job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs(settings):
    settings.HAOLINJU_PERIODIC = {"test.count": ("haolinju.core.tests.periodic_job.count_run", 60)}
    periodic_job.RUNS.clear()


def test_a_job_runs_at_once_then_not_again_until_its_interval_passed(
    django_capture_on_commit_callbacks,
):
    """First check queues it; a check 30 s later does not; one 61 s later does."""
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_due(now=start) == ["test.count"]
        assert enqueue_due(now=start + dt.timedelta(seconds=30)) == []
        assert enqueue_due(now=start + dt.timedelta(seconds=61)) == ["test.count"]
    assert len(periodic_job.RUNS) == 2


def test_the_command_checks_once(django_capture_on_commit_callbacks):
    """``manage.py periodic --once`` queues what is due and exits."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("periodic", "--once")
    assert periodic_job.RUNS == [1]
