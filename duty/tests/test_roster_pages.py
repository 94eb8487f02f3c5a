"""Duty pages: what each person sees and may do, refusals in order, pinned query counts."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duty.models import DutyShift, LogEntry, Swap, SwapState
from duty.services import roster_generate
from duty.tests.helpers import DAY, at, put_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(crew):
    """December on the crew's point and the platform, written on Dec 1 at 08:00."""
    roster_generate(
        by=crew.head,
        desk=crew.point,
        month=date(2026, 12, 1),
        people=[m.pk for m in crew.members],
        leaders=[crew.head.pk],
        now=at(date(2026, 12, 1), 8),
    )
    roster_generate(
        by=crew.admin,
        desk=crew.platform,
        month=date(2026, 12, 1),
        people=[o.pk for o in crew.officers],
        leaders=[crew.leader.pk],
        now=at(date(2026, 12, 1), 8),
    )


def _get(client, user, url, when):
    with time_machine.travel(when, tick=False):
        client.force_login(user)
        return client.get(url)


def test_home_shows_my_next_duties_at_one_query(client, crew, month, django_assert_num_queries):
    member = crew.members[0]
    with time_machine.travel(at(DAY, 8), tick=False):
        client.force_login(member)
        client.get("/")
        with CaptureQueriesContext(connection) as counted:
            page = client.get("/").content.decode()
        with_panel = len(counted)
    assert 'data-testid="next-duties"' in page
    # with no duty ahead (January is not on the roster) the panel costs nothing
    with time_machine.travel(at(date(2027, 1, 5), 8), tick=False):
        client.force_login(member)
        client.get("/")
        with CaptureQueriesContext(connection) as bare:
            page = client.get("/").content.decode()
        without = len(bare)
    assert 'data-testid="next-duties"' not in page
    assert with_panel == without + 1


def test_day_page_clock_in_log_and_query_count(client, crew, month, django_assert_num_queries):
    member = crew.members[(DAY.day - 1) % 3]
    day = DutyShift.objects.get(date=DAY, person=member).day
    with time_machine.travel(at(DAY, 8, 30), tick=False):
        client.force_login(member)
        page = client.get(f"/duty/days/{day.pk}/").content.decode()
        assert 'data-testid="clock-in"' in page
        shift = DutyShift.objects.get(day=day)
        response = client.post(f"/duty/days/{day.pk}/shifts/{shift.pk}/clock-in/")
        assert response.status_code == 302
        # twice: a 409 page that says why
        response = client.post(f"/duty/days/{day.pk}/shifts/{shift.pk}/clock-in/")
        assert response.status_code == 409
        assert "already clocked in" in response.content.decode()
    with time_machine.travel(at(DAY, 10), tick=False):
        client.force_login(member)
        bad = client.post(f"/duty/days/{day.pk}/log/", {"kind": "call", "text": ""})
        assert bad.status_code == 400
        ok = client.post(
            f"/duty/days/{day.pk}/log/",
            {"kind": "call", "text": "接到县里电话"},
            HTTP_HX_REQUEST="true",
        )
        assert ok.status_code == 200
        assert "接到县里电话" in ok.content.decode()
        for n in range(3):
            client.post(f"/duty/days/{day.pk}/log/", {"kind": "action", "text": f"处置{n}"})
        client.get(f"/duty/days/{day.pk}/")
        with django_assert_num_queries(12):
            page = client.get(f"/duty/days/{day.pk}/")
    assert page.status_code == 200
    assert LogEntry.objects.filter(day=day).count() == 4


def test_pages_refuse_outside_the_jurisdiction_and_strangers(client, crew, month):
    day = DutyShift.objects.filter(date=DAY, day__grid_point=crew.point).first().day
    assert _get(client, crew.stranger, f"/duty/days/{day.pk}/", at(DAY, 10)).status_code == 404
    assert (
        _get(client, crew.stranger, f"/duty/roster/point/{crew.point.pk}/", at(DAY, 10)).status_code
        == 404
    )
    assert (
        _get(
            client, crew.members[0], f"/duty/roster/platform/{crew.platform.pk}/", at(DAY, 10)
        ).status_code
        == 404
    )
    assert _get(client, crew.members[0], "/duty/watch/", at(DAY, 10)).status_code == 403
    shift = DutyShift.objects.get(day=day)
    other = next(m for m in crew.members if m.pk != shift.person_id)
    with time_machine.travel(at(DAY, 8, 30), tick=False):
        client.force_login(other)
        assert client.post(f"/duty/days/{day.pk}/shifts/{shift.pk}/clock-in/").status_code == 403


