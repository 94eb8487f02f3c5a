"""The grid import page: system admins only; shows counts or the table of bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grid.models import Region, Role, User
from grid.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
URL = reverse("grid-import")


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (DATA / name).read_bytes())


@pytest.fixture
def sys_admin(city):
    return city.city_user(role=Role.SYS_ADMIN)


@pytest.mark.parametrize("role", [Role.COUNTY_ADMIN, Role.LEADER, Role.DUTY_OFFICER])
def test_other_roles_get_403(client, city, role):
    user = city.county_admin(0) if role == Role.COUNTY_ADMIN else city.city_user(role=role)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"files": upload("regions.csv")}).status_code == 403
    assert not Region.objects.filter(code="331000000000").exists()


def test_informant_gets_403(client, city):
    client.force_login(city.informant(0))
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_sys_admin_sees_the_form_and_the_format(client, sys_admin, django_assert_max_num_queries):
    client.force_login(sys_admin)
    with django_assert_max_num_queries(3):  # session, user, (region for the scope)
        response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="file"' in page
    assert 'name="dry_run"' in page
    for column in ("parent_code", "head_username", "grid_point_code", "remit"):
        assert column in page


def test_superuser_gets_the_page(client, db):
    admin = UserFactory(username="root", role="", region=None, is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(URL).status_code == 200


def test_superuser_uploads_a_csv_set_and_sees_counts(client):
    client.force_login(UserFactory(username="root", role="", region=None, is_superuser=True))
    files = [upload(n) for n in ("regions.csv", "grid_points.csv", "units.csv", "people.csv")]
    response = client.post(URL, {"files": files})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.written
    assert result.counts["regions"].created == 10
    assert 'data-testid="import-counts"' in response.content.decode()
    assert User.objects.filter(username="zhang3").exists()


def test_upload_with_bad_rows_shows_the_error_table_and_writes_nothing(client, sys_admin):
    client.force_login(sys_admin)
    before = Region.objects.count()
    response = client.post(URL, {"files": [upload("bad_regions.csv")]})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page
    assert "Unknown parent_code 339999000000." in page
    errors = response.context["result"].errors
    assert ("bad_regions.csv", 7, "parent_code") in {(e.source, e.row, e.column) for e in errors}
    assert Region.objects.count() == before


def test_sys_admin_imports_inside_own_city_only(client, city, sys_admin):
    client.force_login(sys_admin)
    rows = (
        "code,name,level,parent_code,kind\n"
        f"321001001099,新村,village,{city.townships[0].code},\n"
        "339900000000,别的市,city,,\n"
    )
    response = client.post(URL, {"files": [upload("r.csv", rows.encode())]})
    errors = response.context["result"].errors
    assert [(e.row, e.column) for e in errors] == [(3, "code")]
    assert "outside your jurisdiction" in errors[0].message
    # Without the stranger's row, the village imports.
    good = "\n".join(rows.splitlines()[:2]).encode()
    response = client.post(URL, {"files": [upload("r.csv", good)]})
    assert response.context["result"].written
    assert Region.objects.get(code="321001001099").parent == city.townships[0]


def test_check_only_writes_nothing(client, sys_admin, city):
    client.force_login(sys_admin)
    rows = (
        f"code,name,level,parent_code,kind\n321001001099,新村,village,{city.townships[0].code},\n"
    )
    response = client.post(URL, {"files": [upload("r.csv", rows.encode())], "dry_run": "on"})
    result = response.context["result"]
    assert result.ok
    assert result.dry_run
    assert result.counts["regions"].created == 1
    assert "Nothing was written" in response.content.decode()
    assert not Region.objects.filter(code="321001001099").exists()


def test_non_csv_upload_is_refused_with_a_message(client, sys_admin):
    client.force_login(sys_admin)
    response = client.post(URL, {"files": [upload("photo.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00")]})
    page = response.content.decode()
    assert "This is not a CSV file or an XLSX workbook." in page


def test_oversized_upload_is_refused(client, sys_admin, settings):
    settings.GRID_IMPORT_MAX_BYTES = 50
    client.force_login(sys_admin)
    response = client.post(URL, {"files": [upload("people.csv")]})
    assert "larger than" in response.context["result"].errors[0].message


def test_no_file_is_a_form_error(client, sys_admin):
    client.force_login(sys_admin)
    response = client.post(URL, {})
    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["form"].errors["files"]
