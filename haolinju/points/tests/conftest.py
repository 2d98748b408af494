import pytest

from .factories import world


@pytest.fixture
def w(db):
    return world()
