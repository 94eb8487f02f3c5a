"""Joins the branches of duty built side by side: rosters and handovers, deductions, filings."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("duty", "0003_schedule_handover"),
        ("duty", "0003_seed_deduction_rules"),
        ("duty", "0004_fewer_indexes"),
    ]

    operations = []