def test_roster_page_generates_and_sets_a_day(client, crew, django_assert_num_queries):
    url = f"/duty/roster/point/{crew.point.pk}/?month=2026-12"
    with time_machine.travel(at(date(2026, 11, 25), 10), tick=False):
        client.force_login(crew.head)
        page = client.get(url).content.decode()
        assert 'data-testid="rotation"' in page
        people = [m.pk for m in crew.members]
        response = client.post(
            url,
            {
                "action": "generate",
                "month": "2026-12",
                "people": people,
                "per_day": "1",
                "start": str(people[1]),
            },
        )
        assert response.status_code == 302
        refused = client.post(
            url, {"action": "day", "date": "2026-12-05", "people": [crew.stranger.pk]}
        )
        assert refused.status_code == 400
        assert (
            client.post(
                url,
                {
                    "action": "day",
                    "date": "2026-12-05",
                    "people": [people[2]],
                    "leader": crew.head.pk,
                },
            ).status_code
            == 302
        )
        client.get(url)
        with django_assert_num_queries(
            8
        ):  # session, person, desk, days, people, absences, 2 choices
            page = client.get(url)
    assert page.status_code == 200
    assert DutyShift.objects.get(date=date(2026, 12, 5)).person_id == people[2]
    # day one went to the person chosen to start, then on in the list's order
    assert DutyShift.objects.get(date=date(2026, 12, 1)).person_id == people[1]
    assert DutyShift.objects.get(date=date(2026, 12, 2)).person_id == people[2]
    assert DutyShift.objects.get(date=date(2026, 12, 3)).person_id == people[0]
    # a member sees it, may not write it
    with time_machine.travel(at(date(2026, 11, 25), 10), tick=False):
        client.force_login(crew.members[0])
        page = client.get(url).content.decode()
        assert 'data-testid="rotation"' not in page
        assert (
            client.post(
                url, {"action": "day", "date": "2026-12-05", "people": [people[0]]}
            ).status_code
            == 403
        )


def test_swap_pages_request_and_approve(client, crew, month):
    member = crew.members[(DAY.day - 1) % 3]
    colleague = next(m for m in crew.members if m != member)
    shift = DutyShift.objects.get(date=DAY, person=member)
    with time_machine.travel(at(DAY, 7), tick=False):
        client.force_login(member)
        response = client.post(
            f"/duty/days/{shift.day_id}/shifts/{shift.pk}/swap/",
            {"colleague": colleague.pk, "reason": "孩子生病"},
        )
        assert response.status_code == 302
        client.force_login(crew.head)
        page = client.get("/duty/swaps/").content.decode()
        assert "孩子生病" in page
        swap = Swap.objects.get()
        assert client.post(f"/duty/swaps/{swap.pk}/decide/", {"approve": "true"}).status_code == 302
    swap.refresh_from_db()
    assert swap.state == SwapState.APPROVED
    assert DutyShift.objects.get(pk=shift.pk).person_id == colleague.pk


def test_watch_page_query_count_does_not_grow_with_the_duties(
    client, crew, month, django_assert_num_queries
):
    def count():
        with time_machine.travel(at(DAY, 10), tick=False):
            client.force_login(crew.admin)
            client.get("/duty/watch/")
            with CaptureQueriesContext(connection) as counted:
                assert client.get("/duty/watch/").status_code == 200
            return len(counted)

    few = count()
    for point in crew.city.grid_points[1:4]:
        from duty.services import roster_set_day
        from grid.models import Role
        from grid.tests.factories import UserFactory

        person = UserFactory(role=Role.INFORMANT, region=point.region, grid_point=point)
        roster_set_day(
            by=crew.admin, desk=point, day=DAY, people=[person.pk], leader_id=None, now=at(DAY, 8)
        )
    assert count() == few == 7  # session, person, count, page, people, absences, handovers


def test_handover_form_lists_the_cases_held_then_the_next_person_acknowledges(client, crew):
    from datetime import timedelta

    from reports.tests.factories import submit

    out = put_on(crew, [crew.members[0]], leader=crew.head)
    incoming = put_on(crew, [crew.members[1]], day=DAY + timedelta(days=1))
    case = submit(crew.members[0])
    with time_machine.travel(at(DAY + timedelta(days=1), 8, 30), tick=False):
        client.force_login(crew.members[0])
        page = client.get(f"/duty/days/{out.pk}/").content.decode()
        assert 'data-testid="handover-form"' in page
        assert case.case_number in page
        refused = client.post(
            f"/duty/days/{out.pk}/handover/", {"log_summary": " ", "points_to_watch": "集会"}
        )
        assert refused.status_code == 400
        assert "集会" in refused.content.decode()  # what was typed is kept
        done = client.post(
            f"/duty/days/{out.pk}/handover/", {"log_summary": "平稳", "points_to_watch": "集会"}
        )
        assert done.status_code == 302
        client.force_login(crew.members[1])
        page = client.get(f"/duty/days/{incoming.pk}/").content.decode()
        assert 'data-testid="acknowledge"' in page
        handover = incoming.taken_over
        ack = client.post(
            f"/duty/days/{incoming.pk}/handovers/{handover.pk}/acknowledge/", {"note": "收到"}
        )
        assert ack.status_code == 302
    handover.refresh_from_db()
    assert handover.acknowledged_by_id == crew.members[1].pk
