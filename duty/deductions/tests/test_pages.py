"""The deduction pages: the list with its filters (bounded queries), one deduction with its
source and the appeal or decision form, the duty officer's form, the evidence."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from duty.deductions.services import deduction_record, deductions_from_events
from duty.models import Deduction, DeductionStatus
from grid.hooks import ScoreEvent
from reports.tests.factories import submit

pytestmark = pytest.mark.django_db

LIST = reverse("deduction-list")
NEW = reverse("deduction-new")


@pytest.fixture(autouse=True)
def _english(client, settings):
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def signed_in(client, user):
    client.force_login(user)
    return client


def missed(cast):
    now = timezone.now()
    deductions_from_events(
        [
            ScoreEvent.of("daily_report_missed", source=p, target=p, at=now)
            for p in cast.city.grid_points
        ]
    )


def test_the_list_shows_what_the_person_may_see(client, cast):
    missed(cast)
    page = signed_in(client, cast.county_admin).get(LIST)
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="deduction-row"') == 4
    assert b"Record by hand" not in page.content
    assert b"Record by hand" in signed_in(client, cast.duty).get(LIST).content


def test_the_list_reads_a_bounded_number_of_queries(client, cast, django_assert_num_queries):
    missed(cast)
    signed_in(client, cast.duty)
    client.get(LIST)  # the session's first use
    # session, person, the count, dispatch's major-case banner, the filter's places, the page
    month = f"{timezone.localtime():%Y-%m}"
    for query in ({}, {"month": month, "status": "counting"}):
        with django_assert_num_queries(6):
            assert client.get(LIST, query).status_code == 200


def test_bad_filters_are_shown_not_applied(client, cast):
    page = signed_in(client, cast.duty).get(LIST, {"month": "2026-99"})
    assert page.status_code == 400
    assert b"Use a month like 2026-11." in page.content


def test_htmx_gets_the_list_only(client, cast):
    missed(cast)
    page = signed_in(client, cast.duty).get(LIST, HTTP_HX_REQUEST="true")
    assert page.content.decode().lstrip().startswith('<div id="deduction-list"')


def test_the_head_appeals_on_the_page_and_the_admin_decides(client, cast):
    case = submit(cast.informant)
    deduction = deduction_record(
        by=cast.duty, kind="report_missed", target=cast.point, reason="瞒报", source=case
    )
    detail = reverse("deduction-detail", args=[deduction.pk])
    page = signed_in(client, cast.head).get(detail)
    assert b'data-testid="appeal-form"' in page.content
    # the source case, linked for those who may open it
    officer_view = signed_in(client, cast.duty).get(detail).content.decode()
    assert f'href="{reverse("report-detail", args=[case.pk])}">' in officer_view
    assert case.case_number in officer_view
    signed_in(client, cast.head)
    # an empty reason: the form again, with its error
    empty = client.post(reverse("deduction-appeal", args=[deduction.pk]), {"reason": ""})
    assert empty.status_code == 400
    assert b"This field is required." in empty.content
    sent = client.post(reverse("deduction-appeal", args=[deduction.pk]), {"reason": "已上报"})
    assert sent.status_code == 302
    again = client.post(reverse("deduction-appeal", args=[deduction.pk]), {"reason": "再次"})
    assert again.status_code == 409
    page = signed_in(client, cast.admin).get(detail)
    assert b'data-testid="decide-form"' in page.content
    decided = client.post(
        reverse("deduction-decide", args=[deduction.pk]), {"decision": "cancel", "note": "撤销"}
    )
    assert decided.status_code == 302
    assert Deduction.objects.get().status == DeductionStatus.CANCELLED


def test_a_deduction_outside_the_jurisdiction_is_a_404(client, cast):
    missed(cast)
    other = Deduction.objects.filter(grid_point=cast.city.grid_points[-1]).get()
    assert (
        signed_in(client, cast.county_admin)
        .get(reverse("deduction-detail", args=[other.pk]))
        .status_code
        == 404
    )
    assert client.post(reverse("deduction-appeal", args=[other.pk]), {}).status_code == 404


def test_only_the_party_sees_the_appeal_form(client, cast):
    deduction = deduction_record(by=cast.duty, kind="report_missed", target=cast.point, reason="x")
    page = signed_in(client, cast.county_admin).get(
        reverse("deduction-detail", args=[deduction.pk])
    )
    assert b'data-testid="appeal-form"' not in page.content
    assert client.post(reverse("deduction-appeal", args=[deduction.pk]), {}).status_code == 403


def test_the_duty_officers_form_records_and_keeps_what_was_typed(client, cast, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    signed_in(client, cast.duty)
    assert client.get(NEW).status_code == 200
    bad = client.post(
        NEW,
        {
            "kind": "report_missed",
            "target_type": "grid_point",
            "target": "nowhere",
            "reason": "理由",
        },
    )
    assert bad.status_code == 400
    assert "理由".encode() in bad.content
    assert b"No such Grid point in your jurisdiction." in bad.content
    from duty.deductions.tests.test_services import PNG

    done = client.post(
        NEW,
        {
            "kind": "report_missed",
            "grade": "general",
            "responsibility": "primary",
            "target_type": "grid_point",
            "target": cast.point.name,
            "reason": "漏报",
            "evidence": SimpleUploadedFile("e.png", PNG, content_type="image/png"),
        },
    )
    assert done.status_code == 302
    deduction = Deduction.objects.get()
    evidence = client.get(reverse("deduction-evidence", args=[deduction.pk]))
    assert evidence.status_code == 200
    assert evidence["Content-Type"] == "image/png"
    assert signed_in(client, cast.county_admin).get(NEW).status_code == 403


def test_the_grid_head_sees_the_menu_link(client, cast):
    page = signed_in(client, cast.head).get("/")
    assert LIST.encode() in page.content
