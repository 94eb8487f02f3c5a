"""Expected rows indexed by period before owner: a day's 16,000 rows sit together in the unique
index, so creating them and the 15:00 sweep's update of them write a few hundred of its pages
instead of one per grid point; the grid point's own index goes (its rows are found by owner
key). The new constraint is built before the old one is dropped, so rows are never without
one. Building it reads the whole table: allow a few seconds per million rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("duty", "0006_fewer_indexes_for_sweeps"),
        ("grid", "0007_seed_calendar_and_clock_rules"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="expectedsubmission",
            constraint=models.UniqueConstraint(
                fields=("kind", "period", "owner_key"), name="expected_one_per_period_owner"
            ),
        ),
        migrations.RemoveConstraint(
            model_name="expectedsubmission",
            name="expected_one_per_owner_period",
        ),
        migrations.RemoveIndex(
            model_name="expectedsubmission",
            name="expected_grid_point",
        ),
    ]
