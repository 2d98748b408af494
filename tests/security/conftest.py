"""Fixtures for the security tests."""

import pytest


@pytest.fixture
def tree(db):
    from haolinju.org.tests.factories import Tree

    return Tree()
