"""Fixtures of the browser tests (the browser itself is set up in tests/conftest.py)."""

from demo_people import demo_users

__all__ = ["demo_users"]
