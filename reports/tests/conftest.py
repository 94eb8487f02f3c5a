"""Fixtures of the reports tests."""

import pytest

from reports import case_panels, hooks


@pytest.fixture(autouse=True)
def _reports_alone():
    """The tests of reports test reports alone: what higher apps register with its hooks
    (dispatch's close condition, extended payloads, visibility) is set aside meanwhile and
    tested with those apps (dispatch/tests); so are the panels they add to the case page."""
    with hooks.set_aside(), case_panels.set_aside():
        yield
