"""The shipped districts (ADM2) and sub-districts (ADM3): counts, P-codes,
names, parents and boundaries as a map needs them."""

import json
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from programmes.models import District, Governorate, SubDistrict

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "programmes" / "data"


class TestDistricts:
    def test_101_districts_each_inside_its_governorate(self):
        districts = list(District.objects.select_related("governorate"))
        assert len(districts) == 101
        assert all(d.pcode.startswith(d.governorate.pcode) for d in districts)
        assert {d.governorate.pcode for d in districts} == set(
            Governorate.objects.values_list("pcode", flat=True)
        )

    @pytest.mark.parametrize(
        ("pcode", "name_en", "name_ar", "governorate"),
        [
            ("IQG15Q05", "Al-Mosul", "الموصل", "IQG15"),
            ("IQG13Q01", "Al-Hawiga", "الحويجة", "IQG13"),
            ("IQG01Q01", "Al-Falluja", "الفلوجة", "IQG01"),
            ("IQG09Q04", "Zakho", "زاخو", "IQG09"),
            ("IQG06Q05", "Halabcha", "حلبجة", "IQG06"),
        ],
    )
    def test_known_districts(self, pcode, name_en, name_ar, governorate):
        district = District.objects.get(pcode=pcode)
        assert (district.name_en, district.name_ar, district.governorate.pcode) == (
            name_en,
            name_ar,
            governorate,
        )

    def test_aliases_hold_report_spellings(self):
        assert "Mosul" in District.objects.get(pcode="IQG15Q05").aliases
        assert "Hawija" in District.objects.get(pcode="IQG13Q01").aliases

    def test_names_are_trimmed(self):
        # The source CSV has " المناذرة" with a leading space.
        assert District.objects.get(pcode="IQG04Q02").name_ar == "المناذرة"

    def test_malformed_pcode_refused(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            District.objects.create(
                pcode="IQG15X9", governorate=Governorate.objects.get(pcode="IQG15"), name_en="x"
            )


class TestSubDistricts:
    def test_294_subdistricts_each_inside_its_district(self):
        rows = list(SubDistrict.objects.select_related("district"))
        assert len(rows) == 294
        assert all(s.pcode.startswith(s.district.pcode) for s in rows)
        assert District.objects.filter(subdistricts__isnull=True).count() == 0

    @pytest.mark.parametrize(
        ("pcode", "name_en", "name_ar", "district"),
        [
            ("IQG15Q05N01", "Al-Qayarra", "القيارة", "IQG15Q05"),
            ("IQG11Q04N04", "Gwyer", "الكوير", "IQG11Q04"),
            ("IQG09Q04N01", "Markaz Zakho", "مركز زاخو", "IQG09Q04"),
            ("IQG01Q01N03", "Markaz Al-Falluja", "مركز الفلوجة", "IQG01Q01"),
        ],
    )
    def test_known_subdistricts(self, pcode, name_en, name_ar, district):
        row = SubDistrict.objects.get(pcode=pcode)
        assert (row.name_en, row.name_ar, row.district.pcode) == (name_en, name_ar, district)

    def test_qayyarah_and_gwer_are_aliases(self):
        assert "Qayyarah" in SubDistrict.objects.get(pcode="IQG15Q05N01").aliases
        assert "Gwer" in SubDistrict.objects.get(pcode="IQG11Q04N04").aliases


@pytest.mark.parametrize(("name", "count"), [("iraq_districts", 101), ("iraq_subdistricts", 294)])
def test_shipped_boundaries_are_clockwise_polygons_for_plotly(name, count):
    features = json.loads((DATA / f"{name}.geojson").read_text(encoding="utf-8"))["features"]
    assert len(features) == count
    for feature in features:
        assert feature["id"] == feature["properties"]["pcode"]
        for polygon in (
            feature["geometry"]["coordinates"]
            if feature["geometry"]["type"] == "MultiPolygon"
            else [feature["geometry"]["coordinates"]]
        ):
            ring = polygon[0]
            area2 = sum(
                x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)
            )
            assert area2 < 0, feature["id"]  # d3-geo draws a counter-clockwise ring inside out


def test_every_place_has_a_boundary():
    assert not District.objects.filter(boundary__isnull=True).exists()
    assert not SubDistrict.objects.filter(boundary__isnull=True).exists()
