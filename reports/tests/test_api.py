"""The report API: filing, lists, the case, every transition and attachment downloads."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_fsm import ConcurrentTransition
from rest_framework.test import APIClient

from grid.models import AccessKind, AccessRecord, Role, Unit, UnitKind, User
from grid.pagination import CappedPaginator
from grid.tests.factories import UserFactory, api_token_for
from grid.tests.test_api import assert_json_error
from reports import services
from reports.models import Report, ReportEvent, Status
from reports.tests import files
from reports.tests.factories import submit
from reports.workflow import TRANSITIONS

pytestmark = pytest.mark.django_db

PNG = files.png()
PDF = files.pdf()
LIST_URL = reverse("reports_api:report-list")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Factories set a password on every person; hash it cheaply here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def api(user: User | None = None) -> APIClient:
    """A client that authenticates with ``user``'s API token, as a real client would."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def detail_url(report: Report) -> str:
    return reverse("reports_api:report-detail", args=[report.pk])


def transition_url(report: Report, name: str) -> str:
    return reverse("reports_api:report-transition", args=[report.pk, name])


@dataclass
class Cast:
    """The people a case meets on its way, all in county 0 unless named otherwise."""

    reporter: User
    admin: User
    other_admin: User  # county 1
    duty: User
    liaison: User  # of the lead unit
    township_unit: Unit
    lead_unit: Unit


@pytest.fixture
def cast(city) -> Cast:
    county = city.counties[0]
    lead_unit = next(u for u in city.units if u.region == county)
    township_unit = next(
        u for u in city.units if u.kind == UnitKind.TOWNSHIP and u.region.is_within(county)
    )
    return Cast(
        reporter=city.informant(0),
        admin=city.county_admin(0),
        other_admin=city.county_admin(1),
        duty=city.city_user(Role.DUTY_OFFICER),
        liaison=UserFactory(role=Role.UNIT_LIAISON, region=county, unit=lead_unit),
        township_unit=township_unit,
        lead_unit=lead_unit,
    )


def case_in(cast: Cast, state: str) -> Report:
    """A case of ``cast.reporter`` brought to ``state`` through the real services."""
    report = submit(cast.reporter)
    pk = report.pk
    if state == Status.RETURNED:
        services.report_transition(
            report_id=pk, by=cast.admin, name="return_for_info", data={"reason": "请补充截图"}
        )
    elif state == Status.LOCAL_HANDLING:
        services.report_transition(
            report_id=pk, by=cast.admin, name="accept_local", data={"unit": cast.township_unit.pk}
        )
    elif state in (Status.ESCALATED, Status.ROUTED, Status.CLOSED):
        services.report_transition(
            report_id=pk, by=cast.admin, name="escalate", data={"reason": "需市级协调"}
        )
        if state in (Status.ROUTED, Status.CLOSED):
            services.report_transition(
                report_id=pk,
                by=cast.duty,
                name="route",
                data={"grade": "important", "lead_unit": cast.lead_unit.pk},
            )
        if state == Status.CLOSED:
            services.report_transition(
                report_id=pk,
                by=cast.liaison,
                name="close",
                data={"resolution": "已核实并回复", "answered_via": "on_platform"},
            )
    report.refresh_from_db()
    assert report.status == state
    return report


# --- filing ----------------------------------------------------------------------------------


