"""Report pages: what informants, county admins and unit liaisons see and can do."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django_fsm import ConcurrentTransition

from grid.models import Role, UnitKind
from grid.tests.factories import UserFactory
from reports import services
from reports.models import Report, ReportEvent, Status
from reports.tests import files
from reports.tests.factories import submit

pytestmark = pytest.mark.django_db

PNG = files.png()
PDF = files.pdf()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Assert on the English msgids, whatever translations exist by then."""
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def township_unit(city, county_index=0):
    county = city.counties[county_index]
    return next(u for u in city.units if u.kind == UnitKind.TOWNSHIP and u.region.is_within(county))


def liaison_of(unit):
    return UserFactory(role=Role.UNIT_LIAISON, region=unit.region, unit=unit)


def intake_data(**overrides):
    data = {
        "title": "网传某村自来水停供三天",
        "body": "村民微信群反映停水三天无人回应，情绪激动。",
        "category": "appeal",
        "source_platform": "wechat_group",
        "source_urls": "https://example.com/a\nhttps://example.com/b\n",
        "discovered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "suggested_grade": "general",
        "idempotency_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def transition_url(report, name):
    return reverse("report-transition", args=[report.pk, name])


def available_actions(html: str) -> set[str]:
    return set(re.findall(r"/transitions/([a-z_]+)/", html))


# --- intake ------------------------------------------------------------------------------------


def test_intake_form_defaults_for_a_phone(client, city):
    informant = city.informant(0)
    client.force_login(informant)
    response = client.get(reverse("report-new"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="datetime-local"' in html
    assert 'accept="image/jpeg,image/png,image/webp,application/pdf"' in html
    assert "capture=" in html
    assert 'name="idempotency_key"' in html
    region_field = response.context["form"]["region"]
    assert region_field.value() == informant.region_id
    # Only the informant's own village is offered (their jurisdiction).
    assert list(region_field.field.queryset) == [informant.region]
    # A fresh key per render, so each new form files a new report.
    again = client.get(reverse("report-new")).context["form"]["idempotency_key"].value()
    assert again != response.context["form"]["idempotency_key"].value()


@pytest.mark.parametrize(
    ("language", "links", "files"),
    [
        ("en", "One link per line, at most 10.", "Up to 9 JPEG, PNG, WebP images or PDF files."),
        ("zh-hans", "每行一个链接，最多 10 个。", "最多 9 个 JPEG、PNG、WebP 图片或 PDF 文件。"),
    ],
)
def test_intake_hints_speak_the_pages_language(client, city, language, links, files):
    client.force_login(city.informant(0))
    with translation.override(language):
        html = client.get(reverse("report-new"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'id="id_source_urls_helptext">{links}</p>' in html
    assert f'id="id_attachments_helptext">{files}</p>' in html


def test_intake_with_an_attachment_files_the_report_and_shows_the_case_number(client, city):
    informant = city.informant(0)
    client.force_login(informant)
    data = intake_data(
        attachments=[SimpleUploadedFile("shot.png", PNG, content_type="image/png")],
        region=city.villages[0].pk,
    )
    response = client.post(reverse("report-new"), data, follow=True)
    report = Report.objects.get()
    assert response.redirect_chain == [(reverse("report-detail", args=[report.pk]), 302)]
    html = response.content.decode()
    assert report.case_number in html
    assert report.attachments.count() == 1
    assert list(report.sources.values_list("url", flat=True)) == [
        "https://example.com/a",
        "https://example.com/b",
    ]
    assert reverse("report-attachment", args=[report.pk, 1]) in html
    message = next(iter(response.context["messages"]))
    assert report.case_number in str(message)


def test_sending_the_form_again_files_nothing_twice_and_loses_no_file(client, city):
    """Back, then send again: the same files are the same case; other files are refused with
    the first case named and a new key, so that sending once more files them as a new case."""
    informant = city.informant(0)
    client.force_login(informant)
    data = intake_data(region=informant.region_id)

    def send(*shots):
        attachments = [SimpleUploadedFile(n, d, content_type="image/png") for n, d in shots]
        return client.post(reverse("report-new"), {**data, "attachments": attachments})

    first = send(("a.png", PNG))
    report = Report.objects.get()
    again = client.get(send(("a.png", PNG))["Location"])
    assert "This report was already filed" in again.content.decode()
    assert Report.objects.count() == 1

    changed = send(("a.png", PNG), ("b.png", files.png((7, 7))))
    html = changed.content.decode()
    assert changed.status_code == 400
    assert f"This form was already sent as case {report.case_number}" in html
    assert "choose them again" in html
    new_key = changed.context["form"]["idempotency_key"].value()
    assert new_key != data["idempotency_key"]
    assert f'value="{new_key}"' in html
    assert Report.objects.count() == 1

    data["idempotency_key"] = new_key
    filed = send(("a.png", PNG), ("b.png", files.png((7, 7))))
    assert first.status_code == filed.status_code == 302
    new = Report.objects.exclude(pk=report.pk).get()
    assert new.attachments.count() == 2


def test_bad_input_keeps_what_was_typed_and_shows_errors_beside_fields(client, city):
    informant = city.informant(0)
    client.force_login(informant)
    data = intake_data(
        title="   ",
        body="我写了很长的一段描述，不能丢。",
        source_urls="ftp://not-a-web-address",
        attachments=[SimpleUploadedFile("shot.png", PNG, content_type="image/png")],
        region=informant.region_id,
    )
    response = client.post(reverse("report-new"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert Report.objects.count() == 0
    form = response.context["form"]
    assert "title" in form.errors
    assert "我写了很长的一段描述，不能丢。" in html
    assert "ftp://not-a-web-address" in html
    assert "choose them again" in html


def test_service_errors_land_beside_their_fields(client, city):
    informant = city.informant(0)
    client.force_login(informant)
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = intake_data(discovered_at=future, source_urls="notaurl", region=informant.region_id)
    response = client.post(reverse("report-new"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"discovered_at", "source_urls"}


def test_double_post_with_the_same_key_files_one_report(client, city):
    informant = city.informant(0)
    client.force_login(informant)
    data = intake_data(region=informant.region_id)
    first = client.post(reverse("report-new"), data)
    second = client.post(reverse("report-new"), data)
    assert Report.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_only_grid_point_people_open_the_intake(client, city):
    client.force_login(city.county_admin(0))
    assert client.get(reverse("report-new")).status_code == 403
    assert client.post(reverse("report-new"), intake_data()).status_code == 403


def test_pages_need_a_login(client, city):
    report = submit(city.informant(0))
    for url in (
        reverse("report-new"),
        reverse("report-mine"),
        reverse("report-queue"),
        reverse("report-detail", args=[report.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- my reports ----------------------------------------------------------------------------------


def test_my_reports_lists_own_reports_newest_first_in_plain_words(
    client, city, django_assert_max_num_queries
):
    informant = city.informant(0)
    someone_else = city.informant(0)
    with time_machine.travel("2026-11-22 09:00 +0800", tick=False):
        older = submit(informant)
    with time_machine.travel("2026-11-22 10:00 +0800", tick=False):
        newer = submit(informant)
        theirs = submit(someone_else)
    services.report_transition(
        report_id=older.pk,
        by=city.county_admin(0),
        name="accept_local",
        data={"unit": township_unit(city).pk},
    )
    client.force_login(informant)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("report-mine"))
    html = response.content.decode()
    assert html.index(newer.case_number) < html.index(older.case_number)
    assert theirs.case_number not in html
    assert "Being handled in the county" in html
    assert "Waiting for county review" in html
    assert reverse("report-new") in html


def test_my_reports_empty_state_says_what_will_appear(client, city):
    client.force_login(city.informant(0))
    html = client.get(reverse("report-mine")).content.decode()
    assert "appears here with its case number" in html


# --- the county queue ------------------------------------------------------------------------


def test_informant_cannot_open_the_queue_or_someone_elses_case(client, city):
    informant = city.informant(0)
    other = submit(city.informant(0))
    client.force_login(informant)
    assert client.get(reverse("report-queue")).status_code == 403
    assert client.get(reverse("report-detail", args=[other.pk])).status_code == 404


def test_queue_shows_only_the_admins_county(client, city):
    mine = submit(city.informant(0))
    other_county = submit(city.informant(4))
    client.force_login(city.county_admin(0))
    response = client.get(reverse("report-queue"))
    html = response.content.decode()
    assert mine.case_number in html
    assert other_county.case_number not in html
    assert response.context["page"].paginator.count == 1


def test_queue_filters_search_and_sort(client, city):
    informant_a, informant_b = city.informant(0), city.informant(2)  # two townships
    with time_machine.travel("2026-11-22 09:00 +0800", tick=False):
        rumour = submit(informant_a, category="rumour", title="谣言说水库溃坝")
    with time_machine.travel("2026-11-22 10:00 +0800", tick=False):
        appeal = submit(informant_b, category="appeal", title="供暖不足")
    client.force_login(city.county_admin(0))
    url = reverse("report-queue")

    def numbers(params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [r.case_number for r in response.context["page"].object_list]

    assert numbers({}) == [appeal.case_number, rumour.case_number]
    assert numbers({"sort": "oldest"}) == [rumour.case_number, appeal.case_number]
    assert numbers({"category": "rumour"}) == [rumour.case_number]
    assert numbers({"q": "水库"}) == [rumour.case_number]
    assert numbers({"q": appeal.case_number}) == [appeal.case_number]
    assert numbers({"township": city.townships[1].code}) == [appeal.case_number]
    assert numbers({"date_from": "2026-11-23"}) == []
    assert numbers({"status": "closed"}) == []


def test_queue_overdue_filter_and_clock_colours(client, city):
    informant = city.informant(0)
    now = timezone.now()
    fresh = submit(informant, discovered_at=now - timedelta(hours=1))
    close_to_limit = submit(informant, discovered_at=now - timedelta(hours=20))
    late = submit(informant, discovered_at=now - timedelta(hours=30))
    client.force_login(city.county_admin(0))
    response = client.get(reverse("report-queue"))
    clocks = {r.pk: r.clock for r in response.context["page"].object_list}
    assert {pk: c.state for pk, c in clocks.items()} == {
        fresh.pk: "ok",
        close_to_limit.pk: "amber",
        late.pk: "red",
    }
    assert clocks[fresh.pk].text == "1\xa0hour"
    assert clocks[late.pk].text == "Overdue · 1\xa0day, 6\xa0hours"
    html = response.content.decode()
    assert "rp-clock-red" in html
    assert "rp-clock-amber" in html
    assert "Due soon · 20\xa0hours" in html
    overdue = client.get(reverse("report-queue"), {"overdue": "on"})
    assert [r.pk for r in overdue.context["page"].object_list] == [late.pk]


def test_queue_pages_keep_the_filters(client, city):
    informant = city.informant(0)
    for _ in range(27):
        submit(informant, category="rumour")
    submit(informant, category="appeal")
    client.force_login(city.county_admin(0))
    response = client.get(reverse("report-queue"), {"category": "rumour"})
    page = response.context["page"]
    assert page.paginator.count == 27
    assert len(page.object_list) == 25
    html = response.content.decode()
    assert "27" in html
    assert "?category=rumour&amp;page=2" in html
    second = client.get(reverse("report-queue"), {"category": "rumour", "page": 2})
    assert len(second.context["page"].object_list) == 2


def test_a_long_queue_says_more_than_and_its_pages_lead_on(client, city, monkeypatch):
    from grid.pagination import CappedPaginator
    from reports.views import lists

    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    monkeypatch.setattr(CappedPaginator, "cap", 3)  # 1,000 in production
    made = [submit(city.informant(0)).case_number for _ in range(8)]
    client.force_login(city.county_admin(0))
    url = reverse("report-queue")
    first = client.get(url)
    assert first.context["page"].paginator.count_exact is False
    html = first.content.decode()
    assert "More than 3 cases" in html
    assert "Page 1</span>" in html  # how many pages there are is not known
    assert "?page=2" in html
    fourth = client.get(url, {"page": 4})  # past what the first page counted
    assert [r.case_number for r in fourth.context["page"].object_list] == made[1::-1]
    html = fourth.content.decode()
    assert "8 cases" in html
    assert "Page 4 of 4" in html
    assert client.get(url, {"page": 9}).context["page"].number == 4  # the last page


def test_queue_filter_form_offers_the_callers_townships_and_several_statuses(client, city):
    submitted = submit(city.informant(0))
    returned = submit(city.informant(0))
    services.report_transition(
        report_id=returned.pk,
        by=city.county_admin(0),
        name="return_for_info",
        data={"reason": "请补充截图"},
    )
    local = submit(city.informant(0))
    services.report_transition(
        report_id=local.pk,
        by=city.county_admin(0),
        name="accept_local",
        data={"unit": township_unit(city).pk},
    )
    client.force_login(city.county_admin(0))
    url = reverse("report-queue")
    response = client.get(url, {"status": ["submitted", "returned"]})
    html = response.content.decode()
    for township in city.townships[:2]:
        assert f'<option value="{township.code}">{township.name}</option>' in html
    for township in city.townships[2:]:  # the other county's
        assert township.code not in html
    assert 'name="status" value="returned" id="id_status_1" checked' in html
    assert {r.pk for r in response.context["page"].object_list} == {submitted.pk, returned.pk}
    working_set = client.get(url).context["page"].object_list
    assert {r.pk for r in working_set} == {submitted.pk, returned.pk, local.pk}


def test_bad_queue_filter_is_a_400_with_a_message(client, city):
    client.force_login(city.county_admin(0))
    response = client.get(reverse("report-queue"), {"sort": "sideways", "date_from": "yesterday"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sort by one of" in html
    assert "Use a date like" in html


def test_htmx_request_gets_only_the_list(client, city):
    submit(city.informant(0))
    client.force_login(city.county_admin(0))
    response = client.get(reverse("report-queue"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="queue-list"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    full = client.get(reverse("report-queue")).content.decode()
    assert 'hx-target="#queue-list"' in full
    assert 'hx-push-url="true"' in full


def test_duty_officer_queue_holds_escalations_and_has_no_bulk_actions(client, city):
    admin = city.county_admin(0)
    waiting = submit(city.informant(0))
    escalated = submit(city.informant(1))
    services.report_transition(
        report_id=escalated.pk, by=admin, name="escalate", data={"reason": "需市级协调"}
    )
    client.force_login(city.city_user(Role.DUTY_OFFICER))
    response = client.get(reverse("report-queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>City duty queue</h1>" in html
    assert escalated.case_number in html
    assert waiting.case_number not in html  # still the county's to triage
    assert 'name="ids"' not in html
    assert client.post(reverse("report-queue-bulk"), {}).status_code == 403


def test_liaison_queue_lists_only_their_units_cases(client, city):
    admin = city.county_admin(0)
    unit = township_unit(city)
    mine = submit(city.informant(0))
    services.report_transition(
        report_id=mine.pk, by=admin, name="accept_local", data={"unit": unit.pk}
    )
    other = submit(city.informant(1))
    client.force_login(liaison_of(unit))
    response = client.get(reverse("report-queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Cases for my unit</h1>" in html
    assert mine.case_number in html
    assert other.case_number not in html
    assert 'name="ids"' not in html


def test_informant_cannot_open_a_queue(client, city):
    client.force_login(city.informant(0))
    assert client.get(reverse("report-queue")).status_code == 403


@pytest.mark.parametrize("rows", [3, 30])
def test_queue_query_count_is_constant(client, city, rows, django_assert_num_queries):
    informants = [city.informant(i) for i in range(4)]
    unit = township_unit(city)
    admin = city.county_admin(0)
    for i in range(rows):
        report = submit(informants[i % 4])
        if i % 3 == 0:
            services.report_transition(
                report_id=report.pk, by=admin, name="accept_local", data={"unit": unit.pk}
            )
    client.force_login(admin)
    # session, person with home node, count, rows, townships of the filter form, units of
    # the bulk form, the access record: 7 whatever the number of rows.
    with django_assert_num_queries(7):
        response = client.get(reverse("report-queue"))
    assert response.status_code == 200
    # The htmx list partial has no filter form: 6.
    with django_assert_num_queries(6):
        client.get(reverse("report-queue"), HTTP_HX_REQUEST="true")


def test_bulk_escalate_reports_each_rows_outcome(client, city):
    informant = city.informant(0)
    admin = city.county_admin(0)
    first, second = submit(informant), submit(informant)
    already = submit(informant)
    services.report_transition(
        report_id=already.pk, by=admin, name="escalate", data={"reason": "早先上报"}
    )
    foreign = submit(city.informant(4))
    client.force_login(admin)
    response = client.post(
        reverse("report-queue-bulk"),
        {
            "action": "escalate",
            "reason": "涉及市级部门",
            "ids": [first.pk, second.pk, already.pk, foreign.pk],
            "back": "category=negative",
        },
        follow=True,
    )
    assert response.redirect_chain[0][0] == reverse("report-queue") + "?category=negative"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == Status.ESCALATED
    message = str(next(iter(response.context["messages"])))
    assert message.startswith("2 done, 2 could not be changed")
    assert already.case_number in message
    assert f"#{foreign.pk}" in message  # not visible: no case number leaks
    assert foreign.case_number not in message


def test_bulk_accept_local_needs_a_unit_and_applies_it(client, city):
    informant = city.informant(0)
    admin = city.county_admin(0)
    reports = [submit(informant), submit(informant)]
    client.force_login(admin)
    ids = [r.pk for r in reports]
    unit = township_unit(city)
    # the queue offers the county's units, the other county's not
    html = client.get(reverse("report-queue")).content.decode()
    assert f'<option value="{unit.pk}">{unit.name}</option>' in html
    other = next(u for u in city.units if not u.region.is_within(city.counties[0]))
    assert f'<option value="{other.pk}">' not in html
    refused = client.post(reverse("report-queue-bulk"), {"action": "accept_local", "ids": ids})
    assert refused.status_code == 400
    assert "Choose the unit" in refused.content.decode()
    assert Report.objects.filter(status=Status.SUBMITTED).count() == 2
    done = client.post(
        reverse("report-queue-bulk"),
        {"action": "accept_local", "ids": ids, "unit": unit.pk},
        follow=True,
    )
    assert str(next(iter(done.context["messages"]))) == "2 done."
    assert set(Report.objects.values_list("assigned_unit", flat=True)) == {unit.pk}


def ticked_ids(html: str) -> set[int]:
    return {int(v) for v in re.findall(r'name="ids" value="(\d+)"[^>]*\schecked', html)}


def test_refused_bulk_action_keeps_the_selection_and_shows_the_error_beside_the_bar(client, city):
    informant = city.informant(0)
    admin = city.county_admin(0)
    reports = [submit(informant) for _ in range(3)]
    client.force_login(admin)
    ticked = [reports[0].pk, reports[2].pk]
    unit = township_unit(city)

    # given a reason forgotten, from a filtered queue
    response = client.post(
        reverse("report-queue-bulk"),
        {
            "action": "escalate",
            "ids": ticked,
            "unit": unit.pk,
            "reason": "  ",
            "back": "sort=oldest",
            "page": "1",
        },
    )

    # then the queue comes back, not a redirect: the rows still ticked, the error by the field
    assert response.status_code == 400
    html = response.content.decode()
    assert ticked_ids(html) == set(ticked)
    assert re.search(r'id="id_bulk_reason"[^>]*aria-describedby="id_bulk_reason_error"', html), (
        "the reason field points at its error"
    )
    assert '<p class="rp-error" id="id_bulk_reason_error" role="alert">Say why' in html
    assert f'<option value="{unit.pk}" selected>' in html  # what was chosen stays chosen
    assert "2 cases selected" in html
    assert 'class="rp-bulk rp-bulk-on"' in html
    # drawn for the query and page the form was sent from
    assert response.context["bulk_back"] == "sort=oldest"
    assert response.context["page"].number == 1
    assert not list(response.context["messages"])
    assert Report.objects.filter(status=Status.SUBMITTED).count() == 3

    # and the next try with the reason works, redirecting with a message
    done = client.post(
        reverse("report-queue-bulk"),
        {"action": "escalate", "ids": ticked, "reason": "涉及市级部门", "back": "sort=oldest"},
        follow=True,
    )
    assert done.redirect_chain[0][0] == reverse("report-queue") + "?sort=oldest"
    assert str(next(iter(done.context["messages"]))) == "2 done."
    assert Report.objects.filter(status=Status.ESCALATED).count() == 2


def test_bulk_action_with_nothing_ticked_says_so_at_the_bar(client, city):
    submit(city.informant(0))
    client.force_login(city.county_admin(0))
    response = client.post(reverse("report-queue-bulk"), {"action": "escalate", "reason": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        '<div class="rp-bulk-errors" role="alert"><p class="rp-error">Tick at least one case.'
        in html
    )
    assert ticked_ids(html) == set()
    assert 'value="x"' in html  # the reason typed stays
    assert 'class="rp-bulk"' in html  # nothing ticked: the bar stays where it is


def test_bulk_bar_count_text(client, city):
    """The bar says how many are ticked: the script fills it from the two forms given."""
    submit(city.informant(0))
    client.force_login(city.county_admin(0))
    html = client.get(reverse("report-queue")).content.decode()
    assert 'data-one="{n} case selected" data-other="{n} cases selected"' in html
    assert re.search(r"<p class=\"rp-bulk-count\" data-bulk-count [^>]* hidden></p>", html)
    assert "js/queue-bulk.js" in html


@pytest.mark.parametrize("rows", [3, 30])
def test_refused_bulk_action_query_count_is_constant(client, city, rows, django_assert_num_queries):
    informants = [city.informant(i) for i in range(4)]
    ids = [submit(informants[i % 4]).pk for i in range(rows)]
    client.force_login(city.county_admin(0))
    client.get(reverse("report-queue"))
    # The queue page's queries (see test_queue_query_count_is_constant, with its access
    # record) and one for the chosen unit; the ticked ids are not read.
    with django_assert_num_queries(8):
        response = client.post(
            reverse("report-queue-bulk"),
            {"action": "escalate", "ids": ids[:25], "unit": township_unit(city).pk},
        )
    assert response.status_code == 400


# --- the case page ---------------------------------------------------------------------------


def test_case_page_offers_exactly_the_available_transitions(client, city):
    informant = city.informant(0)
    admin = city.county_admin(0)
    unit = township_unit(city)
    liaison = liaison_of(unit)
    report = submit(informant)

    client.force_login(admin)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert available_actions(html) == {"accept_local", "escalate", "return_for_info", "reject"}

    client.force_login(informant)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert available_actions(html) == set()

    services.report_transition(
        report_id=report.pk, by=admin, name="accept_local", data={"unit": unit.pk}
    )
    client.force_login(liaison)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert available_actions(html) == {"close", "escalate"}
    assert informant.get_full_name() not in html  # reporters are protected from units

    client.force_login(admin)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert available_actions(html) == {"close", "escalate"}
    assert informant.get_full_name() in html


def test_case_page_shows_the_report_its_sources_history_and_amendments(client, city):
    informant = city.informant(0)
    admin = city.county_admin(0)
    report = submit(informant, source_urls=["https://example.com/post/9"])
    services.report_amend_category(
        report_id=report.pk, by=admin, category="rumour", reason="实为谣言"
    )
    services.report_transition(
        report_id=report.pk, by=admin, name="escalate", data={"reason": "需市级协调"}
    )
    client.force_login(admin)
    response = client.get(reverse("report-detail", args=[report.pk]))
    html = response.content.decode()
    assert report.case_number in html
    assert report.body in html
    assert '<a href="https://example.com/post/9" rel="noopener noreferrer" target="_blank">' in html
    assert f"corrected from Negative sentiment to Rumour / false information by {admin.name}" in (
        html
    )
    assert "Waiting for county review → Sent to the city platform" in html
    assert "需市级协调" in html


def test_accept_local_offers_the_county_units_and_keeps_a_refused_choice(client, city):
    admin = city.county_admin(0)
    report = submit(city.informant(0))
    mine = township_unit(city, 0)
    theirs = township_unit(city, 1)
    client.force_login(admin)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert f'<option value="{mine.pk}">{mine.name}</option>' in html
    assert f'<option value="{theirs.pk}">' not in html
    # A unit of another county is refused on the page, the form open with its options.
    response = client.post(
        transition_url(report, "accept_local"),
        {"accept_local-unit": theirs.pk, "accept_local-expected_status": report.status},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a township or county unit of this county." in html
    assert f'<option value="{mine.pk}">{mine.name}</option>' in html
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("name", "prepare", "fields", "expected"),
    [
        ("accept_local", None, {"unit": "UNIT"}, Status.LOCAL_HANDLING),
        ("escalate", None, {"reason": "跨区域"}, Status.ESCALATED),
        ("return_for_info", None, {"reason": "请补充截图"}, Status.RETURNED),
        ("reject", None, {"kind": "invalid", "reason": "无效信息"}, Status.REJECTED),
        (
            "close",
            "local",
            {"resolution": "已联系村委会处置", "answered_via": "phone"},
            Status.CLOSED,
        ),
        ("reopen", "closed", {"reason": "事态反复"}, Status.LOCAL_HANDLING),
    ],
)
def test_county_admin_transition_forms_change_the_status(
    client, city, name, prepare, fields, expected
):
    admin = city.county_admin(0)
    unit = township_unit(city)
    report = submit(city.informant(0))
    if prepare in ("local", "closed"):
        services.report_transition(
            report_id=report.pk, by=admin, name="accept_local", data={"unit": unit.pk}
        )
    if prepare == "closed":
        services.report_transition(
            report_id=report.pk,
            by=admin,
            name="close",
            data={"resolution": "处置完毕", "answered_via": "phone"},
        )
    report.refresh_from_db()
    client.force_login(admin)
    data = {f"{name}-{k}": (unit.pk if v == "UNIT" else v) for k, v in fields.items()}
    data[f"{name}-expected_status"] = report.status
    response = client.post(transition_url(report, name), data, follow=True)
    report.refresh_from_db()
    assert report.status == expected
    assert response.redirect_chain == [(reverse("report-detail", args=[report.pk]), 302)]
    assert "Done:" in str(next(iter(response.context["messages"])))


def test_duty_officer_routes_and_lead_liaison_bounces_or_closes(client, city):
    admin = city.county_admin(0)
    duty = city.city_user(Role.DUTY_OFFICER)
    unit = city.units[0]  # the county's police bureau
    liaison = liaison_of(unit)
    report = submit(city.informant(0))
    services.report_transition(report_id=report.pk, by=admin, name="escalate", data={"reason": "x"})

    client.force_login(duty)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert available_actions(html) == {"route", "reject"}
    client.post(
        transition_url(report, "route"),
        {"route-grade": "important", "route-lead_unit": unit.pk, "route-instruction": "速办"},
    )
    report.refresh_from_db()
    assert (report.status, report.lead_unit) == (Status.ROUTED, unit)

    client.force_login(liaison)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert available_actions(html) == {"close", "bounce"}
    response = client.post(transition_url(report, "bounce"), {"bounce-reason": "不属本单位职责"})
    report.refresh_from_db()
    assert report.status == Status.ESCALATED
    # The unit no longer sees the case: it goes home rather than to a 404.
    assert response["Location"] == reverse("home")


def test_reporter_resubmits_after_a_return(client, city):
    informant = city.informant(0)
    report = submit(informant)
    services.report_transition(
        report_id=report.pk,
        by=city.county_admin(0),
        name="return_for_info",
        data={"reason": "缺截图"},
    )
    client.force_login(informant)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert available_actions(html) == {"resubmit"}
    assert "缺截图" in html
    client.post(transition_url(report, "resubmit"), {"resubmit-supplement": "截图已补充"})
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_liaison_closes_a_locally_handled_case_from_the_case_page(client, city):
    admin = city.county_admin(0)
    unit = township_unit(city)
    report = submit(city.informant(0))
    services.report_transition(
        report_id=report.pk, by=admin, name="accept_local", data={"unit": unit.pk}
    )
    client.force_login(liaison_of(unit))
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert 'class="rp-action rp-action-close" open' in page
    client.post(
        transition_url(report, "close"),
        {"close-resolution": "已回复网民", "close-answered_via": "sms"},
    )
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    assert report.resolution == "已回复网民"


def test_missing_required_field_rerenders_with_the_error(client, city):
    report = submit(city.informant(0))
    client.force_login(city.county_admin(0))
    response = client.post(transition_url(report, "escalate"), {"escalate-reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="rp-action rp-action-escalate" open' in html
    assert "rp-error" in html
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_service_validation_error_rerenders_with_the_error(client, city):
    report = submit(city.informant(0))
    client.force_login(city.county_admin(0))
    response = client.post(
        transition_url(report, "reject"),
        {"reject-kind": "duplicate", "reject-reason": "重复", "reject-duplicate_of": "YZ-NOPE"},
    )
    assert response.status_code == 400
    assert "Give the case number of the original case." in response.content.decode()


def test_stale_action_gets_a_409_with_the_current_state(client, city):
    admin = city.county_admin(0)
    colleague = city.county_admin(0)
    report = submit(city.informant(0))
    client.force_login(admin)
    seen = report.status
    # Meanwhile a colleague escalates it.
    services.report_transition(
        report_id=report.pk, by=colleague, name="escalate", data={"reason": "同事已上报"}
    )
    response = client.post(
        transition_url(report, "return_for_info"),
        {"return_for_info-reason": "请补充", "return_for_info-expected_status": seen},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed by someone else meanwhile" in html
    assert "Sent to the city platform" in html
    assert ReportEvent.objects.filter(report=report, transition="return_for_info").count() == 0


def test_transition_not_possible_in_this_state_is_409_and_not_allowed_is_403(client, city):
    informant = city.informant(0)
    report = submit(informant)
    client.force_login(city.county_admin(0))
    assert client.post(transition_url(report, "close"), {"close-resolution": "x"}).status_code == (
        409
    )
    client.force_login(informant)
    response = client.post(transition_url(report, "escalate"), {"escalate-reason": "x"})
    assert response.status_code == 403
    assert client.post(transition_url(report, "fly"), {}).status_code == 404


def test_other_county_admin_gets_404_on_case_and_transition(client, city):
    report = submit(city.informant(0))
    client.force_login(city.county_admin(1))
    assert client.get(reverse("report-detail", args=[report.pk])).status_code == 404
    response = client.post(transition_url(report, "escalate"), {"escalate-reason": "x"})
    assert response.status_code == 404


# --- attachments -----------------------------------------------------------------------------


def test_attachment_view_is_scoped_and_safe(client, city):
    informant = city.informant(0)
    report = submit(
        informant,
        attachments=[
            SimpleUploadedFile("shot.png", PNG, content_type="image/png"),
            SimpleUploadedFile("doc.pdf", PDF, content_type="application/pdf"),
        ],
    )
    client.force_login(informant)
    image = client.get(reverse("report-attachment", args=[report.pk, 1]))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline")
    assert image["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image.streaming_content) == PNG
    pdf = client.get(reverse("report-attachment", args=[report.pk, 2]))
    assert pdf["Content-Disposition"].startswith("attachment")
    assert pdf["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("report-attachment", args=[report.pk, 3])).status_code == 404

    client.force_login(city.informant(0))  # another informant of the same village
    assert client.get(reverse("report-attachment", args=[report.pk, 1])).status_code == 404
    client.force_login(city.county_admin(1))
    assert client.get(reverse("report-attachment", args=[report.pk, 1])).status_code == 404
    client.force_login(city.county_admin(0))
    assert client.get(reverse("report-attachment", args=[report.pk, 1])).status_code == 200


def test_a_race_lost_inside_the_service_is_a_409(client, city, monkeypatch):
    report = submit(city.informant(0))

    def lose_the_race(self, *args, **kwargs):
        # What django-fsm raises when the row's state is no longer the one it was read with.
        raise ConcurrentTransition("Cannot save object! The state has been changed")

    monkeypatch.setattr(Report, "save", lose_the_race)
    client.force_login(city.county_admin(0))
    response = client.post(transition_url(report, "escalate"), {"escalate-reason": "x"})
    assert response.status_code == 409
    assert "changed by someone else meanwhile" in response.content.decode()


def test_camera_photos_and_files_count_together_at_most_nine(client, city):
    informant = city.informant(0)
    client.force_login(informant)
    files = [SimpleUploadedFile(f"s{i}.png", PNG, content_type="image/png") for i in range(6)]
    photos = [SimpleUploadedFile(f"p{i}.png", PNG, content_type="image/png") for i in range(4)]
    data = intake_data(attachments=files, photos=photos, region=informant.region_id)
    response = client.post(reverse("report-new"), data)
    assert response.status_code == 400
    assert "At most 9 attachments" in response.content.decode()
    assert Report.objects.count() == 0


def test_original_case_page_credits_the_reporters_of_merged_duplicates(client, city):
    admin = city.county_admin(0)
    original = submit(city.informant(0))
    second = city.informant(1)
    duplicate = submit(second)
    services.report_transition(
        report_id=duplicate.pk,
        by=admin,
        name="reject",
        data={"kind": "duplicate", "reason": "同一来源", "duplicate_of": original.case_number},
    )
    client.force_login(admin)
    html = client.get(reverse("report-detail", args=[original.pk])).content.decode()
    assert "Also reported by" in html
    assert duplicate.case_number in html
    assert second.get_full_name() in html
    # The original's reporter sees their own case, not who else reported it.
    client.force_login(original.reporter)
    html = client.get(reverse("report-detail", args=[original.pk])).content.decode()
    assert duplicate.case_number not in html


def test_clock_words_are_translated(city):
    from django.utils import translation

    from reports.views.labels import clock_for

    informant = city.informant(0)
    now = timezone.now()
    late = submit(informant, discovered_at=now - timedelta(hours=30))
    close = submit(informant, discovered_at=now - timedelta(hours=20))
    with translation.override("zh-hans"):
        assert clock_for(late, now=now).text.startswith("已超期 · ")
        assert clock_for(close, now=now).text.startswith("即将到期 · ")
        assert clock_for(close, now=now, long=True).text.startswith("即将到期 · 距发现已 ")
        assert clock_for(close, now=now).title.startswith("处置情况须于 ")
