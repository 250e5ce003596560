"""The mission's household multiplier: 6, "average household size in Iraq"
(IOM Iraq snapshots), in force from 2000 on; and the engine's lock row."""

import datetime as dt

from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("indicators", "HouseholdMultiplier").objects.get_or_create(
        effective_from=dt.date(2000, 1, 1),
        defaults={"value": 6, "note": "Average household size in Iraq"},
    )
    apps.get_model("indicators", "EngineLock").objects.get_or_create(name="indicators")


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
