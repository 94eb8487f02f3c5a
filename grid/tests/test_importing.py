"""Importing the grid from CSV and XLSX: all or nothing, every bad row reported, idempotent."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from grid.importing import ImportSource
from grid.models import GridPoint, Level, Region, Role, Unit, User
from grid.scoping import Jurisdiction
from grid.services import grid_import, region_set_parent
from grid.tests.factories import DEMO_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
GOOD = ["regions.csv", "grid_points.csv", "units.csv", "people.csv"]


def good_sources() -> list[ImportSource]:
    return [ImportSource.from_path(DATA / name) for name in GOOD]


def csv_source(name: str, rows: list[list[str]], encoding: str = "utf-8") -> ImportSource:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ImportSource(name, buffer.getvalue().encode(encoding))


def data_rows(name: str) -> list[list[str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_sizes() -> tuple[int, int, int, int]:
    return (
        Region.objects.count(),
        GridPoint.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
    )


def counts(result) -> dict[str, tuple[int, int, int]]:
    return {e: (c.created, c.updated, c.unchanged) for e, c in result.counts.items()}


def issues(result) -> set[tuple[str, int | None, str | None]]:
    return {(i.source, i.row, i.column) for i in result.errors}


# --- good files -----------------------------------------------------------------------------


def test_good_csv_set_imports_everything():
    # when
    result = grid_import(sources=good_sources())
    # then
    assert result.ok, [str(i) for i in result.errors]
    assert counts(result) == {
        "regions": (10, 0, 0),
        "grid_points": (3, 0, 0),
        "units": (3, 0, 0),
        "people": (7, 0, 0),
    }
    village = Region.objects.get(code="331001001001")
    assert village.path == "331000000000/331001000000/331001001000/331001001001/"
    assert village.parent.code == "331001001000"
    assert Region.objects.get(code="331002000000").kind == "county"  # default for 县
    assert Region.objects.get(code="331001002000").level == Level.TOWNSHIP  # 乡镇
    point = GridPoint.objects.get(code="GP331001001001")
    assert point.head.username == "zhang3"
    zhang = User.objects.get(username="zhang3")
    assert zhang.region == point.region  # derived from the grid point
    assert not zhang.has_usable_password()
    liaison = User.objects.get(username="zhao6")
    assert liaison.unit.code == "3310-C1-PUB"
    assert liaison.region.code == "331001000000"  # derived from the unit
    assert User.objects.get(username="wang5").phone == "13800000003"


def test_good_xlsx_workbook_imports_everything():
    # Codes typed as numbers come back as whole numbers, not "331000000000.0".
    def numeric(rows):
        return [rows[0]] + [[int(v) if v.isdigit() else v for v in row] for row in rows[1:]]

    data = workbook(
        {
            "regions": numeric(data_rows("regions.csv")),
            "grid_points": data_rows("grid_points.csv"),
            "units": data_rows("units.csv"),
            "people": data_rows("people.csv"),
        }
    )
    result = grid_import(sources=[ImportSource("grid.xlsx", data)])
    assert result.ok, [str(i) for i in result.errors]
    assert counts(result)["regions"] == (10, 0, 0)
    assert counts(result)["people"] == (7, 0, 0)
    assert Region.objects.get(code="331002001001").path == (
        "331000000000/331002000000/331002001000/331002001001/"
    )
    # The same data as CSV is then all unchanged.
    again = grid_import(sources=good_sources())
    assert {c.created + c.updated for c in again.counts.values()} == {0}


def test_reimport_changes_nothing_and_writes_nothing(django_assert_num_queries):
    grid_import(sources=good_sources())
    # when
    with CaptureQueriesContext(connection) as queries:
        result = grid_import(sources=good_sources())
    # then
    assert result.ok
    assert counts(result) == {
        "regions": (0, 0, 10),
        "grid_points": (0, 0, 3),
        "units": (0, 0, 3),
        "people": (0, 0, 7),
    }
    assert len(queries) == 4  # one read per table, nothing else
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)


def test_changed_values_update_only_those_rows_and_keep_passwords(city):
    grid_import(sources=good_sources())
    person = User.objects.get(username="wang5")
    person.set_password(DEMO_PASSWORD)
    person.save()
    untouched = {r.code: r.name for r in Region.objects.filter(code__startswith="3210")}
    people = data_rows("people.csv")
    next(r for r in people if r[0] == "wang5")[6] = "13999999999"
    regions = data_rows("regions.csv")
    next(r for r in regions if r[0] == "331001000000")[1] = "甲区（新）"
    # when
    result = grid_import(
        sources=[csv_source("people.csv", people), csv_source("regions.csv", regions)]
    )
    # then
    assert counts(result)["people"] == (0, 1, 6)
    assert counts(result)["regions"] == (0, 1, 9)
    person.refresh_from_db()
    assert person.phone == "13999999999"
    assert person.check_password(DEMO_PASSWORD)
    assert Region.objects.get(code="331001000000").name == "甲区（新）"
    # Rows that are not in the files are left alone.
    assert {r.code: r.name for r in Region.objects.filter(code__startswith="3210")} == untouched


def test_references_may_point_into_the_database(city):
    # given: a grid point and a unit only in the database
    point, unit = city.grid_points[0], city.units[0]
    people = [
        ["username", "name", "role", "region_code", "grid_point_code", "unit_code", "phone"],
        ["x1", "甲", "informant", "", point.code, "", ""],
        ["x2", "乙", "unit_liaison", "", "", unit.code, ""],
    ]
    result = grid_import(sources=[csv_source("people.csv", people)])
    assert result.ok, [str(i) for i in result.errors]
    assert User.objects.get(username="x1").region == point.region
    assert User.objects.get(username="x2").region == unit.region


def test_dry_run_counts_but_writes_nothing():
    before = table_sizes()
    result = grid_import(sources=good_sources(), dry_run=True)
    assert result.ok
    assert counts(result)["regions"] == (10, 0, 0)
    assert table_sizes() == before


def test_grid_point_head_can_change_and_clear():
    grid_import(sources=good_sources())
    points = data_rows("grid_points.csv")
    points[1][3] = ""  # GP331001001001 loses zhang3
    points[2][3] = "qian8"  # GP331001002001 gets qian8
    result = grid_import(sources=[csv_source("grid_points.csv", points)])
    assert counts(result)["grid_points"] == (0, 2, 1)
    assert GridPoint.objects.get(code="GP331001001001").head is None
    assert GridPoint.objects.get(code="GP331001002001").head.username == "qian8"


# --- bad files: every row reported, nothing written ---------------------------------------

REGION_HEADER = ["code", "name", "level", "parent_code", "kind"]
PEOPLE_HEADER = ["username", "name", "role", "region_code", "grid_point_code", "unit_code", "phone"]
POINT_HEADER = ["code", "name", "region_code", "head_username"]
UNIT_HEADER = ["code", "name", "kind", "region_code", "remit"]


@pytest.mark.parametrize(
    ("header", "row", "column", "reason"),
    [
        (
            REGION_HEADER,
            ["331009000000", "新区", "county", "339900000000", ""],
            "parent_code",
            "Unknown parent_code",
        ),
        (
            REGION_HEADER,
            ["331001000000", "重复", "county", "331000000000", ""],
            "code",
            "Duplicate code",
        ),
        (REGION_HEADER, ["331009000000", "", "county", "331000000000", ""], "name", "Missing name"),
        (
            REGION_HEADER,
            ["331009000000", "新区", "province", "331000000000", ""],
            "level",
            "Bad level",
        ),
        (
            REGION_HEADER,
            ["331009001000", "新镇", "township", "331000000000", ""],
            "parent_code",
            "needs a County parent",
        ),
        (
            REGION_HEADER,
            ["339900000000", "新市", "city", "331000000000", ""],
            "parent_code",
            "A city has no parent",
        ),
        (
            REGION_HEADER,
            ["331009000000", "新区", "county", "331000000000", "town"],
            "kind",
            "does not fit",
        ),
        (
            REGION_HEADER,
            ["331009000000", "新区", "county", "", ""],
            "parent_code",
            "Missing parent_code",
        ),
        (POINT_HEADER, ["GP-N", "点", "339900000000", ""], "region_code", "Unknown region_code"),
        (
            POINT_HEADER,
            ["GP-N", "点", "331001001002", "nobody"],
            "head_username",
            "Unknown head_username",
        ),
        (POINT_HEADER, ["GP-N", "点", "331001000000", ""], "region_code", "township or a village"),
        (
            POINT_HEADER,
            ["GP-N", "点", "331001001001", ""],
            "region_code",
            "already has grid point GP331001001001",
        ),
        (UNIT_HEADER, ["U-N", "单位", "police", "331001000000", ""], "kind", "Bad kind"),
        (
            UNIT_HEADER,
            ["U-N", "单位", "department", "339900000000", ""],
            "region_code",
            "Unknown region_code",
        ),
        (
            UNIT_HEADER,
            ["U-N", "单位", "township", "331001000000", ""],
            "region_code",
            "cannot sit at",
        ),
        (PEOPLE_HEADER, ["n1", "某", "boss", "331001000000", "", "", ""], "role", "Bad role"),
        (
            PEOPLE_HEADER,
            ["n1", "某", "leader", "339900000000", "", "", ""],
            "region_code",
            "Unknown region_code",
        ),
        (
            PEOPLE_HEADER,
            ["n1", "某", "informant", "", "GP-NOPE", "", ""],
            "grid_point_code",
            "Unknown grid_point_code",
        ),
        (
            PEOPLE_HEADER,
            ["n1", "某", "unit_liaison", "", "", "U-NOPE", ""],
            "unit_code",
            "Unknown unit_code",
        ),
        (
            PEOPLE_HEADER,
            ["n1", "某", "informant", "331001001001", "", "", ""],
            "grid_point_code",
            "needs a grid_point_code",
        ),
        (
            PEOPLE_HEADER,
            ["n1", "某", "unit_liaison", "331001000000", "", "", ""],
            "unit_code",
            "needs a unit_code",
        ),
        (
            PEOPLE_HEADER,
            ["n1", "某", "informant", "331002001001", "GP331001001001", "", ""],
            "region_code",
            "does not match",
        ),
        (
            PEOPLE_HEADER,
            ["n1", "某", "county_admin", "331000000000", "", "", ""],
            "region_code",
            "belongs to a County",
        ),
        (
            PEOPLE_HEADER,
            ["zhang3", "某", "leader", "331000000000", "", "", ""],
            "username",
            "Duplicate username",
        ),
        (PEOPLE_HEADER, ["n1", "", "leader", "331000000000", "", "", ""], "name", "Missing name"),
        (
            PEOPLE_HEADER,
            ["n 1", "某", "leader", "331000000000", "", "", ""],
            "username",
            "username may hold only",
        ),
        (
            PEOPLE_HEADER,
            ["n1", "某", "leader", "", "", "", ""],
            "region_code",
            "Missing region_code",
        ),
    ],
)
def test_a_bad_row_is_reported_with_its_row_number_and_nothing_is_written(
    header, row, column, reason
):
    # given: the good set, plus one extra file whose row 3 is bad
    extra = csv_source("extra.csv", [header, [""] * len(header), row])
    before = table_sizes()
    # when
    result = grid_import(sources=[*good_sources(), extra])
    # then
    assert not result.ok
    problem = next(i for i in result.errors if i.source == "extra.csv")
    assert (problem.row, problem.column) == (3, column)
    assert reason in problem.message
    assert table_sizes() == before


def test_every_bad_row_of_a_file_is_reported():
    result = grid_import(
        sources=[
            ImportSource.from_path(DATA / "bad_regions.csv"),
            ImportSource.from_path(DATA / "bad_people.csv"),
        ]
    )
    assert [(i.source, i.row) for i in result.errors] == [
        ("bad_people.csv", 2),
        ("bad_people.csv", 3),
        ("bad_people.csv", 4),
        ("bad_people.csv", 5),
        ("bad_people.csv", 6),
        ("bad_people.csv", 7),
        ("bad_regions.csv", 4),
        ("bad_regions.csv", 5),
        ("bad_regions.csv", 6),
        ("bad_regions.csv", 7),
        ("bad_regions.csv", 8),
        ("bad_regions.csv", 9),
        ("bad_regions.csv", 10),
    ]
    assert str(result.errors[0]).startswith("bad_people.csv:2: Bad role boss")
    assert table_sizes() == (0, 0, 0, 0)


def test_a_region_cannot_change_level(city):
    rows = [REGION_HEADER, [city.townships[0].code, "改", "village", city.townships[1].code, ""]]
    result = grid_import(sources=[csv_source("r.csv", rows)])
    assert issues(result) == {("r.csv", 2, "level")}


def test_xlsx_rows_are_reported_by_sheet_and_row():
    data = workbook(
        {
            "regions": [
                REGION_HEADER,
                ["331000000000", "市", "city", "", ""],
                [],
                ["x", "", "city", "", ""],
            ],
            "people": [PEOPLE_HEADER, ["p1", "某", "boss", "331000000000", "", "", ""]],
        }
    )
    result = grid_import(sources=[ImportSource("grid.xlsx", data)])
    assert issues(result) == {("regions", 4, "name"), ("people", 2, "role")}


def test_unknown_sheet_and_wrong_columns_are_refused():
    data = workbook(
        {
            "Sheet1": [["a"]],
            "regions": [["code", "name", "level", "parent_code"]],
            "units": [[*UNIT_HEADER, "extra"]],
        }
    )
    result = grid_import(sources=[ImportSource("grid.xlsx", data)])
    messages = [str(i) for i in result.errors]
    assert messages == [
        "Sheet1: Unknown sheet Sheet1: use regions, grid_points, units or people.",
        "regions:1: Missing columns for regions: kind",
        "units:1: Unknown columns for units: extra",
    ]


def test_csv_header_must_match_one_column_set():
    extra = csv_source("x.csv", [[*REGION_HEADER, "note"], ["1", "a", "city", "", "", "n"]])
    alien = csv_source("y.csv", [["foo", "bar"], ["1", "2"]])
    result = grid_import(sources=[extra, alien])
    assert [str(i) for i in result.errors] == [
        "x.csv:1: Unknown columns for regions: note",
        "y.csv:1: Row 1 must hold the column names of regions, grid_points, units or people.",
    ]


# --- encodings and file kinds --------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-8"])
def test_bom_and_gb18030_files_import(encoding):
    rows = [REGION_HEADER, ["339900000000", "样例市", "市", "", ""]]
    result = grid_import(sources=[csv_source("r.csv", rows, encoding=encoding)])
    assert result.ok, [str(i) for i in result.errors]
    assert Region.objects.get(code="339900000000").name == "样例市"


def test_oversized_file_is_refused(settings):
    settings.GRID_IMPORT_MAX_BYTES = 100
    result = grid_import(sources=[ImportSource.from_path(DATA / "people.csv")])
    assert [(i.source, i.row) for i in result.errors] == [("people.csv", None)]
    assert "larger than" in result.errors[0].message


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file or an XLSX"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
        ("empty.csv", b"", "empty"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused(name, data, reason):
    result = grid_import(sources=[ImportSource(name, data)])
    assert not result.ok
    assert reason in result.errors[0].message


def test_a_zip_that_is_no_workbook_is_refused():
    # Named .xlsx, starts with PK, but is some other zip: the content decides.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    result = grid_import(sources=[ImportSource("grid.xlsx", buffer.getvalue())])
    assert [str(i) for i in result.errors] == [
        "grid.xlsx: This is not a CSV file or an XLSX workbook."
    ]


def test_extension_is_not_trusted():
    # A CSV named .xlsx imports as CSV.
    rows = [REGION_HEADER, ["339900000000", "样例市", "city", "", ""]]
    source = csv_source("grid.xlsx", rows)
    assert grid_import(sources=[source]).ok


# --- moving regions ------------------------------------------------------------------------


def test_reparenting_a_region_moves_its_subtree_and_scoping_follows(city):
    # given
    township = city.townships[0]  # in county 0, with two villages and their grid points
    first_admin, second_admin = city.county_admin(0), city.county_admin(1)
    target = city.counties[1]
    rows = [REGION_HEADER, [township.code, township.name, "township", target.code, ""]]
    # when
    result = grid_import(sources=[csv_source("move.csv", rows)])
    # then
    assert result.ok, [str(i) for i in result.errors]
    assert counts(result)["regions"] == (0, 1, 0)
    township.refresh_from_db()
    assert township.parent == target
    assert township.path == f"{target.path}{township.code}/"
    for village in Region.objects.filter(parent=township):
        assert village.path == f"{township.path}{village.code}/"
    moved_points = set(GridPoint.objects.filter(region__parent=township))
    assert len(moved_points) == 2
    assert moved_points <= set(GridPoint.objects.visible_to(second_admin))
    assert not moved_points & set(GridPoint.objects.visible_to(first_admin))
    # and importing the same file again changes nothing
    assert counts(grid_import(sources=[csv_source("move.csv", rows)]))["regions"] == (0, 0, 1)


def test_new_rows_may_hang_below_a_region_moved_in_the_same_import(city):
    township = city.townships[0]
    target = city.counties[1]
    rows = [
        REGION_HEADER,
        ["321001001099", "新村", "village", township.code, ""],
        [township.code, township.name, "township", target.code, ""],
    ]
    result = grid_import(sources=[csv_source("r.csv", rows)])
    assert result.ok, [str(i) for i in result.errors]
    new = Region.objects.get(code="321001001099")
    assert new.path == f"{target.path}{township.code}/321001001099/"


def test_region_set_parent_rewrites_paths_in_one_update(city):
    township = city.townships[0]
    with CaptureQueriesContext(connection) as queries:
        region_set_parent(region=township, parent=city.counties[1])
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    # (other apps' hooks carry what they store of the subtree: grid.hooks)
    assert len([sql for sql in writes if "grid_region" in sql]) == 1
    paths = list(Region.objects.filter(parent=township).values_list("path", flat=True))
    assert paths
    assert all(p.startswith(city.counties[1].path) for p in paths)


def test_region_set_parent_refuses_a_parent_of_the_wrong_level(city):
    with pytest.raises(ValidationError):
        region_set_parent(region=city.townships[0], parent=city.city)
    with pytest.raises(ValidationError):
        region_set_parent(region=city.city, parent=city.counties[0])


# --- jurisdiction --------------------------------------------------------------------------


def test_a_scoped_import_cannot_touch_another_city(city, other_city):
    scope = Jurisdiction(path=city.city.path)
    stranger = UserFactory(username="stranger", role=Role.LEADER, region=other_city.city)
    rows = [
        PEOPLE_HEADER,
        ["stranger", "改名", "leader", city.city.code, "", "", ""],  # exists elsewhere
        ["p2", "某", "leader", other_city.city.code, "", "", ""],  # refers elsewhere
        ["p3", "某", "leader", city.city.code, "", "", ""],  # fine
    ]
    regions = [REGION_HEADER, ["339900000000", "新市", "city", "", ""]]  # outside the city
    result = grid_import(
        sources=[csv_source("p.csv", rows), csv_source("r.csv", regions)], scope=scope
    )
    assert issues(result) == {
        ("p.csv", 2, "username"),
        ("p.csv", 3, "region_code"),
        ("r.csv", 2, "code"),
    }
    stranger.refresh_from_db()
    assert stranger.name != "改名"
    assert not User.objects.filter(username="p3").exists()


# --- the command ---------------------------------------------------------------------------


def test_command_imports_and_reports_counts():
    out = io.StringIO()
    call_command("import_grid", *(str(DATA / name) for name in GOOD), stdout=out)
    assert "regions: 10 created, 0 updated, 0 unchanged" in out.getvalue()
    assert Region.objects.count() == 10


def test_command_dry_run_writes_nothing():
    out = io.StringIO()
    call_command("import_grid", *(str(DATA / name) for name in GOOD), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert Region.objects.count() == 0


def test_command_exits_non_zero_and_lists_errors_on_a_bad_file():
    err = io.StringIO()
    with pytest.raises(CommandError, match="13 error"):
        call_command(
            "import_grid", str(DATA / "bad_regions.csv"), str(DATA / "bad_people.csv"), stderr=err
        )
    lines = err.getvalue().splitlines()
    assert "bad_regions.csv:5: Missing name." in lines
    assert "bad_people.csv:7: Duplicate username a1 (also in bad_people.csv row 2)." in lines
    assert Region.objects.count() == 0


def test_command_exit_status_is_non_zero(capsys):
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["manage.py", "import_grid", str(DATA / "bad_regions.csv")])
    with pytest.raises(SystemExit) as exit_info:
        utility.execute()
    assert exit_info.value.code != 0
    assert "bad_regions.csv:7: Unknown parent_code 339999000000." in capsys.readouterr().err


def test_region_set_parent_tells_the_hooks_what_moved(city, monkeypatch):
    from grid import hooks

    seen = []
    monkeypatch.setattr(hooks, "_region_moved", [seen.append])
    township, village = city.townships[0], city.villages[2]
    old_township_path, old_village_path = township.path, village.path
    region_set_parent(region=township, parent=city.counties[1])
    region_set_parent(region=village, parent=city.townships[3])
    region_set_parent(region=city.counties[0], parent=city.city)
    assert [(m.region.pk, m.old_path, m.new_path, m.county_id) for m in seen] == [
        (
            township.pk,
            old_township_path,
            f"{city.counties[1].path}{township.code}/",
            city.counties[1].pk,
        ),
        (
            village.pk,
            old_village_path,
            f"{city.townships[3].path}{village.code}/",
            city.counties[1].pk,
        ),
        (city.counties[0].pk, city.counties[0].path, city.counties[0].path, None),
    ]
