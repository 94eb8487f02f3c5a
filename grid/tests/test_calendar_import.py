"""Importing a year's holiday schedule from CSV: the service, the command, the admin page.

The files here are test data, not any year's official schedule: the days are chosen to test
the counting, and 2027 stands for "a year the table does not hold yet".
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from grid.models import CalendarDay, CalendarKind, CalendarYear, Role
from grid.services import calendar_import
from grid.tests.factories import UserFactory
from grid.workdays import SHANGHAI, add_working_time

pytestmark = pytest.mark.django_db

# Test data (not the official 2027 schedule): 1 January off, Saturday 2 January worked.
GOOD = """date,kind,name
2027-01-01,holiday,元旦
2027-01-02,makeup,元旦
2027-02-08,holiday,春节
2027-02-09,holiday,春节
"""

BAD = """date,kind,name
2027-01-01,holiday,元旦
2027-13-01,holiday,春节
2027-02-09,vacation,春节
2027-02-10,makeup,春节
2027-01-01,holiday,元旦
2031-05-01,holiday,劳动节
"""


def end_of(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day) + timedelta(days=1), time(0), SHANGHAI)


@pytest.fixture(autouse=True)
def _2027_not_yet_known(db):
    """Whatever the installed package holds, the table starts without 2027."""
    CalendarDay.objects.filter(date__year=2027).delete()
    CalendarYear.objects.filter(year=2027).delete()


def nothing_of_2027_written() -> bool:
    return (
        not CalendarDay.objects.filter(date__year=2027).exists()
        and not CalendarYear.objects.filter(year=2027).exists()
    )


def test_a_year_boundary_counts_weekdays_until_the_year_is_imported_then_its_holidays():
    start = datetime(2026, 12, 30, 10, 0, tzinfo=SHANGHAI)  # Wednesday
    before = add_working_time(start, 3, "working_days")
    # Thursday 31, then Friday 1 and Monday 4 January as plain weekdays, and it says so.
    assert (before.at, before.assumed_weekdays) == (end_of("2027-01-04"), True)

    done = calendar_import(data=GOOD.encode(), source="test")

    assert (done.year, done.created, done.updated, done.unchanged) == (2027, 4, 0, 0)
    after = add_working_time(start, 3, "working_days")
    # Thursday 31, then 1 January off, Saturday 2 January worked, Monday 4.
    assert (after.at, after.assumed_weekdays) == (end_of("2027-01-04"), False)
    assert add_working_time(start, 2, "working_days").at == end_of("2027-01-02")
    year = CalendarYear.objects.get(year=2027)
    assert year.source == "test"


def test_importing_again_updates_in_place_and_counts_what_changed():
    calendar_import(data=GOOD.encode(), source="first")
    changed = GOOD.replace("2027-02-09,holiday,春节", "2027-02-09,holiday,春节假期")
    done = calendar_import(data=(changed + "2027-02-10,holiday,春节\n").encode(), source="again")
    assert (done.created, done.updated, done.unchanged) == (1, 1, 3)
    assert CalendarDay.objects.get(date=date(2027, 2, 9)).name == "春节假期"
    assert CalendarYear.objects.get(year=2027).source == "again"


def test_bad_rows_are_refused_by_line_and_nothing_is_written():
    with pytest.raises(ValidationError) as caught:
        calendar_import(data=BAD.encode(), source="test")
    messages = caught.value.messages
    assert [m.split(":")[0] for m in messages] == ["Line 3", "Line 4", "Line 5", "Line 6", "Line 7"]
    assert "“2027-13-01” is not a date of the calendar" in messages[0]
    assert "not “vacation”" in messages[1]
    assert "2027-02-10 is a weekday" in messages[2]
    assert "2027-01-01 is already on line 2" in messages[3]
    assert "2031-05-01 is not in the schedule of 2027" in messages[4]
    assert nothing_of_2027_written()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"date,kind,name\n", "The file holds no days."),
        (b"day,type\n2027-01-01,holiday\n", "Line 1: the first line must be the column names"),
        (b"date,kind,name\n2027/1/1,holiday,x,y\n", "Line 2: a line holds three values"),
        (b"date,kind,name\nsoon,holiday,\n", "“soon” is not a date like 2027-01-01"),
        (b"\x00\x01\x02", "This is not a CSV text file."),
        (b"date,kind,name\n" + b"2027-01-01,holiday,x\n" * 5000, "larger than 64 KB"),
    ],
)
def test_a_file_that_is_no_schedule_is_refused(data, message):
    with pytest.raises(ValidationError, match=message):
        calendar_import(data=data, source="test")
    assert nothing_of_2027_written()


def test_spreadsheet_habits_are_understood():
    # GB18030 as Chinese Excel saves CSV, a BOM, dates with slashes, blank lines, upper case.
    text = "\ufeffDate,Kind,Name\r\n2027/1/1,HOLIDAY,元旦\r\n\r\n2027/1/2,makeup,\r\n"
    done = calendar_import(data=text.encode("gb18030"), source="test")
    assert done.created == 2
    assert CalendarDay.objects.get(date=date(2027, 1, 1)).name == "元旦"
    assert CalendarDay.objects.get(date=date(2027, 1, 2)).kind == CalendarKind.MAKEUP


def test_a_schedule_may_reach_into_the_edges_of_the_neighbouring_years():
    text = "date,kind,name\n2026-12-26,makeup,元旦\n2027-01-01,holiday,元旦\n2028-01-01,holiday,x\n"
    done = calendar_import(data=text.encode(), source="test", year=2027)
    assert done.year == 2027
    assert CalendarDay.objects.get(date=date(2026, 12, 26)).kind == CalendarKind.MAKEUP
    assert not CalendarYear.objects.filter(year=2028).exists()  # only the year published


def test_the_year_given_must_be_the_files():
    with pytest.raises(ValidationError, match="not in the schedule of 2028"):
        calendar_import(data=GOOD.encode(), source="test", year=2028)


# --- the command ------------------------------------------------------------------------------


def test_the_command_imports_a_file(tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_calendar", str(path))
    assert "2027: 4 days added, 0 changed, 0 unchanged." in capsys.readouterr().out
    assert CalendarYear.objects.get(year=2027).source == "CSV 2027.csv"


def test_the_command_lists_every_bad_line_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(CommandError, match="5 error"):
        call_command("import_calendar", str(path))
    err = capsys.readouterr().err
    assert "2027.csv: Line 3:" in err
    assert "2027.csv: Line 7:" in err
    assert nothing_of_2027_written()
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_calendar", str(tmp_path / "missing.csv"))


# --- the admin page ---------------------------------------------------------------------------

IMPORT = "admin:grid_calendarday_import"


@pytest.fixture
def operator(db):
    return UserFactory(username="root", role="", region=None, is_superuser=True, is_staff=True)


def upload(text: str, name: str = "2027.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_import_page_imports_and_shows_the_year(client, operator):
    client.force_login(operator)
    assert client.get(reverse(IMPORT)).status_code == 200
    response = client.post(reverse(IMPORT), {"file": upload(GOOD)}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("?date__year=2027")
    assert "2027 imported: 4 days added" in response.content.decode()
    assert CalendarYear.objects.get(year=2027).source == "CSV 2027.csv, by root"


def test_the_import_page_answers_400_with_every_bad_line(client, operator):
    client.force_login(operator)
    response = client.post(reverse(IMPORT), {"file": upload(BAD)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page
    for line in (3, 4, 5, 6, 7):
        assert f"Line {line}:" in page
    assert nothing_of_2027_written()
    # No file at all, a year out of range: the form says so.
    response = client.post(reverse(IMPORT), {"year": "3000"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"file", "year"}


def test_a_city_system_admin_may_import_and_others_may_not(client, city):
    sys_admin = city.city_user(Role.SYS_ADMIN, is_staff=True, username="city-admin")
    client.force_login(sys_admin)
    assert client.post(reverse(IMPORT), {"file": upload(GOOD)}).status_code == 302
    client.force_login(city.county_admin(0))
    assert client.get(reverse(IMPORT)).status_code == 302  # to the admin's log-in
    client.logout()
    assert client.get(reverse(IMPORT)).status_code == 302
