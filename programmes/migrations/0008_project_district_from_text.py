"""Map each project's free-text district to a district of its governorate,
comparing names as ``programmes.places`` does (case, hyphens, ``Al-``,
``Markaz``, doubled letters). A sub-district's name gives its district. What
matches no district of the project's governorate, or matches a sub-district,
stays word for word in ``location_note`` (appended to any note there), so
nothing is lost; history rows are mapped the same way."""

import re
import unicodedata

from django.db import migrations

_ARABIC = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})


def _key(name, *, loose=False):
    # A frozen copy of programmes.places.place_key / place_loose_key.
    text = unicodedata.normalize("NFKC", name).casefold().translate(_ARABIC)
    words = []
    for word in re.split(r"[\s\-_'’`.,()/]+", text):
        if not word or word in ("al", "el") or (loose and word in ("markaz", "مركز")):
            continue
        words.append(word[2:] if word.startswith("ال") and len(word) > 3 else word)
    return re.sub(r"ah$", "a", re.sub(r"(.)\1+", r"\1", "".join(words)))


def _lookup(apps):
    """{(governorate id, key): (district id, exact)}: ``exact`` when the key is
    the district's own name rather than one of its sub-districts'."""
    District = apps.get_model("programmes", "District")
    SubDistrict = apps.get_model("programmes", "SubDistrict")
    lookup = {}
    for loose in (False, True):
        for sub in SubDistrict.objects.select_related("district"):
            for name in [sub.pcode, sub.name_en, sub.name_ar, *sub.aliases]:
                lookup.setdefault(
                    (sub.district.governorate_id, _key(name, loose=loose)), (sub.district_id, False)
                )
    for loose in (False, True):
        for district in District.objects.all():
            for name in [district.pcode, district.name_en, district.name_ar, *district.aliases]:
                key = (district.governorate_id, _key(name, loose=loose))
                if key not in lookup or not lookup[key][1]:
                    lookup[key] = (district.pk, True)
    return lookup


def match(lookup, governorate_id, text):
    """(district id or None, whether the text names the district itself)."""
    for loose in (False, True):
        found = lookup.get((governorate_id, _key(text, loose=loose)))
        if found:
            return found
    return None, False


def forwards(apps, schema_editor):
    lookup = _lookup(apps)
    for model in ("Project", "HistoricalProject"):
        Model = apps.get_model("programmes", model)
        for project in Model.objects.exclude(district_text="").iterator():
            text = project.district_text.strip()
            project.district_id, exact = match(lookup, project.governorate_id, text)
            if not exact:
                project.location_note = "; ".join(n for n in (project.location_note, text) if n)[
                    :200
                ]
            project.save(update_fields=["district", "location_note"])


def backwards(apps, schema_editor):
    for model in ("Project", "HistoricalProject"):
        Model = apps.get_model("programmes", model)
        for project in Model.objects.filter(district__isnull=False).select_related("district"):
            project.district_text = project.district.name_en
            project.save(update_fields=["district_text"])


class Migration(migrations.Migration):
    dependencies = [("programmes", "0007_project_district_fk")]
    operations = [migrations.RunPython(forwards, backwards)]
