"""Fixtures of the browser tests (the browser itself is set up in tests/conftest.py)."""

import pytest
from demo_people import demo_users

__all__ = ["demo_users"]


@pytest.fixture
def csp_violations():
    """What the Content-Security-Policy (config.csp) blocked during the test, page by page:
    a script, style or image it blocked is a page that does not work as written."""
    violations: list[str] = []
    yield violations
    assert violations == []


def _watch(context, violations: list[str]):
    def on_console(message) -> None:
        url = message.page.url if message.page else "?"
        if "Content Security Policy" in message.text:
            violations.append(f"{url}: {message.text}")

    context.on("console", on_console)
    return context


@pytest.fixture
def context(context, csp_violations):
    """pytest-playwright's context (behind ``page``), watched for policy violations."""
    return _watch(context, csp_violations)


@pytest.fixture
def new_context(new_context, csp_violations):
    """pytest-playwright's ``new_context``, each context watched for policy violations."""

    def make(**kwargs):
        return _watch(new_context(**kwargs), csp_violations)

    return make
