"""Fewer indexes for the sweeps that insert 15,000 deductions at once: the unique constraint
leads by source (so it also serves a source's lookup and ``deduction_source`` goes), and the
month indexes of regions and units hold only their own rows. The new constraint is created
before the old one is dropped, so deductions are never without one."""

import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("duty", "0005_merge"),
        ("grid", "0007_seed_calendar_and_clock_rules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="deduction",
            constraint=models.UniqueConstraint(
                models.F("source_type"),
                models.F("source_id"),
                models.F("kind"),
                models.F("responsibility"),
                django.db.models.functions.comparison.Coalesce("grid_point", 0),
                django.db.models.functions.comparison.Coalesce("region", 0),
                django.db.models.functions.comparison.Coalesce("unit", 0),
                name="deduction_once_per_source",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="deduction",
            name="deduction_once_per_event",
        ),
        migrations.RemoveIndex(
            model_name="deduction",
            name="deduction_month_region",
        ),
        migrations.RemoveIndex(
            model_name="deduction",
            name="deduction_month_unit",
        ),
        migrations.RemoveIndex(
            model_name="deduction",
            name="deduction_source",
        ),
        migrations.AddIndex(
            model_name="deduction",
            index=models.Index(
                condition=models.Q(("region__isnull", False)),
                fields=["month", "region"],
                name="deduction_month_region",
            ),
        ),
        migrations.AddIndex(
            model_name="deduction",
            index=models.Index(
                condition=models.Q(("unit__isnull", False)),
                fields=["month", "unit"],
                name="deduction_month_unit",
            ),
        ),
    ]
