"""Case exports: the task writes the scoped rows to a spreadsheet kept through the storage API,
logs who asked for what, reports its progress; pages and API refuse bad periods and another
person's export."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from config.celery import app
from grid.models import AccessRecord, Role
from grid.tests.factories import UserFactory, api_token_for
from grid.workdays import SHANGHAI
from reports.tests.factories import submit
from scorecards.exports.models import CaseExport, ExportState
from scorecards.exports.periods import Period, period_of
from scorecards.exports.services import MAX_ACTIVE, TooManyExports, export_run, export_start

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI)
Q4 = Period("quarter", "2026-Q4", date(2026, 10, 1), date(2026, 12, 10))


@pytest.fixture(autouse=True)
def memory_storage(settings):
    # Nothing on local paths: web and worker nodes may differ.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def cases(city):
    """County 0: two cases in Q4, one in September; county 1: one case in Q4."""
    made = {}
    for key, village, moment in (
        ("a", 0, datetime(2026, 10, 1, 0, 30, tzinfo=SHANGHAI)),
        ("b", 2, datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)),
        ("sept", 1, datetime(2026, 9, 30, 23, 30, tzinfo=SHANGHAI)),
        ("far", 4, datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)),
    ):
        with time_machine.travel(moment, tick=False):
            made[key] = submit(city.informant(village), title=f"案件{key}")
    return made


@pytest.fixture
def county_leader(city):
    return UserFactory(role=Role.LEADER, region=city.counties[0])


def rows_of(export: CaseExport) -> list[tuple]:
    with default_storage.open(export.file.name, "rb") as f:
        book = load_workbook(BytesIO(f.read()))
    return list(book.active.iter_rows(values_only=True))


def test_the_task_writes_the_county_leaders_cases_of_the_quarter(
    city, cases, county_leader, settings
):
    settings.LANGUAGE_CODE = "zh-hans"  # the worker writes in the product's language
    with time_machine.travel(NOW, tick=False):
        export = export_start(user=county_leader, period=Q4)
        done = export_run(export_id=export.pk)
    assert done.state == ExportState.DONE
    assert (done.total, done.written, done.percent) == (2, 2, 100)
    rows = rows_of(done)
    assert rows[0][0] == "事项编号"
    assert rows[0][1] == "标题"
    numbers = [r[0] for r in rows[1:]]
    assert numbers == [cases["a"].case_number, cases["b"].case_number]  # oldest first
    first = rows[1]
    assert first[1] == "案件a"
    assert first[6] == "第1区"
    assert first[9] == datetime(2026, 10, 1, 0, 30)  # noqa: DTZ001 (naive: the city's wall clock)
    assert done.size == default_storage.size(done.file.name) > 0
    # The log: who exported what, when.
    logged = CaseExport.objects.get(pk=export.pk)
    assert logged.requested_by == county_leader
    assert logged.region_name == "第1区"
    assert (logged.first_day, logged.last_day) == (date(2026, 10, 1), date(2026, 12, 10))
    assert logged.created_at == NOW
    assert logged.finished_at is not None


def test_the_sheet_is_styled_frozen_and_wide_enough(city, cases, county_leader):
    export = export_start(user=county_leader, period=Q4)
    export_run(export_id=export.pk)
    export.refresh_from_db()
    with default_storage.open(export.file.name, "rb") as f:
        sheet = load_workbook(BytesIO(f.read())).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["B"].width >= 40
    assert sheet["J2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["J2"].is_date


def test_a_city_leader_exports_every_county(city, cases):
    leader = city.city_user(Role.LEADER)
    export = export_start(user=leader, period=Q4)
    export_run(export_id=export.pk)
    export.refresh_from_db()
    assert sorted(r[1] for r in rows_of(export)[1:]) == ["案件a", "案件b", "案件far"]


def test_progress_is_written_as_rows_go(city, county_leader, monkeypatch):
    from scorecards.exports import writer

    for village in range(3):
        with time_machine.travel(datetime(2026, 11, 3, 9, village, tzinfo=SHANGHAI)):
            submit(city.informant(village))
    seen = []
    original = writer.write_cases

    def every_row(cases, out, *, progress, every=5000):
        def watched(n):
            progress(n)
            seen.append(CaseExport.objects.values_list("state", "written", "total").get())

        return original(cases, out, progress=watched, every=1)

    monkeypatch.setattr("scorecards.exports.services.write_cases", every_row)
    monkeypatch.setattr(writer, "CHUNK", 2)  # two keyset pages: none lost, none twice
    export = export_start(user=county_leader, period=Q4)
    export_run(export_id=export.pk)
    assert seen[:3] == [("running", 1, 3), ("running", 2, 3), ("running", 3, 3)]
    export.refresh_from_db()
    assert export.state == ExportState.DONE
    assert export.percent == 100


def test_a_resent_task_does_nothing(city, cases, county_leader):
    export = export_start(user=county_leader, period=Q4)
    assert export_run(export_id=export.pk) is not None
    name = CaseExport.objects.get(pk=export.pk).file.name
    assert export_run(export_id=export.pk) is None
    assert CaseExport.objects.get(pk=export.pk).file.name == name


def test_a_failure_is_recorded(city, cases, county_leader, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("scorecards.exports.services.write_cases", broken)
    export = export_start(user=county_leader, period=Q4)
    failed = export_run(export_id=export.pk)
    assert failed.state == ExportState.FAILED
    assert "disk full" in failed.error


def test_at_most_two_exports_wait_at_once(city, county_leader):
    for _ in range(MAX_ACTIVE):
        export_start(user=county_leader, period=Q4)
    with pytest.raises(TooManyExports):
        export_start(user=county_leader, period=Q4)


@pytest.mark.parametrize(
    ("asked", "field"),
    [
        ({"kind": "quarter", "quarter": "2026-Q5"}, "quarter"),
        ({"kind": "quarter", "quarter": "2027-Q1"}, "quarter"),  # not begun
        ({"kind": "month", "month": "2026-13"}, "month"),
        ({"kind": "range", "first": date(2026, 1, 1), "last": date(2026, 6, 1)}, "last"),
        ({"kind": "range", "first": date(2026, 12, 1), "last": date(2026, 12, 11)}, "last"),
        ({"kind": "range", "first": date(2026, 12, 5), "last": date(2026, 12, 1)}, "last"),
        ({"kind": "week"}, "kind"),
    ],
)
def test_bad_periods_are_refused(asked, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        period_of(today=date(2026, 12, 10), **asked)
    assert field in error.value.message_dict


def test_a_running_quarter_is_cut_at_today():
    period = period_of(kind="quarter", quarter="2026-q4", today=date(2026, 12, 10))
    assert (period.first, period.last, period.label) == (
        date(2026, 10, 1),
        date(2026, 12, 10),
        "2026-Q4",
    )


@pytest.fixture
def eager():
    """Tasks run where they are published, as CELERY_TASK_ALWAYS_EAGER makes them."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_the_page_starts_an_export_that_runs_in_a_worker(
    client, city, cases, county_leader, eager, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        client.force_login(county_leader)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("scorecards-exports"), {"kind": "quarter", "quarter": "2026-Q4"}
            )
        assert response.status_code == 302
        export = CaseExport.objects.get()
        assert export.state == ExportState.DONE  # the eager worker wrote it
        page = client.get(reverse("scorecards-exports")).content.decode()
    download = reverse("scorecards-export-download", args=[export.pk])
    assert download in page
    got = client.get(download)
    assert got.status_code == 200
    assert len(load_workbook(BytesIO(b"".join(got.streaming_content))).active["A"]) == 3
    kinds = list(AccessRecord.objects.filter(user=county_leader).values_list("kind", flat=True))
    assert kinds.count("export") == 2  # asked for, downloaded


