"""Place names as the seeds write them, matched to governorates, districts and
sub-districts; unknown and ambiguous names are errors listing the closest."""

import pytest
from django.core.exceptions import ValidationError

from programmes.models import District, Governorate, SubDistrict
from programmes.places import (
    DISTRICT,
    SUBDISTRICT,
    place_index,
    place_key,
    place_level,
    place_resolve,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def index(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return place_index()


@pytest.mark.parametrize(
    ("name", "pcode"),
    [
        ("Qayyarah", "IQG15Q05N01"),
        ("al-qayarra", "IQG15Q05N01"),
        ("Al Qayyara", "IQG15Q05N01"),
        ("القيارة", "IQG15Q05N01"),
        ("Hawija", "IQG13Q01"),
        ("HAWIGA", "IQG13Q01"),
        ("الحويجة", "IQG13Q01"),
        ("Markaz Al-Hawiga", "IQG13Q01N01"),
        ("Gwer", "IQG11Q04N04"),
        ("Gwyer", "IQG11Q04N04"),
        ("Zakho", "IQG09Q04"),
        ("Markaz Zakho", "IQG09Q04N01"),
        ("Fallujah", "IQG01Q01"),
        ("Falluja", "IQG01Q01"),
        ("Mosul", "IQG15Q05"),
        ("IQG15Q05", "IQG15Q05"),
        ("iqg15q05n01", "IQG15Q05N01"),
        ("Sinjar", "IQG15Q07"),
        ("Tal Afar", "IQG15Q08"),
        ("Halabja", "IQG06Q05"),
        ("Ninewa", "IQG15"),
        ("Nineveh", "IQG15"),
        ("IQ-NI", "IQG15"),
        # "Centre of Ninewa" names no sub-district: the governorate is the finest place known.
        ("Markaz Ninewa", "IQG15"),
    ],
)
def test_seed_spellings_resolve(index, name, pcode):
    assert place_resolve(name, index=index).pcode == pcode


def test_key_ignores_case_hyphens_articles_and_doubled_letters():
    assert place_key("Al-Qayyarah") == place_key("al qayarra") == place_key("Qayara")
    assert place_key("Shat Al-Arab") == place_key("shat arab")


def test_a_name_of_a_place_and_one_inside_it_gives_the_outer_one(index):
    # Basrah is a governorate and its district; OCHA's Arabic names call both the
    # district Baladruz and its sub-district Mandali "مندلي".
    assert isinstance(place_resolve("Basrah", index=index), Governorate)
    assert place_resolve("Basrah", levels=(DISTRICT,), index=index).pcode == "IQG02Q02"
    assert place_resolve("مندلي", index=index).pcode == "IQG10Q03"
    assert place_resolve("مندلي", levels=(SUBDISTRICT,), index=index).pcode == "IQG10Q03N01"
    assert place_resolve("Mandali", index=index).pcode == "IQG10Q03N01"


def test_levels_and_within_narrow_the_search(index):
    erbil = Governorate.objects.get(pcode="IQG11")
    assert place_resolve("Salah Al-Din", index=index).pcode == "IQG16"
    assert place_resolve("Salah Al-Din", within=erbil, index=index).pcode == "IQG11Q06N02"
    mosul = District.objects.get(pcode="IQG15Q05")
    assert place_resolve("Qayyarah", within=mosul, index=index).pcode == "IQG15Q05N01"
    with pytest.raises(ValidationError):
        place_resolve("Qayyarah", within=erbil, index=index)
    with pytest.raises(ValidationError):
        place_resolve("Qayyarah", levels=(DISTRICT,), index=index)


def test_unknown_name_lists_the_closest_places(index):
    with pytest.raises(ValidationError) as error:
        place_resolve("Qayyara town", index=index)
    assert error.value.code == "unknown_place"
    assert "Al-Qayarra (IQG15Q05N01, sub-district of Al-Mosul)" in error.value.messages[0]
    # A misspelling no alias holds is not matched, but suggested.
    with pytest.raises(ValidationError) as error:
        place_resolve("Felluja", levels=(DISTRICT,), index=index)
    assert "Al-Falluja (IQG01Q01, district of Anbar)" in error.value.messages[0]
    assert "sub-district" not in error.value.messages[0]


def test_unknown_name_with_nothing_close_says_so(index):
    with pytest.raises(ValidationError) as error:
        place_resolve("Atlantis", index=index)
    assert "Atlantis" in error.value.messages[0]


def test_two_places_of_one_level_sharing_a_name_are_ambiguous():
    hawija = District.objects.get(pcode="IQG13Q01")
    SubDistrict.objects.create(pcode="IQG13Q01N09", district=hawija, name_en="Al-Qayyarah")
    with pytest.raises(ValidationError) as error:
        place_resolve("Qayyarah")
    assert error.value.code == "ambiguous_place"
    assert "IQG15Q05N01" in error.value.messages[0]
    assert "IQG13Q01N09" in error.value.messages[0]
    assert place_resolve("Qayyarah", within=hawija).pcode == "IQG13Q01N09"


def test_every_shipped_spelling_resolves_to_its_place_at_its_level(index):
    # The shipped data has no two places of one level sharing a spelling.
    for place in index.places:
        level = place_level(place)
        for name in place.names():
            if name.strip():
                assert place_resolve(name, levels=(level,), index=index).pcode == place.pcode, name


def test_every_demo_place_name_is_in_the_district_the_demo_gives_it(index):
    from demo.spec import GOVERNORATES

    for pcode, (_weight, places) in GOVERNORATES.items():
        governorate = Governorate.objects.get(pcode=pcode)
        for town, district in places:
            place = place_resolve(
                town, levels=(DISTRICT, SUBDISTRICT), within=governorate, index=index
            )
            assert (
                place.pcode if isinstance(place, District) else place.district.pcode
            ) == district, town
