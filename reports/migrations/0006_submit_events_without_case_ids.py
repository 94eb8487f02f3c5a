from django.db import migrations
from django.db.models import F, Func, JSONField, Value
from django.db.models.expressions import RawSQL

KEY = "likely_duplicate_of"


def drop_case_ids(apps, schema_editor):
    """Remove the likely duplicate's id from past filing steps (set-based, one UPDATE).

    The id of another case, possibly outside the reader's jurisdiction, was kept in the step's
    data; the case keeps its likely duplicate (``Report.likely_duplicate_of``) and the history
    names it per reader (``reports.history``).
    """
    Event = apps.get_model("reports", "ReportEvent")
    steps = Event.objects.filter(transition="submit", data__has_key=KEY)
    if schema_editor.connection.vendor == "postgresql":
        without = RawSQL("data - %s", [KEY], output_field=JSONField())
    else:  # SQLite's JSON1
        without = Func(F("data"), Value(f"$.{KEY}"), function="JSON_REMOVE", output_field=JSONField())
    steps.update(data=without)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_attachment_verified_image"),
    ]

    # Not reversed: the case keeps what the key said (``Report.likely_duplicate_of``).
    operations = [migrations.RunPython(drop_case_ids, migrations.RunPython.noop, elidable=True)]
