"""The outbox: one notification per person, in the caller's transaction."""

from datetime import datetime

import pytest
import time_machine
from django.db import transaction

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


def test_notify_where_spends_no_query_on_none_and_two_on_people(city, django_assert_num_queries):
    admin = city.county_admin(0)
    with django_assert_num_queries(0):
        assert notify_where(recipients=User.objects.none(), kind="k", subject="s") == 0
    with django_assert_num_queries(1):  # the ids: nobody, so no insert
        assert notify_where(recipients=User.objects.filter(pk=-1), kind="k", subject="s") == 0
    with django_assert_num_queries(2):  # the ids, then one insert of every row
        assert notify_where(recipients=User.objects.filter(pk=admin.pk), kind="k", subject="s")


def test_notify_where_tells_each_person_once_when_the_selection_repeats_them(city):
    # given a selection that lists an admin once per notification they already have
    admin, other = city.county_admin(0), city.county_admin(1)
    notify(recipient_ids=[admin.pk], kind="old", subject="1")
    notify(recipient_ids=[admin.pk], kind="old", subject="2")
    notify(recipient_ids=[other.pk], kind="old", subject="3")
    repeated = User.objects.filter(notifications__kind="old")
    assert repeated.count() == 3
    # when they are told
    assert notify_where(recipients=repeated, kind="new", subject="s") == 2
    # then each once
    assert sorted(
        Notification.objects.filter(kind="new").values_list("recipient_id", flat=True)
    ) == sorted([admin.pk, other.pk])


@pytest.mark.parametrize("how", ["notify", "notify_where"])
def test_texts_are_cut_to_the_column_sizes(city, how):
    admin = city.county_admin(0)
    long = {"subject": "编" * 150, "text": "号" * 400, "url": "/r/" + "9" * 300}
    if how == "notify":
        notify(recipient_ids=[admin.pk], kind="k", **long)
    else:
        notify_where(recipients=User.objects.filter(pk=admin.pk), kind="k", **long)
    note = Notification.objects.get()
    for name, value in long.items():
        size = Notification._meta.get_field(name).max_length
        assert getattr(note, name) == value[:size]
    assert (len(note.subject), len(note.text), len(note.url)) == (100, 300, 200)


def test_notify_sets_created_at_to_now(city):
    admin = city.county_admin(0)
    with time_machine.travel("2026-11-22 10:00 +0800", tick=False):
        notify(recipient_ids=[admin.pk], kind="k", subject="s")
    note = Notification.objects.get()
    assert note.created_at == datetime.fromisoformat("2026-11-22T10:00+08:00")
    assert (note.read_at, note.delivered_at) == (None, None)


def test_notifications_roll_back_with_the_callers_transaction(city):
    admin = city.county_admin(0)
    written = []

    @transaction.atomic
    def change_that_fails() -> None:
        notify_where(recipients=User.objects.filter(pk=admin.pk), kind="k", subject="s")
        written.append(Notification.objects.count())
        raise RuntimeError

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert written == [1]
    assert not Notification.objects.exists()


def test_notify_skips_repeats_and_missing_people(city):
    admin = city.county_admin(0)
    assert notify(recipient_ids=[admin.pk, admin.pk, None], kind="k", subject="s") == 1
