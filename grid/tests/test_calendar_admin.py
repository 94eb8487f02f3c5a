"""The working calendar, its years and the deadline rules in the Django admin."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from grid.models import CalendarDay, CalendarYear, Clock, ClockRule, Role
from grid.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return UserFactory(username="root", role="", region=None, is_superuser=True, is_staff=True)


@pytest.fixture
def city_admin(city):
    return city.city_user(Role.SYS_ADMIN, is_staff=True, username="city-admin")


def pages() -> list[str]:
    day = CalendarDay.objects.get(date=date(2026, 10, 10))
    year = CalendarYear.objects.get(year=2026)
    rule = ClockRule.objects.get(clock=Clock.UNIT_REPLY, grade="major")
    return [
        reverse("admin:index"),
        reverse("admin:app_list", args=["grid"]),
        reverse("admin:grid_calendarday_changelist"),
        reverse("admin:grid_calendarday_changelist") + "?date__year=2026&kind=makeup",
        reverse("admin:grid_calendarday_add"),
        reverse("admin:grid_calendarday_change", args=[day.pk]),
        reverse("admin:grid_calendarday_import"),
        reverse("admin:grid_calendaryear_changelist"),
        reverse("admin:grid_calendaryear_change", args=[year.pk]),
        reverse("admin:grid_clockrule_changelist"),
        reverse("admin:grid_clockrule_add"),
        reverse("admin:grid_clockrule_change", args=[rule.pk]),
    ]


@pytest.mark.parametrize("who", ["operator", "city_admin"])
def test_every_page_loads_for_grid_admins(client, request, who):
    client.force_login(request.getfixturevalue(who))
    for url in pages():
        assert client.get(url).status_code == 200, url


def test_people_who_are_not_grid_admins_get_no_page(client, city):
    client.force_login(city.county_admin(0, is_staff=True))
    for url in pages()[2:]:
        assert client.get(url).status_code in (302, 403), url


def test_the_lists_show_what_an_admin_checks(client, operator):
    client.force_login(operator)
    page = client.get(reverse("admin:grid_calendarday_changelist"), {"date__year": 2026}).content
    assert "国庆节".encode() in page
    assert b"Saturday" in page
    years = client.get(reverse("admin:grid_calendaryear_changelist"))
    row = next(y for y in years.context["cl"].result_list if y.year == 2026)
    assert row.day_count == CalendarDay.objects.filter(date__year=2026).count()
    rules = client.get(reverse("admin:grid_clockrule_changelist"))
    assert len(rules.context["cl"].result_list) == ClockRule.objects.count()


def test_a_make_up_day_on_a_weekday_is_refused(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("admin:grid_calendarday_add"), {"date": "2027-03-03", "kind": "makeup", "name": ""}
    )
    assert response.status_code == 200
    assert "only a Saturday or Sunday" in str(response.context["adminform"].form.errors)
    assert not CalendarDay.objects.filter(date=date(2027, 3, 3)).exists()


def test_a_rule_is_edited_but_its_clock_and_grade_stay(client, operator):
    client.force_login(operator)
    rule = ClockRule.objects.get(clock=Clock.CITIZEN_REPLY, grade="")
    url = reverse("admin:grid_clockrule_change", args=[rule.pk])
    response = client.post(
        url,
        {
            "clock": "complex",  # read-only: ignored
            "grade": "major",
            "limit": "4",
            "unit": "working_days",
            "max_limit": "6",
            "remind_at_percent": "75",
            "grace": "2",
            "note": "edited",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.clock, rule.grade, rule.limit, rule.max_limit, rule.remind_at_percent) == (
        "citizen_reply",
        "",
        4,
        6,
        75,
    )


def test_a_rule_below_its_limit_is_refused(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("admin:grid_clockrule_add"),
        {
            "clock": "complex",
            "grade": "major",
            "limit": "10",
            "unit": "working_days",
            "max_limit": "5",
            "remind_at_percent": "80",
            "grace": "1",
        },
    )
    assert response.status_code == 200
    assert "max_limit" in response.context["adminform"].form.errors


def test_the_rule_for_every_grade_cannot_be_deleted_a_grades_own_can(client, operator):
    client.force_login(operator)
    every = ClockRule.objects.get(clock=Clock.UNIT_REPLY, grade="")
    major = ClockRule.objects.get(clock=Clock.UNIT_REPLY, grade="major")
    assert (
        client.post(
            reverse("admin:grid_clockrule_delete", args=[every.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:grid_clockrule_delete", args=[major.pk]), {"post": "yes"}
        ).status_code
        == 302
    )
    assert ClockRule.objects.filter(pk=every.pk).exists()
    assert not ClockRule.objects.filter(pk=major.pk).exists()
    # No bulk delete either.
    changelist = client.get(reverse("admin:grid_clockrule_changelist"))
    assert "delete_selected" not in changelist.content.decode()


@pytest.mark.parametrize(
    ("model", "queries"),
    # session and person, then the page: a count (and the unfiltered count), the rows; the
    # calendar's date drill-down reads its years too. None reads per row.
    [("calendarday", 7), ("calendaryear", 5), ("clockrule", 5)],
)
def test_the_lists_read_a_fixed_number_of_queries(
    client, operator, django_assert_num_queries, model, queries
):
    client.force_login(operator)
    url = reverse(f"admin:grid_{model}_changelist")
    with django_assert_num_queries(queries):
        client.get(url)
