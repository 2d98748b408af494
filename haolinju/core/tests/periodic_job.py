"""A task for the periodic-job tests: counts its runs."""

from django_tasks import task

RUNS: list[int] = []


@task()
def count_run() -> int:
    RUNS.append(1)
    return len(RUNS)
