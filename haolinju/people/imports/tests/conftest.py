"""Fixtures for the import/export tests."""

import pytest

from haolinju.accounts.services import token_issue
from haolinju.people.models import Title
from haolinju.people.tests.factories import staff


@pytest.fixture(autouse=True)
def io_urls(settings):
    settings.ROOT_URLCONF = "haolinju.people.imports.tests.urls"


@pytest.fixture
def district_staff(tree):
    return staff(Title.DISTRICT_STAFF, tree.district)


@pytest.fixture
def street_staff(tree):
    """Staff of 街道0 only."""
    return staff(Title.STREET_STAFF, tree.streets[0])


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"}
