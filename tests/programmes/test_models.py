"""The portfolio models: what the database refuses, what clean() refuses, and
the shipped governorate data."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import Contribution, Governorate, Programme, UserProfile
from programmes.selectors import governorate_lookup, governorate_resolve
from tests.factories import (
    DonorFactory,
    ProgrammeFactory,
    ProjectFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "programmes" / "data"


def refused(callable_):
    """True when the database refuses the write (raises IntegrityError)."""
    try:
        with transaction.atomic():
            callable_()
    except IntegrityError:
        return True
    return False


class TestGovernorates:
    def test_eighteen_with_ocha_pcodes_and_boundaries(self):
        rows = list(Governorate.objects.order_by("pcode"))
        assert [g.pcode for g in rows] == [f"IQG{i:02d}" for i in range(1, 19)]
        for g in rows:
            assert g.boundary["type"] == "Polygon"
            assert len(g.boundary["coordinates"][0]) > 10
            assert g.name_ar and g.name_en and g.iso_3166_2.startswith("IQ-")

    @pytest.mark.parametrize(
        ("name", "pcode"),
        [
            ("Duhok", "IQG09"),
            ("Dahuk", "IQG09"),
            ("Nineveh", "IQG15"),
            ("Ninewa", "IQG15"),
            ("Thi-Qar", "IQG17"),
            ("Dhi Qar", "IQG17"),
            ("Anbar", "IQG01"),
            ("Al-Anbar", "IQG01"),
            ("Missan", "IQG14"),
            ("Salah al-Din", "IQG16"),
            ("Basra", "IQG02"),
            ("Babylon", "IQG07"),
            ("Sulaymaniyah", "IQG06"),
            ("Halabja", "IQG06"),
            ("Kerbala", "IQG12"),
            ("  erbil ", "IQG11"),
            ("ذي قار", "IQG17"),
            ("IQ-KI", "IQG13"),
            ("IQG08", "IQG08"),
        ],
    )
    def test_aliases_resolve(self, name, pcode):
        assert governorate_resolve(name).pcode == pcode

    def test_unknown_name_resolves_to_nothing(self):
        assert governorate_resolve("Atlantis") is None

    def test_no_two_governorates_share_a_spelling(self):
        seen = {}
        for g in Governorate.objects.all():
            for key in {n for n in g.names()}:
                from programmes.models import normalise_place_name

                norm = normalise_place_name(key)
                assert seen.setdefault(norm, g.pcode) == g.pcode, key
        assert len(governorate_lookup()) == len(seen)

    def test_duplicate_pcode_refused(self):
        g = Governorate.objects.get(pcode="IQG01")
        assert refused(
            lambda: Governorate.objects.create(
                pcode="IQG01", iso_3166_2="IQ-XX", name_en="Copy", name_ar="x", name_iom="Copy"
            )
        )
        assert g.pk

    def test_malformed_pcode_refused(self):
        assert refused(
            lambda: Governorate.objects.create(
                pcode="XX1", iso_3166_2="IQ-ZZ", name_en="Bad", name_ar="x", name_iom="Bad"
            )
        )

    def test_shipped_files_have_clockwise_rings_for_plotly(self):
        # d3-geo (Plotly's choropleth) draws a counter-clockwise ring as the
        # whole globe minus the shape: the shipped data must stay clockwise.
        features = json.loads((DATA / "iraq_governorates.geojson").read_text())["features"]
        assert len(features) == 18
        for feature in features:
            ring = feature["geometry"]["coordinates"][0]
            area2 = sum(
                x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)
            )
            assert area2 < 0, feature["id"]  # negative signed area = clockwise
        assert (DATA / "NOTICE.md").read_text().count("CC BY-IGO 3.0") >= 1


class TestConstraints:
    def test_programme_end_before_start_refused(self):
        assert refused(
            lambda: ProgrammeFactory(start_date=dt.date(2018, 1, 1), end_date=dt.date(2017, 1, 1))
        )

    def test_project_end_before_start_refused(self):
        assert refused(
            lambda: ProjectFactory(start_date=dt.date(2018, 1, 1), end_date=dt.date(2017, 12, 31))
        )

    def test_negative_budget_refused(self):
        assert refused(lambda: ProjectFactory(budget_usd=Decimal("-1")))

    def test_contribution_must_be_positive_with_ordered_period(self):
        donor, programme = DonorFactory(), ProgrammeFactory()

        def make(amount, start, end):
            return Contribution.objects.create(
                donor=donor,
                programme=programme,
                amount=amount,
                amount_usd=amount,
                date=start,
                period_start=start,
                period_end=end,
            )

        assert refused(lambda: make(Decimal("0"), dt.date(2018, 1, 1), dt.date(2018, 12, 31)))
        assert refused(lambda: make(Decimal("5"), dt.date(2018, 1, 1), dt.date(2017, 12, 31)))
        make(Decimal("19300000"), dt.date(2018, 1, 1), dt.date(2018, 12, 31))

    def test_donor_profile_needs_a_donor_and_only_donors_have_one(self):
        donor = DonorFactory()
        assert refused(lambda: UserProfile.objects.create(user=UserFactory(), role="donor"))
        assert refused(
            lambda: UserProfile.objects.create(user=UserFactory(), role="manager", donor=donor)
        )
        UserProfile.objects.create(user=UserFactory(), role="donor", donor=donor)


class TestValidation:
    def test_project_outside_its_programme_period(self):
        programme = ProgrammeFactory(start_date=dt.date(2017, 1, 1), end_date=dt.date(2018, 12, 31))
        project = ProjectFactory.build(
            programme=programme, start_date=dt.date(2016, 6, 1), end_date=dt.date(2019, 6, 1)
        )
        with pytest.raises(ValidationError) as info:
            project.full_clean()
        assert "start_date" in info.value.message_dict
        assert "end_date" in info.value.message_dict
        assert "programme's period" in info.value.message_dict["start_date"][0]

    def test_project_inside_an_open_ended_programme(self):
        programme = ProgrammeFactory(start_date=dt.date(2017, 1, 1), end_date=None)
        project = ProjectFactory.build(
            programme=programme,
            start_date=dt.date(2030, 1, 1),
            sector=SectorFactory(),
            donor=DonorFactory(),
        )
        project.full_clean()
        assert programme.covers(dt.date(2030, 1, 1))
        assert Programme.objects.filter(pk=programme.pk).exists()
