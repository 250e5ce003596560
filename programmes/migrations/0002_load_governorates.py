"""Load Iraq's 18 governorates (OCHA COD-AB, CC BY-IGO 3.0; see programmes/data/NOTICE.md)
with their boundaries and the aliases used to match report spellings."""

import csv
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Governorate = apps.get_model("programmes", "Governorate")
    features = json.loads((DATA / "iraq_governorates.geojson").read_text(encoding="utf-8"))["features"]
    boundaries = {f["properties"]["pcode"]: f for f in features}
    with open(DATA / "iraq_governorates.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            feature = boundaries[row["pcode"]]
            Governorate.objects.update_or_create(
                pcode=row["pcode"],
                defaults={
                    "iso_3166_2": row["iso_3166_2"],
                    "name_en": row["name_en"],
                    "name_ar": row["name_ar"],
                    "name_iom": feature["properties"]["name_iom"],
                    "aliases": [a.strip() for a in row["aliases"].split(";") if a.strip()],
                    "boundary": feature["geometry"],
                },
            )


def unload(apps, schema_editor):
    apps.get_model("programmes", "Governorate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
