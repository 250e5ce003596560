"""Load Iraq's 101 districts (ADM2) and 294 sub-districts (ADM3) (OCHA COD-AB,
CC BY-IGO 3.0; see programmes/data/NOTICE.md) with their boundaries and the
aliases used to match report spellings ("Qayyarah", "Hawija", "Gwer")."""

import csv
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    features = json.loads((DATA / f"{name}.geojson").read_text(encoding="utf-8"))["features"]
    boundaries = {f["properties"]["pcode"]: f["geometry"] for f in features}
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield (
                row,
                {
                    "name_en": row["name_en"].strip(),
                    "name_ar": row["name_ar"].strip(),
                    "aliases": [a.strip() for a in row["aliases"].split(";") if a.strip()],
                    "boundary": boundaries[row["pcode"]],
                },
            )


def load(apps, schema_editor):
    Governorate = apps.get_model("programmes", "Governorate")
    District = apps.get_model("programmes", "District")
    SubDistrict = apps.get_model("programmes", "SubDistrict")
    governorates = {g.pcode: g for g in Governorate.objects.all()}
    District.objects.bulk_create(
        District(pcode=row["pcode"], governorate=governorates[row["adm1_pcode"]], **fields)
        for row, fields in _rows("iraq_districts")
    )
    districts = {d.pcode: d for d in District.objects.all()}
    SubDistrict.objects.bulk_create(
        SubDistrict(pcode=row["pcode"], district=districts[row["adm2_pcode"]], **fields)
        for row, fields in _rows("iraq_subdistricts")
    )


def unload(apps, schema_editor):
    apps.get_model("programmes", "SubDistrict").objects.all().delete()
    apps.get_model("programmes", "District").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0005_districts_subdistricts")]
    operations = [migrations.RunPython(load, unload)]
