"""The push pages: issuing one from a case, the recipient's phone page marking it forwarded
(refusals keep what was typed), the tracking page's coverage in fixed queries, the relay."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directives.models import Notice, NoticeForward, NoticeKind
from directives.services import notice_forward, notice_issue
from directives.tests.conftest import NOW
from directives.tests.test_views import LOCAL
from reports.tests.factories import submit
from reports.tests.files import png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def pushed(officer, regions, **kw):
    return notice_issue(
        by=officer,
        now=NOW,
        kind=NoticeKind.REFUTATION,
        title="辟谣：网传某村道路塌陷不实",
        body="经核实，系旧图。",
        share_text="【辟谣】网传某村道路塌陷系旧图。",
        share_link="https://example.com/r/1",
        regions=regions,
        **kw,
    )


def test_a_refutation_is_issued_from_the_case_page(client, city, officer, people):
    informants, _ = people
    report = submit(informants[0])
    client.force_login(officer)
    url = reverse("directives-notice-new")
    form = client.get(url, {"report": report.pk}).context["form"]
    assert form.initial["kind"] == NoticeKind.REFUTATION
    assert form.initial["reports"] == report.case_number

    data = {
        "kind": "refutation",
        "title": "辟谣",
        "body": "经核实不实。",
        "share_text": "【辟谣】……",
        "reports": f"{report.case_number}, NOPE-1",
        "regions": [city.counties[0].pk],
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "NOPE-1" in str(refused.context["form"].errors["reports"])
    assert refused.context["form"]["share_text"].value() == "【辟谣】……"  # kept

    response = client.post(url, {**data, "reports": report.case_number})
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert list(notice.reports.all()) == [report]
    assert notice.recipient_count == 4


def test_the_relay_source_is_taken_from_the_form(client, city, officer, people):
    client.force_login(officer)
    response = client.post(
        reverse("directives-notice-new"),
        {
            "kind": "instruction",
            "title": "转发上级指令",
            "body": "内容",
            "regions": [city.counties[0].pk],
            "needs_ack": "on",
            "ack_due_at": (NOW + timedelta(hours=2)).strftime(LOCAL),
            "relayed_from": "省委网信办",
            "relayed_received_at": (NOW - timedelta(minutes=30)).strftime(LOCAL),
        },
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.relayed_from == "省委网信办"
    assert notice.relayed_received_at == NOW - timedelta(minutes=30)
    page = client.get(reverse("directives-tracking", args=[notice.pk]))
    assert 'data-testid="relayed"' in page.content.decode()


def test_the_informant_marks_it_forwarded_on_the_phone_page(client, city, officer, people):
    informants, _ = people
    notice = pushed(officer, [city.counties[0]])
    client.force_login(informants[0])
    url = reverse("directives-notice", args=[notice.pk])
    page = client.get(url).content.decode()
    assert "【辟谣】网传某村道路塌陷系旧图。" in page
    assert 'data-testid="forward"' in page
    assert 'data-testid="acknowledge"' not in page

    post = reverse("directives-notice-forward", args=[notice.pk])
    bad = SimpleUploadedFile("s.png", b"no picture", content_type="image/png")
    refused = client.post(post, {"platform": "wechat_group", "place": "村民群", "screenshot": bad})
    assert refused.status_code == 400
    assert refused.context["forward_form"]["place"].value() == "村民群"
    assert "screenshot" in refused.context["forward_form"].errors

    shot = SimpleUploadedFile("s.png", png(), content_type="image/png")
    done = client.post(post, {"platform": "wechat_group", "place": "村民群", "screenshot": shot})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="forwarded"' in page
    recipient_id = NoticeForward.objects.get().recipient_id
    shot_url = reverse("directives-forward-screenshot", args=[notice.pk, recipient_id])
    assert shot_url in page
    assert client.get(shot_url).status_code == 200

    # the node's second informant: already done (409), nothing lost
    client.force_login(informants[1])
    again = client.post(post, {"platform": "weibo", "place": "微博号"})
    assert again.status_code == 409
    assert NoticeForward.objects.count() == 1
    # another county's informant sees neither the notice nor the screenshot
    client.force_login(informants[8])
    assert client.get(url).status_code == 404
    assert client.get(shot_url).status_code == 404


def test_the_tracking_page_shows_coverage_in_fixed_queries(
    client, city, officer, people, django_assert_num_queries
):
    informants, _ = people
    notice = pushed(officer, [city.city])
    client.force_login(officer)
    url = reverse("directives-tracking", args=[notice.pk])
    client.get(url)  # warm the session

    def count():
        with django_assert_num_queries(11):
            return client.get(url)

    count()
    for who in (informants[0], informants[2], informants[8]):
        notice_forward(notice_id=notice.pk, by=who, now=NOW, platform="weibo", place="号")
    page = count()
    assert [(r.name, r.forwarded) for r in page.context["coverage"]] == [("第1区", 2), ("第2区", 1)]
    html = page.content.decode()
    assert 'data-testid="count-forwarded">3<' in html
    assert 'data-testid="remind-unforwarded"' in html

    by_township = client.get(url, {"county": city.counties[0].pk})
    assert [(r.name, r.total, r.forwarded) for r in by_township.context["coverage"]] == [
        ("第1区1镇", 2, 2),
        ("第1区2镇", 2, 0),
    ]
    # the rows are that county's only
    assert len(by_township.context["page"].object_list) == 4
    done = client.get(url, {"state": "done"})
    assert len(done.context["page"].object_list) == 3
