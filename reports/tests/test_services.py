"""Intake and workflow services: the only way reports change."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from grid.models import Role
from grid.tests.factories import UserFactory
from notifications.models import Notification
from reports import services
from reports.models import Report, ReportEvent, Status
from reports.tests import files
from reports.tests.factories import submit


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


pytestmark = pytest.mark.django_db

PNG = files.png()


def test_submit_creates_case_with_number_deadline_event_and_notifies_county_admin(city):
    admin = city.county_admin(0)
    informant = city.informant(0)
    with time_machine.travel("2026-11-22 10:00 +0800", tick=False):
        report = submit(informant)
    assert report.case_number == "YZ-20261122-0001"
    assert report.status == Status.SUBMITTED
    assert report.county == city.counties[0]
    assert report.region_path == city.villages[0].path
    assert report.disposal_due_at - report.discovered_at == timedelta(hours=24)
    assert list(report.events.values_list("transition", "target")) == [("submit", "submitted")]
    assert Notification.objects.filter(recipient=admin, subject=report.case_number).exists()


def test_case_numbers_count_per_local_day(city):
    informant = city.informant(0)
    with time_machine.travel("2026-11-22 23:59 +0800", tick=False):
        first = submit(informant)
    with time_machine.travel("2026-11-23 00:01 +0800", tick=False):
        second = submit(informant)
        third = submit(informant)
    assert first.case_number == "YZ-20261122-0001"
    assert [second.case_number, third.case_number] == ["YZ-20261123-0001", "YZ-20261123-0002"]


def test_retry_with_same_key_or_same_content_within_a_minute_creates_one_report(city):
    informant = city.informant(0)
    a = submit(informant, idempotency_key="k-1", title="同一条", source_urls=["https://x.cn/1"])
    b = submit(informant, idempotency_key="k-1", title="同一条", source_urls=["https://x.cn/1"])
    assert a.pk == b.pk
    c = submit(informant, title="无键重复", source_urls=[])
    d = submit(informant, title="无键重复", source_urls=[])
    assert c.pk == d.pk
    assert Report.objects.count() == 2


def test_the_same_text_with_other_attachments_is_a_new_report_not_a_retry(city):
    """Issue 9: the second POST answered with the first report and dropped its files."""
    informant = city.informant(0)
    shot, other = files.png((4, 3)), files.png((5, 5))
    first = submit(informant, title="同一条", source_urls=[], attachments=[upload("a.png", shot)])
    # Within the window, without a key: the same text and the same file is a retry ...
    again, created = services.report_submit(
        reporter=informant,
        title="同一条",
        body=first.body,
        category=first.category,
        source_platform=first.source_platform,
        attachments=[upload("a.png", shot)],
    )
    assert (again.pk, created) == (first.pk, False)
    # ... other files, more files or none are each a report of their own, files and all.
    second = submit(informant, title="同一条", source_urls=[], attachments=[upload("b.png", other)])
    third = submit(
        informant,
        title="同一条",
        source_urls=[],
        attachments=[upload("a.png", shot), upload("b.png", other)],
    )
    fourth = submit(informant, title="同一条", source_urls=[])
    assert len({first.pk, second.pk, third.pk, fourth.pk}) == 4
    assert [a.sha256 for a in third.attachments.all()] == [
        first.attachments.get().sha256,
        second.attachments.get().sha256,
    ]
    assert fourth.attachments.count() == 0


def test_the_order_of_the_same_files_does_not_make_a_new_report(city):
    informant = city.informant(0)
    one, two = upload("1.png", files.png((4, 3))), upload("2.png", files.png((5, 5)))
    first = submit(informant, title="同一条", source_urls=[], attachments=[one, two])
    one, two = upload("1.png", files.png((4, 3))), upload("2.png", files.png((5, 5)))
    assert submit(informant, title="同一条", source_urls=[], attachments=[two, one]).pk == first.pk


def test_the_same_key_with_other_files_is_refused_naming_the_first_case(city):
    informant = city.informant(0)
    first = submit(informant, idempotency_key="k-9", attachments=[upload("a.png", files.png())])
    with pytest.raises(services.IdempotencyKeyReused) as exc:
        services.report_submit(
            reporter=informant,
            title=first.title,
            body=first.body,
            category=first.category,
            source_platform=first.source_platform,
            source_urls=[s.url for s in first.sources.all()],
            attachments=[upload("b.png", files.png((9, 9)))],
            idempotency_key="k-9",
        )
    assert exc.value.report == first
    assert first.case_number in str(exc.value)
    assert Report.objects.count() == 1


def test_identical_content_after_the_window_is_a_new_report(city):
    informant = city.informant(0)
    with time_machine.travel("2026-11-22 10:00 +0800", tick=False):
        a = submit(informant, title="同一条", source_urls=[])
    with time_machine.travel("2026-11-22 10:02 +0800", tick=False):
        b = submit(informant, title="同一条", source_urls=[])
    assert a.pk != b.pk


def test_same_source_url_is_flagged_as_likely_duplicate(city):
    first = submit(city.informant(0), source_urls=["https://m.weibo.cn/status/42?from=share"])
    second = submit(city.informant(1), source_urls=["https://weibo.com/status/42/"])
    assert second.likely_duplicate_of == first


def test_bad_input_is_refused_with_every_reason(city):
    informant = city.informant(0)
    far_village = city.villages[-1]
    with pytest.raises(ValidationError) as exc:
        services.report_submit(
            reporter=informant,
            title=" ",
            body="",
            category="nope",
            source_platform="x",
            source_urls=["ftp://x"],
            region=far_village,
            discovered_at=timezone.now() + timedelta(days=1),
        )
    fields = set(exc.value.message_dict)
    assert fields == {
        "title",
        "body",
        "category",
        "source_platform",
        "source_urls",
        "region",
        "discovered_at",
    }
    assert not Report.objects.exists()


def test_only_grid_point_people_file_reports(city):
    with pytest.raises(PermissionDenied):
        submit(city.county_admin(0))


def test_attachments_checked_by_content_and_stored_with_hash(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    informant = city.informant(0)
    good = SimpleUploadedFile("shot.txt", PNG, content_type="text/plain")  # name lies, bytes don't
    report = submit(informant, attachments=[good])
    att = report.attachments.get()
    assert att.content_type == "image/png"
    assert len(att.sha256) == 64
    bad = SimpleUploadedFile("evil.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        submit(informant, attachments=[bad], title="x2")
    assert "attachments" in exc.value.message_dict


def test_accept_local_requires_a_unit_of_the_county_and_logs(city):
    admin = city.county_admin(0)
    report = submit(city.informant(0))
    other_county_unit = next(u for u in city.units if u.region.is_within(city.counties[1]))
    with pytest.raises(ValidationError):
        services.report_transition(
            report_id=report.pk, by=admin, name="accept_local", data={"unit": other_county_unit.pk}
        )
    township_unit = next(
        u for u in city.units if u.kind == "township" and u.region.is_within(city.counties[0])
    )
    report = services.report_transition(
        report_id=report.pk, by=admin, name="accept_local", data={"unit": township_unit.pk}
    )
    assert report.status == Status.LOCAL_HANDLING
    assert report.assigned_unit == township_unit
    assert report.disposal_reported_at is not None
    event = report.events.last()
    assert (event.source, event.target, event.actor) == ("submitted", "local_handling", admin)


def test_wrong_state_permission_and_jurisdiction(city):
    admin = city.county_admin(0)
    other_admin = city.county_admin(1)
    informant = city.informant(0)
    report = submit(informant)
    with pytest.raises(Report.DoesNotExist):
        services.report_transition(
            report_id=report.pk, by=other_admin, name="escalate", data={"reason": "x"}
        )
    with pytest.raises(Report.DoesNotExist):  # another informant of the same village
        services.report_transition(
            report_id=report.pk, by=city.informant(0), name="escalate", data={"reason": "x"}
        )
    with pytest.raises(PermissionDenied):
        services.report_transition(
            report_id=report.pk, by=informant, name="escalate", data={"reason": "x"}
        )
    with pytest.raises(ValidationError):
        services.report_transition(
            report_id=report.pk, by=admin, name="escalate", data={"reason": " "}
        )
    services.report_transition(
        report_id=report.pk, by=admin, name="escalate", data={"reason": "跨县"}
    )
    with pytest.raises(TransitionNotAllowed):
        services.report_transition(
            report_id=report.pk, by=admin, name="escalate", data={"reason": "again"}
        )


def test_full_path_route_bounce_close_reopen(city):
    admin = city.county_admin(0)
    duty = city.city_user(Role.DUTY_OFFICER)
    unit = city.units[0]
    liaison = UserFactory(role=Role.UNIT_LIAISON, region=unit.region, unit=unit)
    report = submit(city.informant(0))
    services.report_transition(
        report_id=report.pk, by=admin, name="escalate", data={"reason": "需市级协调"}
    )
    services.report_transition(
        report_id=report.pk,
        by=duty,
        name="route",
        data={"grade": "important", "lead_unit": unit.pk},
    )
    services.report_transition(
        report_id=report.pk, by=liaison, name="bounce", data={"reason": "非本单位职责"}
    )
    services.report_transition(
        report_id=report.pk,
        by=duty,
        name="route",
        data={"grade": "important", "lead_unit": unit.pk},
    )
    services.report_transition(
        report_id=report.pk,
        by=liaison,
        name="close",
        data={"resolution": "已核实并回复", "answered_via": "phone"},
    )
    report = services.report_transition(
        report_id=report.pk, by=duty, name="reopen", data={"reason": "再次发酵"}
    )
    assert report.status == Status.ROUTED
    assert list(report.events.values_list("transition", flat=True)) == [
        "submit",
        "escalate",
        "route",
        "bounce",
        "route",
        "close",
        "reopen",
    ]


def test_return_resubmit_and_reject_duplicate(city):
    admin = city.county_admin(0)
    informant = city.informant(0)
    original = submit(informant)
    report = submit(city.informant(1))
    services.report_transition(
        report_id=report.pk, by=admin, name="return_for_info", data={"reason": "请补充截图"}
    )
    with pytest.raises(PermissionDenied):
        services.report_transition(
            report_id=report.pk, by=admin, name="resubmit", data={"supplement": "x"}
        )
    services.report_transition(
        report_id=report.pk, by=report.reporter, name="resubmit", data={"supplement": "已补充链接"}
    )
    report = services.report_transition(
        report_id=report.pk,
        by=admin,
        name="reject",
        data={"kind": "duplicate", "reason": "重复", "duplicate_of": original.case_number},
    )
    assert report.status == Status.REJECTED
    assert report.duplicate_of == original
    assert report.reporter != original.reporter  # both reporters stay credited


def test_events_are_append_only(city):
    report = submit(city.informant(0))
    event = ReportEvent.objects.get(report=report)
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_a_stale_copy_of_a_case_cannot_overwrite_a_newer_state(city):
    # given two copies of one case, read before anyone acted on it
    report = submit(city.informant(0))
    stale = Report.objects.get(pk=report.pk)
    services.report_transition(
        report_id=report.pk, by=city.county_admin(0), name="escalate", data={"reason": "重大"}
    )
    # when the stale copy is saved from its old state
    stale.accept_local(unit=city.units[0])
    # then the guard refuses it and the stored state stays
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()
    assert Report.objects.get(pk=report.pk).status == Status.ESCALATED
