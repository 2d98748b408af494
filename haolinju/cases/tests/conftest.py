import pytest


@pytest.fixture
def c(db):
    from .factories import cast

    return cast()
