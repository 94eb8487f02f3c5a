"""The duty log is append-only: entries are added, corrections are new entries."""

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from duty.errors import DutyConflict
from duty.models import LogEntry, LogKind
from duty.services import log_append
from duty.tests.helpers import DAY, at, put_on

pytestmark = pytest.mark.django_db


def test_entries_are_appended_and_a_correction_names_the_entry(crew):
    day = put_on(crew, [crew.members[0]], leader=crew.head)
    first = log_append(
        by=crew.members[0],
        day_id=day.pk,
        kind=LogKind.RECEIVED,
        text="接县网信办通知",
        now=at(DAY, 10),
    )
    leader = log_append(
        by=crew.head,
        day_id=day.pk,
        kind=LogKind.RELAYED,
        text="转达各信息员",
        occurred_at="2026-12-10T10:30",
        now=at(DAY, 11),
    )
    fix = log_append(
        by=crew.members[0],
        day_id=day.pk,
        kind=LogKind.OTHER,
        text="更正：通知来自市网信办",
        corrects_id=first.pk,
        now=at(DAY, 12),
    )
    assert leader.occurred_at == at(DAY, 10, 30)
    assert fix.corrects_id == first.pk
    first.refresh_from_db()
    assert first.text == "接县网信办通知"  # the corrected entry stays as written
    assert LogEntry.objects.count() == 3


def test_no_service_changes_or_deletes_an_entry_and_the_admin_reads_only(crew, rf):
    import duty.services as services

    assert not [name for name in dir(services) if name.startswith("log_") and name != "log_append"]
    model_admin = admin.site._registry[LogEntry]
    request = rf.get("/")
    request.user = crew.admin
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_log_refusals_in_order(crew):
    day = put_on(crew, [crew.members[0]])
    from django.core.exceptions import ObjectDoesNotExist

    with pytest.raises(ObjectDoesNotExist):
        log_append(by=crew.stranger, day_id=day.pk, kind="call", text="x", now=at(DAY, 10))
    with pytest.raises(DutyConflict):  # not begun
        log_append(by=crew.members[0], day_id=day.pk, kind="call", text="x", now=at(DAY, 8))
    with pytest.raises(PermissionDenied):
        log_append(by=crew.members[1], day_id=day.pk, kind="call", text="x", now=at(DAY, 10))
    with pytest.raises(ValidationError) as refused:
        log_append(
            by=crew.members[0],
            day_id=day.pk,
            kind="chat",
            text="",
            occurred_at="2026-12-10T08:00",
            corrects_id="999999",
            now=at(DAY, 10),
        )
    assert set(refused.value.message_dict) == {"kind", "text", "occurred_at", "corrects"}
    with pytest.raises(ValidationError):  # in the future
        log_append(
            by=crew.members[0],
            day_id=day.pk,
            kind="call",
            text="x",
            occurred_at="2026-12-10T11:00",
            now=at(DAY, 10),
        )
    assert not LogEntry.objects.exists()


def test_another_app_records_in_the_log_of_the_duty_a_person_is_on_now(crew):
    from duty.services import record_on_duty

    day = put_on(crew, [crew.members[0]], leader=crew.head)
    during = day.starts_at + (day.ends_at - day.starts_at) / 2
    entry = record_on_duty(by=crew.members[0], kind=LogKind.RELAYED, text=" 转达 ", now=during)
    assert (entry.day, entry.text, entry.occurred_at) == (day, "转达", during)
    # the leader on duty too; before the duty, after it, or not on it: nothing written
    assert record_on_duty(by=crew.head, kind=LogKind.RELAYED, text="x", now=during).day == day
    assert record_on_duty(by=crew.members[0], kind="relayed", text="x", now=day.ends_at) is None
    assert record_on_duty(by=crew.members[1], kind="relayed", text="x", now=during) is None
    assert LogEntry.objects.count() == 2
    with pytest.raises(ValueError, match="unknown"):
        record_on_duty(by=crew.members[0], kind="nonsense", text="x", now=during)
