"""Authoritative pushes (辟谣·权威信息推送): what issuing one needs, forwarding once per node
with where and a checked screenshot, the coverage by county and township, the case page
showing the push; and an instruction relayed from above written in the duty log."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from directives.models import ForwardScreenshot, NoticeForward, NoticeKind, NoticeRecipient
from directives.selectors import notice_coverage, notice_tracking, pushes_for_case
from directives.services import NoticeConflict, notice_forward, notice_issue, notice_remind
from directives.tests.conftest import NOW
from duty.models import ExpectedSubmission, LogEntry, LogKind
from duty.tests.factories import make_crew
from duty.tests.helpers import put_on
from grid.models import Role
from grid.tests.factories import GridPointFactory, UserFactory
from reports.tests.factories import submit
from reports.tests.files import png

pytestmark = pytest.mark.django_db


def push(by, **kw):
    values = {
        "kind": NoticeKind.REFUTATION,
        "title": "关于“某村道路塌陷”的辟谣",
        "body": "经核实，网传内容不实。",
        "share_text": "【辟谣】网传某村道路塌陷系旧图，请勿转发。",
        "share_link": "https://example.com/refute/1",
    }
    values.update(kw)
    return notice_issue(by=by, now=NOW, **values)


def forward(notice, who, **kw):
    values = {"platform": "wechat_group", "place": "幸福村村民群"}
    values.update(kw)
    return notice_forward(notice_id=notice.pk, by=who, now=NOW + timedelta(minutes=5), **values)


def test_a_push_asks_only_for_forwarding_and_needs_something_to_forward(city, officer, people):
    notice = push(officer, regions=[city.city], needs_ack=True, ack_due_at=NOW + timedelta(1))
    assert notice.is_push
    assert (notice.needs_ack, notice.needs_report) == (False, False)
    assert notice.recipient_count == 8
    # no expected acknowledgement or report: nothing the duty sweep could mark missed
    assert not ExpectedSubmission.objects.filter(subject_id=notice.pk).exists()

    with pytest.raises(ValidationError) as refused:
        push(officer, regions=[city.city], share_text="", share_link="")
    assert "share_text" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:  # an ordinary notice forwards nothing
        push(officer, regions=[city.city], kind=NoticeKind.NOTICE, ack_due_at=NOW + timedelta(1))
    assert "kind" in refused.value.message_dict


def test_coverage_counts_nodes_that_forwarded_by_county_and_by_township(city, officer, people):
    informants, _liaisons = people
    # a grid point at a township itself (not at a village) counts under that township
    township_point = GridPointFactory(region=city.townships[1], name="二镇直属点")
    at_township = UserFactory(
        role=Role.INFORMANT, region=city.townships[1], grid_point=township_point
    )
    notice = push(officer, regions=[city.city], units=[city.units[0]])
    assert notice.recipient_count == 10  # 8 village points, the township point, one unit

    # given: villages 0 and 1 (township 0) and the township point (township 1) of county 0,
    # and village 4 (county 1, township 2) forward; two informants of village 0 try twice
    forward(notice, informants[0])
    with pytest.raises(NoticeConflict):
        forward(notice, informants[1], place="另一个群")
    forward(notice, informants[2])
    forward(notice, at_township, platform="qq_group", place="镇QQ群")
    forward(notice, informants[8])

    by_county = notice_coverage(notice=notice)
    assert [(r.name, r.total, r.forwarded) for r in by_county] == [
        ("第1区", 6, 3),  # four village points, the township point, the county's unit
        ("第2区", 4, 1),
    ]
    assert by_county[0].share == 50
    by_township = notice_coverage(notice=notice, county_id=city.counties[0].pk)
    assert [(r.name, r.total, r.forwarded) for r in by_township] == [
        ("第1区1镇", 2, 2),
        ("第1区2镇", 3, 1),
        ("", 1, 0),  # the unit sits at the county, above any township
    ]
    assert notice_tracking(notice=notice, now=NOW).forwarded == 4


def test_coverage_is_one_query(city, officer, people, django_assert_num_queries):
    notice = push(officer, regions=[city.city])
    with django_assert_num_queries(1):
        notice_coverage(notice=notice)
    with django_assert_num_queries(1):
        notice_coverage(notice=notice, county_id=city.counties[1].pk)


def test_forward_once_per_node_is_unique_in_the_database(city, officer, people):
    informants, _ = people
    notice = push(officer, regions=[city.counties[0]])
    first = forward(notice, informants[0])
    recipient = first.recipient
    with pytest.raises(IntegrityError), transaction.atomic():
        NoticeForward.objects.create(
            recipient=recipient,
            forwarded_by=informants[1],
            forwarded_at=NOW,
            platform="weibo",
            place="x",
        )
    assert NoticeForward.objects.filter(recipient=recipient).count() == 1


def test_forward_checks_where_and_the_screenshot(city, officer, people, settings):
    informants, _ = people
    notice = push(officer, regions=[city.counties[0]])
    with pytest.raises(ValidationError) as refused:
        forward(notice, informants[0], platform="telegram", place=" ")
    assert set(refused.value.message_dict) == {"platform", "place"}

    text = SimpleUploadedFile("shot.png", b"not a picture at all", content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        forward(notice, informants[0], screenshot=text)
    assert "screenshot" in refused.value.message_dict
    pdf = SimpleUploadedFile(
        "shot.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="image/png"
    )
    with pytest.raises(ValidationError) as refused:
        forward(notice, informants[0], screenshot=pdf)
    assert "picture" in refused.value.message_dict["screenshot"][0]
    settings.REPORT_ATTACHMENT_MAX_BYTES = 50
    big = SimpleUploadedFile("big.png", png((64, 64)), content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        forward(notice, informants[0], screenshot=big)
    assert "larger" in refused.value.message_dict["screenshot"][0]
    assert not NoticeForward.objects.exists()  # nothing saved by a refusal

    settings.REPORT_ATTACHMENT_MAX_BYTES = 10_000_000
    shot = SimpleUploadedFile("截图.png", png(), content_type="image/png")
    done = forward(notice, informants[0], screenshot=shot)
    stored = ForwardScreenshot.objects.get(forward=done)
    assert stored.content_type == "image/png"
    assert stored.width == 4
    # stored through the storage API under its content hash, not the name sent
    assert stored.file.name.startswith(f"notices/{stored.sha256[:2]}/{stored.sha256}")


def test_only_the_nodes_sent_to_forward_and_only_a_push(city, officer, people):
    informants, _ = people
    notice = push(officer, regions=[city.counties[0]])
    from directives.selectors import NoticeNotFound

    with pytest.raises(NoticeNotFound):  # village 4 is in county 1
        forward(notice, informants[8])
    with pytest.raises(NoticeNotFound):  # an officer is no node
        forward(notice, officer)
    ordinary = notice_issue(
        by=officer,
        now=NOW,
        title="通知",
        body="内容",
        regions=[city.counties[0]],
        ack_due_at=NOW + timedelta(hours=2),
    )
    with pytest.raises(NoticeConflict):
        forward(ordinary, informants[0])


def test_a_push_links_only_reports_the_issuer_sees_and_reminds_the_unforwarded(
    city, officer, people, other_city
):
    informants, _ = people
    report = submit(informants[0])
    elsewhere = submit(other_city.informant(0))
    county_admin = city.county_admin(1)
    with pytest.raises(ValidationError) as refused:
        push(county_admin, regions=[city.counties[1]], reports=[report])
    assert "reports" in refused.value.message_dict
    with pytest.raises(ValidationError):
        push(officer, regions=[city.city], reports=[elsewhere])

    notice = push(officer, regions=[city.counties[0]], reports=[report])
    assert list(notice.reports.all()) == [report]
    forward(notice, informants[0])
    assert notice_remind(notice=notice, by=officer, now=NOW + timedelta(hours=1)) == 3
    assert [n.pk for n in pushes_for_case(report_id=report.pk)] == [notice.pk]
    assert pushes_for_case(report_id=report.pk)[0].forwarded == 1


def test_the_case_page_shows_the_push_and_offers_one(client, city, officer, people):
    informants, _ = people
    report = submit(informants[0])
    notice = push(officer, regions=[city.counties[0]], reports=[report])
    forward(notice, informants[0])

    client.force_login(officer)
    page = client.get(reverse("report-detail", args=[report.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="case-pushes"' in html
    assert notice.title in html
    assert reverse("directives-notice", args=[notice.pk]) in html
    assert f"{reverse('directives-notice-new')}?report={report.pk}" in html

    # the reporter sees their case in plain words, without the panel
    client.force_login(informants[0])
    page = client.get(reverse("report-detail", args=[report.pk]))
    assert page.status_code == 200
    assert 'data-testid="case-pushes"' not in page.content.decode()


# -- An instruction relayed from above (上级指令) ------------------------------------------


def test_a_relayed_instruction_is_written_in_the_log_of_the_issuers_duty(city, people):
    crew = make_crew(city)
    officer = crew.officers[0]
    day = put_on(crew, [officer], desk=crew.platform, day=NOW.date())
    now = day.starts_at + timedelta(hours=1)
    notice = notice_issue(
        by=officer,
        now=now,
        kind=NoticeKind.INSTRUCTION,
        title="关于做好节日期间舆情防控的指令",
        body="请各地加强监测。",
        regions=[city.counties[0]],
        ack_due_at=now + timedelta(hours=2),
        relayed_from="省委网信办",
        relayed_received_at=now - timedelta(minutes=20),
    )
    entry = LogEntry.objects.get(day=day)
    assert entry.kind == LogKind.RELAYED
    assert entry.author == officer
    assert entry.occurred_at == now
    assert "省委网信办" in entry.text
    assert notice.title in entry.text
    assert "4" in entry.text  # the nodes it went to

    # another officer, not on duty: the notice is issued, no log has it
    notice_issue(
        by=crew.officers[1],
        now=now,
        title="转发",
        body="内容",
        regions=[city.counties[0]],
        ack_due_at=now + timedelta(hours=2),
        relayed_from="省委网信办",
    )
    # an ordinary notice by the officer on duty is no relay
    notice_issue(
        by=officer,
        now=now,
        title="普通通知",
        body="内容",
        regions=[city.counties[0]],
        ack_due_at=now + timedelta(hours=2),
    )
    assert LogEntry.objects.count() == 1


def test_a_relay_names_its_source_and_a_past_time(city, officer, people):
    base = {
        "by": officer,
        "now": NOW,
        "title": "指令",
        "body": "内容",
        "regions": [city.counties[0]],
        "ack_due_at": NOW + timedelta(hours=2),
    }
    with pytest.raises(ValidationError) as refused:
        notice_issue(**base, relayed_received_at=NOW - timedelta(hours=1))
    assert "relayed_from" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        notice_issue(**base, relayed_from="省委", relayed_received_at=NOW + timedelta(hours=1))
    assert "relayed_received_at" in refused.value.message_dict
    assert not NoticeRecipient.objects.exists()


def test_the_township_of_a_unit_at_a_village_is_its_township(city, officer):
    from grid.tests.factories import UnitFactory

    village = city.villages[5]
    unit = UnitFactory(region=village, name="村委会")
    notice = push(officer, units=[unit])
    row = NoticeRecipient.objects.get(notice=notice, unit=unit)
    assert (row.county_id, row.township_id) == (city.counties[1].pk, village.parent_id)
