"""notify_many writes its rows as plain tuples (notifications.bulk): the same rows as the model
would, in as many statements as its batch size says."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grid.models import User
from notifications.kinds import UnknownKind
from notifications.models import Notification
from notifications.services import Message, notify_many, notify_select

pytestmark = pytest.mark.django_db


def test_every_field_is_written_as_the_model_would(city):
    # given two people, and two messages: one with a context, one urgent and too long
    first, second = city.county_admin(0), city.county_admin(1)
    messages = [
        Message(
            recipient_ids=[first.pk, None, first.pk, second.pk],
            kind="k",
            subject="编号",
            text='正文 {"引号", \\反斜杠} NULL',
            url="/r/1/",
            context={"kind": "daily_report", "missed": 3, "名": "小营村"},
        ),
        Message(
            recipient_ids=[second.pk],
            kind="dispatch_major_case",
            subject="编" * 150,
            text="号" * 400,
            url="/r/" + "9" * 300,
        ),
    ]
    # when they are queued at 10:00
    with time_machine.travel("2026-11-22 10:00 +0800", tick=False):
        written = notify_many(messages=messages)
    # then repeats and missing ids are skipped, and each row reads back whole
    assert written == 3
    rows = list(Notification.objects.order_by("pk"))
    assert [(n.recipient_id, n.kind) for n in rows] == [
        (first.pk, "k"),
        (second.pk, "k"),
        (second.pk, "dispatch_major_case"),
    ]
    assert rows[0].context == {"kind": "daily_report", "missed": 3, "名": "小营村"}
    assert (rows[0].subject, rows[0].text, rows[0].url) == (
        "编号",
        '正文 {"引号", \\反斜杠} NULL',
        "/r/1/",
    )
    assert rows[0].urgent is False  # the kind's urgency
    assert rows[2].urgent is True
    assert rows[2].context == {}
    assert (len(rows[2].subject), len(rows[2].text), len(rows[2].url)) == (100, 300, 200)
    for note in rows:
        assert note.created_at == datetime.fromisoformat("2026-11-22T10:00+08:00")
        assert (note.read_at, note.delivered_at, note.awaiting_digest) == (None, None, False)


def test_an_urgency_given_overrides_the_kinds(city):
    admin = city.county_admin(0)
    notify_many(messages=[Message(recipient_ids=[admin.pk], kind="k", subject="s", urgent=True)])
    assert Notification.objects.get().urgent is True


def test_rows_are_written_in_batches(city):
    # given 7 people told one message each
    people = [city.county_admin(0).pk for _i in range(7)]
    messages = [Message(recipient_ids=[pk], kind="k", subject=str(pk)) for pk in people]
    # when queued 3 rows per INSERT (PostgreSQL writes up to 5,000 per INSERT whatever it is)
    with CaptureQueriesContext(connection) as queries:
        assert notify_many(messages=messages, batch_size=3) == 7
    inserts = [q for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == (1 if connection.vendor == "postgresql" else 3)
    assert sorted(Notification.objects.values_list("recipient_id", "subject")) == sorted(
        (pk, str(pk)) for pk in people
    )


def test_nothing_to_tell_writes_nothing(city, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert notify_many(messages=[Message(recipient_ids=[None], kind="k", subject="s")]) == 0


def test_notify_select_writes_the_rows_a_query_selects_as_the_model_would(
    city, django_capture_on_commit_callbacks
):
    # given two people and a query naming them with messages of their own, one too long
    first, second = city.county_admin(0), city.county_admin(1)
    users = connection.ops.quote_name(User._meta.db_table)
    sql = (
        f"SELECT id AS recipient_id, username AS subject, "  # noqa: S608
        f"CASE WHEN id = %s THEN %s ELSE %s END AS text, %s || CAST(id AS text) AS url "
        f"FROM {users} WHERE id IN (%s, %s)"
    )
    params = [second.pk, "号" * 400, "正文", "/u/", first.pk, second.pk]
    # when they are queued at 10:00 as an urgent kind
    with (
        time_machine.travel("2026-11-22 10:00 +0800", tick=False),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        written = notify_select(kind="dispatch_major_case", sql=sql, params=params)
    # then each row reads back whole, cut to its columns, and delivery is asked once
    assert written == 2
    rows = {n.recipient_id: n for n in Notification.objects.all()}
    assert (rows[first.pk].subject, rows[first.pk].text, rows[first.pk].url) == (
        first.username,
        "正文",
        f"/u/{first.pk}",
    )
    assert len(rows[second.pk].text) == 300
    for note in rows.values():
        assert (note.kind, note.urgent, note.context) == ("dispatch_major_case", True, {})
        assert note.created_at == datetime.fromisoformat("2026-11-22T10:00+08:00")
        assert (note.read_at, note.delivered_at, note.awaiting_digest) == (None, None, False)
    assert len(callbacks) == 1


def test_notify_select_refuses_an_undeclared_kind(city):
    with pytest.raises(UnknownKind):
        notify_select(kind="no_such_kind", sql="SELECT 1, 's', 't', 'u'", params=[])
    assert not Notification.objects.exists()
