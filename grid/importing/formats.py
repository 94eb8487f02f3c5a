"""What an import file looks like (columns, accepted words) and what an import reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from grid.models import Level, RegionKind, UnitKind

REGIONS, GRID_POINTS, UNITS, PEOPLE = "regions", "grid_points", "units", "people"
ENTITIES = (REGIONS, GRID_POINTS, UNITS, PEOPLE)
COLUMNS = {
    REGIONS: ("code", "name", "level", "parent_code", "kind"),
    GRID_POINTS: ("code", "name", "region_code", "head_username"),
    UNITS: ("code", "name", "kind", "region_code", "remit"),
    PEOPLE: ("username", "name", "role", "region_code", "grid_point_code", "unit_code", "phone"),
}
KEY = {REGIONS: "code", GRID_POINTS: "code", UNITS: "code", PEOPLE: "username"}

# Words accepted besides the stored values (what a Chinese spreadsheet is likely to hold).
LEVEL_ALIASES = {"市": Level.CITY, "县": Level.COUNTY, "乡镇": Level.TOWNSHIP, "村": Level.VILLAGE}
KIND_ALIASES = {
    "市": RegionKind.CITY,
    "区": RegionKind.DISTRICT,
    "县": RegionKind.COUNTY,
    "县级市": RegionKind.COUNTY_CITY,
    "功能区": RegionKind.FUNCTION_ZONE,
    "镇": RegionKind.TOWN,
    "乡": RegionKind.XIANG,
    "街道": RegionKind.SUBDISTRICT,
    "村": RegionKind.VILLAGE,
    "社区": RegionKind.COMMUNITY,
}
# Where a unit of each kind may sit.
UNIT_KIND_LEVELS = {
    UnitKind.DEPARTMENT: {Level.CITY, Level.COUNTY},
    UnitKind.PLATFORM: {Level.CITY, Level.COUNTY},
    UnitKind.EMERGENCY: {Level.CITY, Level.COUNTY},
    UnitKind.TOWNSHIP: {Level.TOWNSHIP},
}
GRID_POINT_LEVELS = {Level.TOWNSHIP, Level.VILLAGE}
MAX_LENGTH = {
    (REGIONS, "code"): 20,
    (REGIONS, "name"): 100,
    (GRID_POINTS, "code"): 24,
    (GRID_POINTS, "name"): 120,
    (UNITS, "code"): 24,
    (UNITS, "name"): 120,
    (PEOPLE, "username"): 150,
    (PEOPLE, "name"): 60,
    (PEOPLE, "phone"): 30,
}
BATCH = 1000
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"

FORMAT_HELP = """\
CSV or XLSX, UTF-8 (with or without BOM) or GB18030. Row 1 holds the column names.
XLSX: one workbook with sheets named regions, grid_points, units, people (any of them).
CSV: one file per sheet, recognised by its columns (any order).
regions: code, name, level, parent_code, kind
  level: city, county, township, village (or 市, 县, 乡镇, 村); a city has no parent_code;
  kind is optional.
grid_points: code, name, region_code, head_username (optional)
units: code, name, kind, region_code, remit (optional)
people: username, name, role, region_code, grid_point_code, unit_code, phone
  informants, volunteers and grid point heads need grid_point_code; unit liaisons need
  unit_code; region_code may then be left blank.
Codes may refer to rows of the same import or to the database. Rows are matched by code
(username for people) and updated; rows not in the files are left alone. New people get
no password. If any row is wrong, nothing is imported."""


@dataclass(frozen=True)
class ImportSource:
    """One uploaded or named file: its name (for messages) and its bytes."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: str | Path) -> ImportSource:
        """Read a file, but never more than one byte past the size limit."""
        path = Path(path)
        with path.open("rb") as handle:
            return cls(path.name, handle.read(settings.GRID_IMPORT_MAX_BYTES + 1))

    @classmethod
    def from_upload(cls, upload) -> ImportSource:
        """Read an uploaded file (Django ``UploadedFile``), stopping past the size limit."""
        limit = settings.GRID_IMPORT_MAX_BYTES
        chunks, size = [], 0
        for chunk in upload.chunks():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                break
        return cls(upload.name, b"".join(chunks))


@dataclass(frozen=True)
class ImportIssue:
    """Why a file, or one row of it, cannot be imported. ``row`` as a spreadsheet shows it."""

    source: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.row is None else f"{self.source}:{self.row}"
        return f"{where}: {self.message}" if where else self.message


@dataclass
class EntityCounts:
    """How many rows of one entity were (or, in a dry run, would be) created, updated, kept."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    """The outcome of an import: the errors, or the counts per entity."""

    dry_run: bool
    errors: list[ImportIssue] = field(default_factory=list)
    counts: dict[str, EntityCounts] = field(
        default_factory=lambda: {entity: EntityCounts() for entity in ENTITIES}
    )

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run


@dataclass
class Row:
    """One non-blank data row of a sheet or CSV file."""

    source: str
    number: int
    values: dict[str, str]
    ok: bool = True

    def __getitem__(self, column: str) -> str:
        return self.values[column]