def test_the_progress_row_polls_until_finished(client, city, county_leader):
    client.force_login(county_leader)
    export = export_start(user=county_leader, period=Q4)
    row = client.get(reverse("scorecards-export-progress", args=[export.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in row
    export_run(export_id=export.pk)
    row = client.get(reverse("scorecards-export-progress", args=[export.pk])).content.decode()
    assert "hx-trigger" not in row
    assert reverse("scorecards-export-download", args=[export.pk]) in row


def test_a_bad_period_on_the_page_is_a_form_error(client, city, county_leader):
    client.force_login(county_leader)
    response = client.post(
        reverse("scorecards-exports"),
        {"kind": "range", "first": "2026-01-01", "last": "2026-09-30"},
    )
    assert response.status_code == 400
    assert "2026-09-30" in response.content.decode()  # what was typed is kept
    assert not CaseExport.objects.exists()


def test_another_countys_export_is_404(client, city, cases, county_leader):
    export = export_start(user=county_leader, period=Q4)
    export_run(export_id=export.pk)
    other = UserFactory(role=Role.LEADER, region=city.counties[1])
    client.force_login(other)
    for name in ("scorecards-export-progress", "scorecards-export-download"):
        assert client.get(reverse(name, args=[export.pk])).status_code == 404
    api = client.get(reverse("scorecards_api:export", args=[export.pk]))
    assert api.status_code == 404
    assert api.json()["code"]


def test_people_who_do_not_see_scorecards_may_not_export(client, city):
    client.force_login(city.informant(0))
    assert client.get(reverse("scorecards-exports")).status_code == 403


def test_the_api_starts_and_polls_an_export(client, city, cases, county_leader):
    token = api_token_for(county_leader)
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    with time_machine.travel(NOW, tick=False):
        started = client.post(
            reverse("scorecards_api:exports"),
            {"kind": "month", "month": "2026-11"},
            content_type="application/json",
            **auth,
        )
    assert started.status_code == 202
    body = started.json()
    assert (body["state"], body["label"], body["download"]) == ("queued", "2026-11", None)
    export_run(export_id=body["id"])
    polled = client.get(reverse("scorecards_api:export", args=[body["id"]]), **auth).json()
    assert (polled["state"], polled["total"], polled["percent"]) == ("done", 1, 100)
    assert polled["download"] == reverse("scorecards-export-download", args=[body["id"]])
    mine = client.get(reverse("scorecards_api:exports"), **auth).json()
    assert [e["id"] for e in mine["results"]] == [body["id"]]


@pytest.mark.parametrize(
    "asked",
    [
        {"kind": "range", "first": "2026-01-01", "last": "2026-06-30"},  # too long
        {"kind": "range", "first": "2026-12-01", "last": "2027-01-31"},  # in the future
        {"kind": "quarter", "quarter": "Q4"},
        {"kind": "range", "first": "yesterday", "last": "2026-12-01"},
    ],
)
def test_the_api_refuses_bad_periods_with_json(client, city, county_leader, asked):
    with time_machine.travel(NOW, tick=False):
        client.force_login(county_leader)
        response = client.post(
            reverse("scorecards_api:exports"), asked, content_type="application/json"
        )
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not CaseExport.objects.exists()


def test_the_export_endpoints_are_in_the_schema(client, city):
    client.force_login(city.city_user(Role.SYS_ADMIN))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    assert "/api/v1/scorecards/exports/" in text
    assert "/api/v1/scorecards/exports/{id}/" in text


# --- the sweep: exports nobody looks after ------------------------------------------------


def sweep_at(moment: datetime):
    from scorecards.exports.services import exports_sweep

    return exports_sweep(now=moment)


def test_stalled_exports_fail_so_their_person_may_ask_again(city, county_leader):
    with time_machine.travel(NOW, tick=False):
        lost = export_start(user=county_leader, period=Q4)  # no broker ever took it
        died = export_start(user=county_leader, period=Q4)
        CaseExport.objects.filter(pk=died.pk).update(state=ExportState.RUNNING, started_at=NOW)
        with pytest.raises(TooManyExports):
            export_start(user=county_leader, period=Q4)
    later = NOW + timedelta(minutes=59)
    assert sweep_at(later).failed == 0  # within the hour both may still be under way
    assert sweep_at(NOW + timedelta(minutes=61)).failed == 2
    assert sweep_at(NOW + timedelta(minutes=62)).failed == 0  # once
    for export in CaseExport.objects.filter(pk__in=[lost.pk, died.pk]):
        assert export.state == ExportState.FAILED
        assert "ask for it again" in export.error
    with time_machine.travel(NOW + timedelta(minutes=63), tick=False):
        assert export_start(user=county_leader, period=Q4).state == ExportState.QUEUED


def test_an_export_still_queued_is_handed_to_a_worker_again(
    city, cases, county_leader, eager, django_capture_on_commit_callbacks
):
    # the broker was down: nothing ran at commit
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=False):
        export = export_start(user=county_leader, period=Q4)
    assert sweep_at(NOW + timedelta(minutes=9)).requeued == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_at(NOW + timedelta(minutes=11)).requeued == 1
    export.refresh_from_db()
    assert export.state == ExportState.DONE  # the eager worker wrote it
    assert sweep_at(NOW + timedelta(minutes=21)).requeued == 0


def test_old_files_are_deleted_and_their_rows_stay_as_the_log(client, city, cases, county_leader):
    with time_machine.travel(NOW, tick=False):
        old = export_start(user=county_leader, period=Q4)
        export_run(export_id=old.pk)
    with time_machine.travel(NOW + timedelta(days=6), tick=False):
        new = export_start(user=county_leader, period=Q4)
        export_run(export_id=new.pk)
    old.refresh_from_db()
    name = old.file.name
    assert default_storage.exists(name)
    assert sweep_at(NOW + timedelta(days=7, minutes=-1)).expired == 0
    assert sweep_at(NOW + timedelta(days=7, minutes=1)).expired == 1
    assert sweep_at(NOW + timedelta(days=7, minutes=2)).expired == 0
    assert not default_storage.exists(name)
    old.refresh_from_db()
    # the log keeps what was exported: its two cases
    assert (old.state, old.file.name, old.written) == (ExportState.EXPIRED, "", 2)
    assert CaseExport.objects.get(pk=new.pk).state == ExportState.DONE
    client.force_login(county_leader)
    download = reverse("scorecards-export-download", args=[old.pk])
    assert client.get(download).status_code == 404
    row = client.get(reverse("scorecards-export-progress", args=[old.pk]))
    assert "hx-trigger" not in row.content.decode()  # finished: no more polling
    assert client.get(reverse("scorecards-export-download", args=[new.pk])).status_code == 200


def test_the_export_sweep_is_scheduled_every_ten_minutes():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="scorecards.tasks.sweep_exports")
    assert (task.interval.every, task.interval.period, task.enabled) == (600, "seconds", True)
