"""Vacuum the reports table after every 1 % of new rows, not PostgreSQL's default 20 %.

County queues count their cases with index-only scans, which stay index-only only for pages
vacuum has marked all-visible. With the default insert threshold a table of five million
reports would go a million inserts between vacuums, and a busy county's count slowed tenfold
(5 ms to 50 ms after 15,000 new reports in the benchmark). PostgreSQL only; nothing elsewhere.
"""

from django.db import migrations

SETTINGS = (
    "autovacuum_vacuum_insert_scale_factor = 0.01",
    "autovacuum_vacuum_scale_factor = 0.02",
    "autovacuum_analyze_scale_factor = 0.02",
)


def apply(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE reports_report SET ({', '.join(SETTINGS)})")


def revert(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        names = ", ".join(s.split(" = ")[0] for s in SETTINGS)
        schema_editor.execute(f"ALTER TABLE reports_report RESET ({names})")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_report_county_recent")]

    operations = [migrations.RunPython(apply, revert, elidable=False)]
