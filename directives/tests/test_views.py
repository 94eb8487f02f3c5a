"""The notice pages: issuing (errors keep what was typed), reading and answering on a phone,
the tracking page (counts, rows, htmx part) with pinned query counts, reminders, files."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directives.models import Notice, NoticeRecipient
from directives.services import notice_acknowledge, notice_issue
from directives.tests.conftest import NOW, deadlines
from reports.tests.files import png

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def form_data(city, **kw):
    d = deadlines()
    return {
        "kind": "notice",
        "title": "防汛值守通知",
        "body": "请各网格点加强值守。",
        "regions": [city.counties[0].pk],
        "needs_ack": "on",
        "ack_due_at": d["ack_due_at"].strftime(LOCAL),
        "needs_report": "on",
        "report_due_at": d["report_due_at"].strftime(LOCAL),
        **kw,
    }


def test_the_officer_issues_a_notice_with_an_attachment(client, city, officer, people):
    client.force_login(officer)
    assert client.get(reverse("directives-notice-new")).status_code == 200
    upload = SimpleUploadedFile("通知.png", png(), content_type="image/png")
    response = client.post(
        reverse("directives-notice-new"), {**form_data(city), "attachments": [upload]}
    )
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("directives-tracking", args=[notice.pk])
    assert notice.recipient_count == 4
    attachment = notice.attachments.get()
    assert attachment.content_type == "image/png"
    # a recipient downloads it; someone of the other county cannot
    informants, _ = people
    client.force_login(informants[0])
    url = reverse("directives-notice-file", args=[notice.pk, attachment.pk])
    file_response = client.get(url)
    assert file_response.status_code == 200
    assert b"".join(file_response.streaming_content) == png()
    client.force_login(informants[-1])
    assert client.get(url).status_code == 404


def test_a_refused_notice_keeps_what_was_typed(client, city, officer):
    client.force_login(officer)
    response = client.post(
        reverse("directives-notice-new"),
        form_data(city, ack_due_at=(NOW - timedelta(hours=1)).strftime(LOCAL)),
    )
    assert response.status_code == 400
    assert "防汛值守通知" in response.content.decode()
    assert response.context["form"].errors["ack_due_at"]
    assert not Notice.objects.exists()
    bad = client.post(
        reverse("directives-notice-new"),
        {**form_data(city), "attachments": [SimpleUploadedFile("x.png", b"nope")]},
    )
    assert bad.status_code == 400
    assert "x.png" in bad.content.decode()


def test_people_who_do_not_issue_get_403(client, city, people):
    informants, _ = people
    client.force_login(informants[0])
    assert client.get(reverse("directives-notice-new")).status_code == 403


def test_the_informant_acknowledges_and_reports_on_the_phone_page(client, city, officer, people):
    informants, _ = people
    notice = notice_issue(
        by=officer, now=NOW, title="通知", body="内容", regions=[city.counties[0]], **deadlines()
    )
    client.force_login(informants[0])
    page = client.get(reverse("directives-notice", args=[notice.pk]))
    assert page.status_code == 200
    assert 'data-testid="acknowledge"' in page.content.decode()
    assert client.post(reverse("directives-notice-ack", args=[notice.pk])).status_code == 302
    again = client.post(reverse("directives-notice-ack", args=[notice.pk]))
    assert again.status_code == 409
    empty = client.post(reverse("directives-notice-report", args=[notice.pk]), {"text": ""})
    assert empty.status_code == 400
    done = client.post(
        reverse("directives-notice-report", args=[notice.pk]),
        {"text": "已组织排查", "attachments": [SimpleUploadedFile("现场.png", png())]},
    )
    assert done.status_code == 302
    row = NoticeRecipient.objects.get(notice=notice, grid_point=city.grid_points[0])
    assert row.report_text == "已组织排查"
    assert row.report_attachments.count() == 1
    # the other county's informant sees no such notice
    client.force_login(informants[-1])
    assert client.get(reverse("directives-notice", args=[notice.pk])).status_code == 404


def test_the_tracking_page_counts_by_node_in_fixed_queries(
    client, city, officer, people, django_assert_num_queries
):
    informants, _ = people
    notice = notice_issue(
        by=officer, now=NOW, title="通知", body="内容", regions=[city.city], **deadlines()
    )
    notice_acknowledge(notice_id=notice.pk, by=informants[0], now=NOW)
    client.force_login(officer)
    url = reverse("directives-tracking", args=[notice.pk])
    client.get(url)  # warm the session
    # the page's ids, then its rows with their names (tracking_page): one query more than a
    # joined page, which no longer joins every row before the page asked for
    with django_assert_num_queries(9):
        page = client.get(url)
    assert page.status_code == 200
    assert page.context["tracking"].acknowledged == 1
    assert len(page.context["page"].object_list) == 8
    with django_assert_num_queries(8):
        part = client.get(url, {"state": "outstanding"}, headers={"HX-Request": "true"})
    assert part.templates[0].name == "directives/_tracking.html"
    # everyone still owes the report, so nobody is done
    assert len(part.context["page"].object_list) == 8
    assert list(client.get(url, {"state": "done"}).context["page"].object_list) == []
    # an informant cannot follow it
    client.force_login(informants[0])
    assert client.get(url).status_code == 404


def test_one_click_reminds_the_late(client, city, officer, people):
    notice = notice_issue(
        by=officer, now=NOW, title="通知", body="内容", regions=[city.counties[0]], **deadlines()
    )
    client.force_login(officer)
    with time_machine.travel(notice.ack_due_at + timedelta(minutes=1), tick=False):
        page = client.get(reverse("directives-tracking", args=[notice.pk]))
        assert 'data-testid="remind-late"' in page.content.decode()
        response = client.post(reverse("directives-remind", args=[notice.pk]))
    assert response.status_code == 302
    assert NoticeRecipient.objects.filter(notice=notice, reminders=1).count() == 4


def test_the_list_shows_issued_and_received(
    client, city, officer, people, django_assert_num_queries
):
    informants, _ = people
    for n in range(3):
        notice_issue(
            by=officer,
            now=NOW,
            title=f"通知{n}",
            body="内容",
            regions=[city.counties[0]],
            **deadlines(),
        )
    client.force_login(officer)
    client.get(reverse("directives-notices"))
    with django_assert_num_queries(5):
        issued = client.get(reverse("directives-notices"))
    assert len(issued.context["page"].object_list) == 3
    client.force_login(informants[0])
    assert len(client.get(reverse("directives-notices")).context["page"].object_list) == 3
    client.force_login(informants[-1])
    assert len(client.get(reverse("directives-notices")).context["page"].object_list) == 0