def test_informant_files_a_report_as_json(cast):
    response = api(cast.reporter).post(
        LIST_URL,
        {
            "title": "网传某村道路塌陷",
            "body": "微信群内有人称村道塌陷，需要核实。",
            "category": "negative",
            "source_platform": "wechat_group",
            "source_urls": ["https://example.com/a", "https://example.com/b"],
            "discovered_at": "2026-11-22T09:30:00+08:00",
            "suggested_grade": "important",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert re.fullmatch(r"YZ-\d{8}-\d{4}", body["case_number"])
    assert body["status"] == "submitted"
    assert body["region"]["id"] == cast.reporter.region_id
    assert body["reporter"] == {"id": cast.reporter.pk, "name": cast.reporter.name}
    assert body["source_urls"] == ["https://example.com/a", "https://example.com/b"]
    assert body["suggested_grade"] == "important"
    assert [e["transition"] for e in body["history"]] == ["submit"]
    assert Report.objects.get(pk=body["id"]).reporter == cast.reporter


def test_informant_files_with_attachments_as_multipart(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = api(cast.reporter).post(
        LIST_URL,
        {
            "title": "截图举报",
            "body": "见附件截图。",
            "category": "rumour",
            "source_platform": "weibo",
            "source_urls": ["https://weibo.com/1", "https://weibo.com/2"],
            "region": cast.reporter.region_id,
            "attachments": [
                SimpleUploadedFile("shot.png", PNG, content_type="image/png"),
                SimpleUploadedFile("notice.pdf", PDF, content_type="application/pdf"),
            ],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["source_urls"] == ["https://weibo.com/1", "https://weibo.com/2"]
    assert [(a["number"], a["name"], a["content_type"]) for a in body["attachments"]] == [
        (1, "shot.png", "image/png"),
        (2, "notice.pdf", "application/pdf"),
    ]
    assert body["attachments"][0]["size"] == len(PNG)
    assert body["attachments"][0]["url"].endswith(f"/api/v1/reports/{body['id']}/attachments/1/")
    # The answer is built from what intake just wrote: it is the case as a read returns it.
    assert api(cast.reporter).get(f"{LIST_URL}{body['id']}/").json() == body


def test_filing_answers_without_reading_the_case_back(cast, django_assert_max_num_queries):
    client = api(cast.reporter)
    # token and person, the disposal clock's rule (grid.clocks, one indexed row), case
    # number, lock, retry check, county, duplicate check, the inserts of case, sources and
    # event, the county admins' ids and their notifications, and the transaction's two ends:
    # nothing after.
    with django_assert_max_num_queries(14):
        response = client.post(
            LIST_URL,
            {
                "title": "网传某村道路塌陷",
                "body": "需要核实。",
                "category": "negative",
                "source_platform": "wechat_group",
                "source_urls": ["https://example.com/a"],
            },
            format="json",
        )
    assert response.status_code == 201, response.json()


def test_attachments_are_checked_by_content(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = api(cast.reporter).post(
        LIST_URL,
        {
            "title": "假图片",
            "body": "x",
            "category": "other",
            "source_platform": "other",
            "attachments": [
                SimpleUploadedFile("evil.png", b"MZ\x90\x00", content_type="image/png")
            ],
        },
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "evil.png" in body["errors"]["attachments"][0]
    assert not Report.objects.exists()


def test_at_most_nine_attachments(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    files = [SimpleUploadedFile(f"{i}.png", PNG, content_type="image/png") for i in range(10)]
    response = api(cast.reporter).post(
        LIST_URL,
        {
            "title": "十张图",
            "body": "x",
            "category": "other",
            "source_platform": "other",
            "attachments": files,
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"attachments"}


def test_bad_fields_answer_400_naming_each_field(cast):
    response = api(cast.reporter).post(
        LIST_URL,
        {"title": "", "category": "nope", "source_platform": "weibo", "source_urls": ["ftp://x"]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"title", "body", "category"}
    response = api(cast.reporter).post(
        LIST_URL,
        {"title": "t", "body": "b", "category": "other", "source_platform": "x2"},
        format="json",
    )
    assert set(response.json()["errors"]) == {"source_platform"}


def test_service_rules_answer_400_too(cast, city):
    response = api(cast.reporter).post(
        LIST_URL,
        {
            "title": "t",
            "body": "b",
            "category": "other",
            "source_platform": "other",
            "source_urls": ["ftp://example.com/x"],
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"source_urls"}


def test_region_outside_the_informants_area_is_refused(cast, city):
    for region in (city.villages[-1], city.counties[0]):
        response = api(cast.reporter).post(
            LIST_URL,
            {
                "title": "t",
                "body": "b",
                "category": "other",
                "source_platform": "other",
                "region": region.pk,
            },
            format="json",
        )
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"region"}


def test_a_retry_with_the_same_idempotency_key_returns_the_same_case(cast):
    client = api(cast.reporter)
    payload = {"title": "重试", "body": "网络不好", "category": "other", "source_platform": "other"}
    first = client.post(LIST_URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="k-42")
    # The app changed nothing but the network dropped the answer: the same key comes again.
    second = client.post(
        LIST_URL, {**payload, "title": "重试 "}, format="json", HTTP_IDEMPOTENCY_KEY="k-42"
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["case_number"] == second.json()["case_number"]
    assert Report.objects.count() == 1


def test_the_idempotency_key_may_come_in_the_body(cast):
    client = api(cast.reporter)
    payload = {
        "title": "重试",
        "body": "b",
        "category": "other",
        "source_platform": "other",
        "idempotency_key": "body-key",
    }
    first = client.post(LIST_URL, payload, format="json")
    second = client.post(LIST_URL, payload, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert Report.objects.count() == 1


def _multipart(client, key: str = "", **files_by_name):
    payload = {"title": "截图", "body": "见附件", "category": "other", "source_platform": "other"}
    attachments = [
        SimpleUploadedFile(name, data, content_type="image/png")
        for name, data in files_by_name.items()
    ]
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        LIST_URL, {**payload, "attachments": attachments}, format="multipart", **headers
    )


def test_a_retry_with_other_attachments_is_a_new_case_with_its_files(cast, settings, tmp_path):
    """Issue 9: answered 200 with the first case, and the new files were lost."""
    settings.MEDIA_ROOT = tmp_path
    client = api(cast.reporter)
    first = _multipart(client, **{"a.png": files.png((4, 3))})
    again = _multipart(client, **{"a.png": files.png((4, 3))})
    other = _multipart(client, **{"b.png": files.png((6, 6))})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert again.json()["id"] == first.json()["id"]
    assert other.json()["id"] != first.json()["id"]
    assert [a["name"] for a in other.json()["attachments"]] == ["b.png"]


def test_the_same_key_with_other_attachments_answers_422(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api(cast.reporter)
    first = _multipart(client, "phone-1", **{"a.png": files.png((4, 3))})
    retry = _multipart(client, "phone-1", **{"a.png": files.png((4, 3))})
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["id"] == first.json()["id"]
    response = _multipart(client, "phone-1", **{"a.png": files.png((4, 3)), "b.png": PNG})
    body = assert_json_error(response, 422)
    assert body["code"] == "idempotency_key_reused"
    assert first.json()["case_number"] in body["detail"]
    assert Report.objects.count() == 1
    assert Report.objects.get().attachments.count() == 1
    operation = api(cast.admin).get(reverse("api-schema"), {"format": "json"}).json()
    operation = operation["paths"]["/api/v1/reports/"]["post"]
    assert "422" in operation["responses"]
    assert "idempotency_key_reused" in operation["description"]
    # With a new key the same content is filed, files and all.
    response = _multipart(client, "phone-2", **{"a.png": files.png((4, 3)), "b.png": PNG})
    assert response.status_code == 201
    assert len(response.json()["attachments"]) == 2


@pytest.mark.parametrize("role", ["admin", "duty", "liaison"])
def test_people_who_do_not_file_get_403(cast, role):
    response = api(getattr(cast, role)).post(
        LIST_URL,
        {"title": "t", "body": "b", "category": "other", "source_platform": "other"},
        format="json",
    )
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "code"}
    assert not Report.objects.exists()


def test_anonymous_callers_get_nothing(cast):
    case_in(cast, Status.SUBMITTED)
    assert api().get(LIST_URL).status_code in (401, 403)


# --- lists -----------------------------------------------------------------------------------


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_list_is_scoped_to_who_asks(cast, city):
    mine = case_in(cast, Status.SUBMITTED)
    neighbour = submit(city.informant(1))
    far = submit(city.informant(len(city.grid_points) - 1))  # county 1
    assert _ids(api(cast.reporter).get(LIST_URL, {"q": "网传"})) == {mine.pk}
    read = AccessRecord.objects.get()
    assert (read.user, read.kind, read.case_id_list, read.query, read.allowed, read.status) == (
        cast.reporter,
        AccessKind.CASE_LIST,
        [mine.pk],
        "q=网传",
        True,
        200,
    )
    assert _ids(api(cast.admin).get(LIST_URL)) == {mine.pk, neighbour.pk}
    assert _ids(api(cast.other_admin).get(LIST_URL)) == {far.pk}
    assert _ids(api(cast.duty).get(LIST_URL)) == {mine.pk, neighbour.pk, far.pk}
    assert _ids(api(cast.liaison).get(LIST_URL)) == set()


def test_list_filters_like_the_county_queue(cast, city):
    submitted = case_in(cast, Status.SUBMITTED)
    escalated = case_in(cast, Status.ESCALATED)
    local = case_in(cast, Status.LOCAL_HANDLING)
    client = api(cast.admin)
    assert _ids(client.get(LIST_URL, {"status": ["submitted", "escalated"]})) == {
        submitted.pk,
        escalated.pk,
    }
    assert _ids(client.get(LIST_URL, {"q": local.case_number})) == {local.pk}
    assert _ids(client.get(LIST_URL, {"township": city.townships[0].code})) == {
        submitted.pk,
        escalated.pk,
        local.pk,
    }
    assert _ids(client.get(LIST_URL, {"township": city.townships[1].code})) == set()
    rows = client.get(LIST_URL, {"sort": "oldest"}).json()["results"]
    assert [r["id"] for r in rows] == [submitted.pk, escalated.pk, local.pk]


def test_bad_filters_answer_400_naming_the_parameter(cast):
    response = api(cast.admin).get(LIST_URL, {"status": "bogus", "date_from": "yesterday"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "date_from"}


def test_list_row_shape(cast):
    local = case_in(cast, Status.LOCAL_HANDLING)
    routed = case_in(cast, Status.ROUTED)
    rows = {r["id"]: r for r in api(cast.admin).get(LIST_URL).json()["results"]}
    row = rows[local.pk]
    assert set(row) == {
        "id",
        "case_number",
        "title",
        "status",
        "status_display",
        "category",
        "category_display",
        "grade",
        "grade_display",
        "suggested_grade",
        "suggested_grade_display",
        "region",
        "discovered_at",
        "created_at",
        "disposal_due_at",
        "clock",
        "assigned_unit",
        "lead_unit",
        "likely_duplicate_of",
        "likely_duplicate_elsewhere",
    }
    assert row["status"] == "local_handling"
    assert row["assigned_unit"] == {"id": cast.township_unit.pk, "name": cast.township_unit.name}
    assert row["lead_unit"] is None
    assert row["region"] == {
        "id": local.region_id,
        "code": local.region.code,
        "name": local.region.name,
    }
    assert row["clock"] == "done"  # disposal reported by accepting it
    assert rows[routed.pk]["lead_unit"]["id"] == cast.lead_unit.pk
    assert rows[routed.pk]["grade"] == "important"


def test_list_rows_speak_the_callers_language_and_read_only_their_columns(
    cast, city, django_assert_num_queries
):
    """One output for list rows (ReportListSerializer), over a queryset of only its columns."""
    from django.utils import timezone

    case_in(cast, Status.LOCAL_HANDLING)
    case_in(cast, Status.ROUTED)
    original = submit(city.informant(1), source_urls=["https://weibo.com/status/9"])
    submit(cast.reporter, source_urls=["https://weibo.com/status/9"])  # a likely duplicate
    Report.objects.filter(pk=original.pk).update(disposal_reported_at=timezone.now())
    client = api(cast.duty)
    labels = {}
    for language in ("en", "zh-hans"):
        # the token with its person, the count, the page (the likely duplicates' numbers the
        # caller may see come with its rows), the access record
        with django_assert_num_queries(4):
            response = client.get(
                LIST_URL, {"status": Status.values}, HTTP_ACCEPT_LANGUAGE=language
            )
        rows = response.json()["results"]
        labels[language] = {row["status"]: row["status_display"] for row in rows}
        assert {row["clock"] for row in rows} >= {"ok", "done"}
        assert any(row["likely_duplicate_of"] == original.case_number for row in rows)
        assert any(row["grade_display"] for row in rows)
        assert all(row["suggested_grade_display"] for row in rows)
    assert labels["en"]["routed"] != labels["zh-hans"]["routed"]


def test_likely_duplicate_is_named_only_to_those_who_may_see_it(cast, city):
    original = submit(city.informant(1), source_urls=["https://weibo.com/status/7"])
    again = submit(cast.reporter, source_urls=["https://weibo.com/status/7"])
    assert again.likely_duplicate_of == original
    admin_row = api(cast.admin).get(LIST_URL, {"q": again.case_number}).json()["results"][0]
    assert admin_row["likely_duplicate_of"] == original.case_number
    (reporter_row,) = api(cast.reporter).get(LIST_URL).json()["results"]
    assert reporter_row["likely_duplicate_of"] is None
    assert api(cast.reporter).get(detail_url(again)).json()["likely_duplicate_of"] is None


def test_list_query_count_is_constant_whatever_the_page_size(cast, city, django_assert_num_queries):
    other = city.informant(1)
    for i in range(4):
        case_in(cast, Status.LOCAL_HANDLING)
        case_in(cast, Status.ROUTED)
        submit(other, source_urls=[f"https://example.com/same/{i}"])
        submit(cast.reporter, source_urls=[f"https://example.com/same/{i}"])  # likely duplicate
    client = api(cast.duty)
    for size in (5, 100):
        # the token with its person, the count, the page with the numbers of its likely
        # duplicates, the access record
        with django_assert_num_queries(4):
            response = client.get(LIST_URL, {"page_size": size, "status": Status.values})
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(size, 16)
        assert response.json()["count"] == 16
        assert response.json()["count_exact"] is True


def test_list_pages_through_every_case_once(cast):
    made = {submit(cast.reporter, title=f"第{i}条").pk for i in range(7)}
    client = api(cast.admin)
    first = client.get(LIST_URL, {"page_size": 3}).json()
    assert first["count"] == 7
    assert "page=2" in first["next"]
    seen = [row["id"] for row in first["results"]]
    for page in (2, 3):
        seen += [
            r["id"] for r in client.get(LIST_URL, {"page_size": 3, "page": page}).json()["results"]
        ]
    assert sorted(seen) == sorted(made)  # newest first, each once
    assert seen == sorted(made, reverse=True)
    assert first["count_exact"] is True  # a short list is counted exactly
    assert_json_error(client.get(LIST_URL, {"page_size": 3, "page": 4}), 404)


def test_a_long_list_is_counted_only_so_far_and_its_pages_lead_on(cast, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 3)  # 1,000 in production
    made = [submit(cast.reporter, title=f"第{i}条").pk for i in range(8)]
    client = api(cast.admin)

    def page(number: int) -> dict:
        response = client.get(LIST_URL, {"page_size": 2, "page": number})
        assert response.status_code == 200
        return response.json()

    first = page(1)
    assert (first["count"], first["count_exact"]) == (3, False)  # more than 3
    assert "page=2" in first["next"]
    third = page(3)  # past what the first page counted
    assert (third["count"], third["count_exact"]) == (7, False)
    assert "page=4" in third["next"]
    fourth = page(4)  # counting from the fourth page reaches the end
    assert (fourth["count"], fourth["count_exact"]) == (8, True)
    assert fourth["next"] is None
    seen = [row["id"] for number in (1, 2, 3, 4) for row in page(number)["results"]]
    assert seen == sorted(made, reverse=True)
    assert_json_error(client.get(LIST_URL, {"page_size": 2, "page": 5}), 404)
    assert_json_error(client.get(LIST_URL, {"page_size": 2, "page": "last"}), 404)


def test_counts_are_never_stale_after_a_write_behind_the_services(cast, shared_cache):
    """Nothing keeps counts: an ``update()`` (as sweeps do) shows in the very next list."""
    reports = [submit(cast.reporter) for _ in range(3)]
    client = api(cast.admin)
    assert client.get(LIST_URL, {"category": "rumour"}).json()["count"] == 0
    Report.objects.filter(pk__in=[r.pk for r in reports[:2]]).update(category="rumour")
    assert client.get(LIST_URL, {"category": "rumour"}).json()["count"] == 2


def test_township_outside_the_jurisdiction_or_unknown_is_refused_alike(cast, city):
    """Another county's code, the city's, an unknown one or SQL-like text: one 400, which
    says no more about the code than that it names no place of the caller's."""
    submit(cast.reporter)
    client = api(cast.admin)
    codes = (city.townships[2].code, city.counties[1].code, city.city.code, "nowhere")
    for code in (*codes, "x" * 300, "' OR 1=1 --", "%'; DROP TABLE reports_report; --"):
        body = assert_json_error(client.get(LIST_URL, {"township": code}), 400)
        assert body["errors"] == {
            "township": ["No such place in your jurisdiction: choose one from the list."]
        }
    assert len(_ids(client.get(LIST_URL, {"township": city.counties[0].code}))) == 1


def test_bad_filters_answer_400_in_the_apis_error_shape(cast):
    response = api(cast.admin).get(
        LIST_URL, {"sort": "sideways", "grade": "huge", "q": "字" * 101, "overdue": "yes"}
    )
    body = assert_json_error(response, 400)
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"sort", "grade", "q"}
    assert "Sort by one of: newest, oldest, discovered, due" in body["errors"]["sort"][0]


# --- one case --------------------------------------------------------------------------------


def test_case_detail_for_the_county_admin(cast):
    report = case_in(cast, Status.SUBMITTED)
    response = api(cast.admin).get(detail_url(report))
    assert response.status_code == 200
    read = AccessRecord.objects.get()
    assert (read.user, read.kind, read.case_id_list, read.allowed) == (
        cast.admin,
        AccessKind.CASE_READ,
        [report.pk],
        True,
    )
    body = response.json()
    assert body["case_number"] == report.case_number
    assert body["body"] == report.body
    assert body["source_urls"] == [s.url for s in report.sources.all()]
    assert body["reporter"] == {"id": cast.reporter.pk, "name": cast.reporter.name}
    assert {t["name"] for t in body["available_transitions"]} == {
        "accept_local",
        "escalate",
        "return_for_info",
        "reject",
    }
    assert all(t["label"] for t in body["available_transitions"])
    (event,) = body["history"]
    assert event["transition"] == "submit"
    assert event["actor_name"] == cast.reporter.name
    assert body["amendments"] == []


def test_case_detail_reads_only_what_the_case_has(cast, django_assert_num_queries):
    report = submit(cast.reporter)
    client = api(cast.admin)
    # token and person, the case (which tells whether it has attachments, corrections or
    # merged duplicates: this one has none), its source links, its history, the access record.
    with django_assert_num_queries(5):
        assert client.get(detail_url(report)).status_code == 200


def test_case_detail_hides_the_reporter_from_unit_liaisons(cast):
    report = case_in(cast, Status.ROUTED)
    body = api(cast.liaison).get(detail_url(report)).json()
    assert body["reporter"] is None
    assert body["history"][0]["transition"] == "submit"
    assert body["history"][0]["actor_name"] is None
    assert {t["name"] for t in body["available_transitions"]} == {"bounce", "close"}
    assert cast.reporter.name not in str(body)


def test_reporter_reads_the_routing_in_plain_words_without_internal_notes(cast):
    report = case_in(cast, Status.ESCALATED)
    services.report_transition(
        report_id=report.pk,
        by=cast.duty,
        name="route",
        data={"grade": "important", "lead_unit": cast.lead_unit.pk, "instruction": "内部批示"},
    )
    body = api(cast.reporter).get(detail_url(report)).json()
    assert body["reporter"]["id"] == cast.reporter.pk
    assert [e["transition"] for e in body["history"]] == ["submit", "escalate", "route"]
    route = body["history"][2]
    assert route["transition_label"] == "Passed to the unit responsible"
    assert (route["comment"], route["data"], route["actor_name"]) == ("", {}, None)
    assert "内部批示" not in str(body)
    assert body["available_transitions"] == []
    assert all("likely_duplicate_of" not in e["data"] for e in body["history"])
    # Staff read the same step in full.
    staff = api(cast.duty).get(detail_url(report)).json()["history"][2]
    assert (staff["transition_label"], staff["comment"]) == ("Graded and routed", "内部批示")
    assert staff["data"]["lead_unit"] == cast.lead_unit.pk


def test_case_outside_jurisdiction_is_404(cast, city):
    report = case_in(cast, Status.SUBMITTED)
    for user in (cast.other_admin, city.informant(0), cast.liaison):
        response = api(user).get(detail_url(report))
        assert response.status_code == 404
        assert response.json() == {
            "detail": "No such case in your jurisdiction.",
            "code": "not_found",
        }
    assert api(cast.admin).get(reverse("reports_api:report-detail", args=[999999])).status_code == (
        404
    )


def test_case_detail_query_count(cast, django_assert_max_num_queries):
    report = case_in(cast, Status.CLOSED)
    client = api(cast.duty)
    with django_assert_max_num_queries(10):
        assert client.get(detail_url(report)).status_code == 200


def test_amendments_are_shown(cast):
    report = case_in(cast, Status.SUBMITTED)
    services.report_amend_category(
        report_id=report.pk, by=cast.admin, category="rumour", reason="实为谣言"
    )
    body = api(cast.admin).get(detail_url(report)).json()
    assert body["category"] == "rumour"
    (amendment,) = body["amendments"]
    assert (amendment["field"], amendment["old_value"], amendment["new_value"]) == (
        "category",
        "negative",
        "rumour",
    )
    assert amendment["actor_name"] == cast.admin.name


# --- transitions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One transition: where it applies, who may, a valid payload, and how it is refused."""

    state: str
    actor: str
    payload: dict
    target: str
    forbidden: str  # sees the case in the right state but may not do this
    wrong_state: str
    required: frozenset


MATRIX = {
    "accept_local": Row(
        Status.SUBMITTED,
        "admin",
        {"unit": "township_unit", "comment": "请核实"},
        Status.LOCAL_HANDLING,
        "reporter",
        Status.ESCALATED,
        frozenset({"unit"}),
    ),
    "escalate": Row(
        Status.SUBMITTED,
        "admin",
        {"reason": "跨县事项"},
        Status.ESCALATED,
        "reporter",
        Status.ESCALATED,
        frozenset({"reason"}),
    ),
    "return_for_info": Row(
        Status.SUBMITTED,
        "admin",
        {"reason": "请补充截图"},
        Status.RETURNED,
        "duty",
        Status.ESCALATED,
        frozenset({"reason"}),
    ),
    "resubmit": Row(
        Status.RETURNED,
        "reporter",
        {"supplement": "已补充链接"},
        Status.SUBMITTED,
        "admin",
        Status.SUBMITTED,
        frozenset({"supplement"}),
    ),
    "reject": Row(
        Status.SUBMITTED,
        "admin",
        {"kind": "invalid", "reason": "内容不实"},
        Status.REJECTED,
        "reporter",
        Status.LOCAL_HANDLING,
        frozenset({"kind", "reason"}),
    ),
    "route": Row(
        Status.ESCALATED,
        "duty",
        {"grade": "important", "lead_unit": "lead_unit", "instruction": "请速办"},
        Status.ROUTED,
        "admin",
        Status.SUBMITTED,
        frozenset({"grade", "lead_unit"}),
    ),
    "bounce": Row(
        Status.ROUTED,
        "liaison",
        {"reason": "非本单位职责"},
        Status.ESCALATED,
        "duty",
        Status.CLOSED,
        frozenset({"reason"}),
    ),
    "close": Row(
        Status.ROUTED,
        "liaison",
        {"resolution": "已核实并回复", "answered_via": "on_platform"},
        Status.CLOSED,
        "admin",
        Status.CLOSED,
        frozenset({"resolution", "answered_via"}),
    ),
    "reopen": Row(
        Status.CLOSED,
        "duty",
        {"reason": "再次发酵"},
        Status.ROUTED,
        "admin",
        Status.ROUTED,
        frozenset({"reason"}),
    ),
}
NAMES = sorted(MATRIX)


def _payload(cast: Cast, row: Row) -> dict:
    """The row's payload with unit placeholders replaced by the cast's unit ids."""
    return {
        k: getattr(cast, v).pk if k in ("unit", "lead_unit") else v for k, v in row.payload.items()
    }


def test_matrix_covers_every_transition_the_api_offers():
    assert (
        set(MATRIX)
        == set(TRANSITIONS)
        == {t.name for t in Report._meta.get_field("status").get_all_transitions(Report)}
    )


@pytest.mark.parametrize("name", NAMES)
def test_wrong_state_is_409_even_with_a_bad_payload(cast, name):
    # The case's state is checked before the payload: an action that cannot happen now is a
    # 409 whatever was sent with it.
    row = MATRIX[name]
    report = case_in(cast, row.wrong_state)
    response = api(getattr(cast, row.actor)).post(transition_url(report, name), {}, format="json")
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "transition_not_allowed"


@pytest.mark.parametrize("name", NAMES)
def test_not_allowed_is_403_even_with_a_bad_payload(cast, name):
    row = MATRIX[name]
    report = case_in(cast, row.state)
    response = api(getattr(cast, row.forbidden)).post(
        transition_url(report, name), {}, format="json"
    )
    assert response.status_code == 403, response.json()


@pytest.mark.parametrize("name", NAMES)
def test_allowed_role_applies_the_transition(cast, name):
    row = MATRIX[name]
    report = case_in(cast, row.state)
    events_before = ReportEvent.objects.filter(report=report).count()
    response = api(getattr(cast, row.actor)).post(
        transition_url(report, name), _payload(cast, row), format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == row.target
    assert response.json()["history"][-1]["transition"] == name
    report.refresh_from_db()
    assert report.status == row.target
    assert ReportEvent.objects.filter(report=report).count() == events_before + 1
    event = ReportEvent.objects.filter(report=report).last()
    assert (event.transition, event.source, event.target) == (name, row.state, row.target)
    assert event.actor == getattr(cast, row.actor)


@pytest.mark.parametrize("name", NAMES)
def test_a_role_that_may_not_gets_403(cast, name):
    row = MATRIX[name]
    report = case_in(cast, row.state)
    user = getattr(cast, row.forbidden)
    assert api(user).get(detail_url(report)).status_code == 200  # the case is visible to them
    response = api(user).post(transition_url(report, name), _payload(cast, row), format="json")
    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "permission_denied"
    report.refresh_from_db()
    assert report.status == row.state


@pytest.mark.parametrize("name", NAMES)
def test_wrong_state_gets_409(cast, name):
    row = MATRIX[name]
    report = case_in(cast, row.wrong_state)
    response = api(getattr(cast, row.actor)).post(
        transition_url(report, name), _payload(cast, row), format="json"
    )
    assert response.status_code == 409, response.json()
    body = response.json()
    assert body["code"] == "transition_not_allowed"
    assert body["detail"]
    report.refresh_from_db()
    assert report.status == row.wrong_state


@pytest.mark.parametrize("name", NAMES)
def test_missing_payload_gets_400_naming_the_fields(cast, name):
    row = MATRIX[name]
    report = case_in(cast, row.state)
    response = api(getattr(cast, row.actor)).post(transition_url(report, name), {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == row.required
    report.refresh_from_db()
    assert report.status == row.state


@pytest.mark.parametrize("name", NAMES)
def test_other_countys_admin_gets_404(cast, name):
    row = MATRIX[name]
    report = case_in(cast, row.state)
    response = api(cast.other_admin).post(
        transition_url(report, name), _payload(cast, row), format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_transition_is_404(cast):
    report = case_in(cast, Status.SUBMITTED)
    response = api(cast.admin).post(transition_url(report, "delete"), {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_payload_rules_of_the_service_answer_400(cast, city):
    report = case_in(cast, Status.SUBMITTED)
    other_county_unit = next(u for u in city.units if u.region.is_within(city.counties[1]))
    response = api(cast.admin).post(
        transition_url(report, "accept_local"), {"unit": other_county_unit.pk}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"unit"}
    response = api(cast.admin).post(
        transition_url(report, "reject"),
        {"kind": "duplicate", "reason": "重复", "duplicate_of": "YZ-19990101-0001"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"duplicate_of"}


def test_reject_as_duplicate_names_the_original(cast):
    original = case_in(cast, Status.SUBMITTED)
    report = case_in(cast, Status.SUBMITTED)
    response = api(cast.admin).post(
        transition_url(report, "reject"),
        {"kind": "duplicate", "reason": "重复", "duplicate_of": original.case_number},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["duplicate_of"] == original.case_number
    assert response.json()["reject_kind"] == "duplicate"
    # The original lists the merged case and keeps its reporter credited.
    merged = api(cast.admin).get(f"/api/v1/reports/{original.pk}/").json()["merged_duplicates"]
    assert [m["case_number"] for m in merged] == [report.case_number]
    assert merged[0]["reporter"]["name"] == report.reporter.name


def test_unit_that_bounces_a_case_gets_it_back_once_more(cast):
    report = case_in(cast, Status.ROUTED)
    response = api(cast.liaison).post(
        transition_url(report, "bounce"), {"reason": "非本单位职责"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "escalated"
    assert response.json()["available_transitions"] == []
    # ...and from then on the case is not theirs to see.
    assert api(cast.liaison).get(detail_url(report)).status_code == 404


def test_a_change_made_meanwhile_gets_409(cast, monkeypatch):
    report = case_in(cast, Status.SUBMITTED)

    def changed_meanwhile(self, *args, **kwargs):
        # What django-fsm raises when the row's state is no longer the one it was read with.
        raise ConcurrentTransition("Cannot save object! The state has been changed")

    monkeypatch.setattr(Report, "save", changed_meanwhile)
    response = api(cast.admin).post(
        transition_url(report, "escalate"), {"reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "concurrent_transition"
    assert "meanwhile" in response.json()["detail"]


def test_a_decision_taken_on_a_stale_view_gets_409(cast):
    report = case_in(cast, Status.SUBMITTED)
    # Another admin of the county assigns the case while this one is deciding.
    services.report_transition(
        report_id=report.pk,
        by=cast.admin,
        name="accept_local",
        data={"unit": cast.township_unit.pk},
    )
    response = api(cast.admin).post(
        transition_url(report, "escalate"),
        {"reason": "跨县", "expected_status": "submitted"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "concurrent_transition"
    report.refresh_from_db()
    assert report.status == Status.LOCAL_HANDLING
    # Deciding again on what the case is now works.
    response = api(cast.admin).post(
        transition_url(report, "escalate"),
        {"reason": "跨县", "expected_status": "local_handling"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "escalated"


def test_expected_status_is_checked_after_jurisdiction(cast):
    report = case_in(cast, Status.SUBMITTED)
    response = api(cast.other_admin).post(
        transition_url(report, "escalate"),
        {"reason": "x", "expected_status": "escalated"},
        format="json",
    )
    assert response.status_code == 404


def test_session_authentication_works_too(cast, client):
    report = case_in(cast, Status.SUBMITTED)
    client.force_login(cast.admin)
    response = client.post(
        transition_url(report, "escalate"), {"reason": "跨县"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "escalated"


# --- attachments -----------------------------------------------------------------------------


@pytest.fixture
def with_attachment(cast, settings, tmp_path) -> Report:
    settings.MEDIA_ROOT = tmp_path
    return submit(
        cast.reporter,
        attachments=[
            SimpleUploadedFile("shot.png", PNG, content_type="image/png"),
            SimpleUploadedFile("doc.pdf", PDF, content_type="text/plain"),
        ],
    )


def _download(user: User, report: Report, number: int, **headers):
    url = reverse("reports_api:report-attachment", args=[report.pk, number])
    return api(user).get(url, **headers)


def test_attachment_download_streams_the_file_safely(cast, with_attachment):
    response = _download(cast.admin, with_attachment, 1, HTTP_ACCEPT="image/png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="shot.png"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    read = AccessRecord.objects.get()
    assert (read.user, read.kind, read.case_id_list, read.path) == (
        cast.admin,
        AccessKind.ATTACHMENT,
        [with_attachment.pk],
        f"/api/v1/reports/{with_attachment.pk}/attachments/1/",
    )
    pdf = _download(cast.reporter, with_attachment, 2)
    assert pdf["Content-Type"] == "application/pdf"  # by content, not the browser's claim
    assert b"".join(pdf.streaming_content) == PDF


def test_attachment_download_is_scoped(cast, city, with_attachment):
    for user in (cast.other_admin, city.informant(0), cast.liaison):
        response = _download(user, with_attachment, 1, HTTP_ACCEPT="image/png")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert _download(cast.admin, with_attachment, 3).status_code == 404
    assert _download(cast.duty, with_attachment, 1).status_code == 200


# --- schema ----------------------------------------------------------------------------------


def test_schema_lists_the_report_endpoints(cast):
    response = api(cast.admin).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/reports/"])
    assert "get" in paths["/api/v1/reports/{id}/"]
    assert "get" in paths["/api/v1/reports/{id}/attachments/{number}/"]
    for name in TRANSITIONS:
        operation = paths[f"/api/v1/reports/{{id}}/transitions/{name}/"]["post"]
        assert "requestBody" in operation
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    create = paths["/api/v1/reports/"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(create)


def test_schema_documents_every_list_filter_from_the_filterset(cast):
    from reports.filters import SORTS
    from reports.models import Category, Grade

    schema = api(cast.admin).get(reverse("api-schema"), {"format": "json"}).json()
    listing = schema["paths"]["/api/v1/reports/"]["get"]
    parameters = {p["name"]: p for p in listing["parameters"]}
    assert set(parameters) == {
        "q",
        "status",
        "category",
        "grade",
        "township",
        "date_from",
        "date_to",
        "overdue",
        "sort",
        "page",
        "page_size",
    }
    status = parameters["status"]
    assert status["schema"]["type"] == "array"
    assert status["explode"] is True  # repeat the parameter
    assert sorted(status["schema"]["items"]["enum"]) == sorted(Status.values)
    assert sorted(parameters["category"]["schema"]["enum"]) == sorted(Category.values)
    assert sorted(parameters["grade"]["schema"]["enum"]) == sorted(Grade.values)
    assert sorted(parameters["sort"]["schema"]["enum"]) == sorted(SORTS)
    assert parameters["date_from"]["schema"] == {"type": "string", "format": "date"}
    assert parameters["overdue"]["schema"] == {"type": "boolean"}
    assert "subtree" in parameters["township"]["description"]
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    paginated = schema["components"]["schemas"][page.rsplit("/", 1)[1]]
    assert paginated["properties"]["count_exact"]["type"] == "boolean"
    assert "count_exact" in paginated["required"]
