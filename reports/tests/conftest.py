"""Fixtures of the reports tests."""

import pytest

from reports import hooks


@pytest.fixture(autouse=True)
def _reports_alone():
    """The tests of reports test reports alone: what higher apps register with its hooks
    (dispatch's close condition, extended payloads, visibility) is set aside meanwhile and
    tested with those apps (dispatch/tests)."""
    with hooks.set_aside():
        yield
