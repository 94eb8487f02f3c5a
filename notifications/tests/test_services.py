"""The outbox: one notification per person, in the caller's transaction."""

from datetime import datetime

import pytest
import time_machine

from grid.models import Role, User
from notifications.models import Notification
from notifications.services import notify, notify_where

pytestmark = pytest.mark.django_db


def test_notify_where_writes_one_row_per_selected_person(city):
    # given two admins of one county, one inactive, and an admin of the other county
    first = city.county_admin(0)
    city.county_admin(0, is_active=False)
    city.county_admin(1)
    admins = User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True, region=city.counties[0])
    # when the county's active admins are told
    with time_machine.travel("2026-11-22 10:00 +0800", tick=False):
        count = notify_where(
            recipients=admins,
            kind="report_submitted",
            subject="YZ-1" * 40,
            text="标题",
            url="/r/1/",
        )
    # then exactly that admin has one notification, with every field written
    assert count == 1
    note = Notification.objects.get()
    assert note.recipient == first
    assert (note.kind, note.subject, note.text, note.url) == (
        "report_submitted",
        ("YZ-1" * 40)[:100],
        "标题",
        "/r/1/",
    )
    assert note.created_at == datetime.fromisoformat("2026-11-22T10:00+08:00")
    assert note.read_at is None
    assert note.delivered_at is None


def test_notify_where_with_nobody_selected_writes_nothing(city):
    assert notify_where(recipients=User.objects.none(), kind="k", subject="s") == 0
    assert notify_where(recipients=User.objects.filter(pk=-1), kind="k", subject="s") == 0
    assert not Notification.objects.exists()


def test_notify_skips_repeats_and_missing_people(city):
    admin = city.county_admin(0)
    assert notify(recipient_ids=[admin.pk, admin.pk, None], kind="k", subject="s") == 1
