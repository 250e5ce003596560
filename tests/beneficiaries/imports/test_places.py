"""Imported rows in their own place: the finest of the governorate and
district cells, inside the project's coverage (anywhere for a national
project), and in a monitor's governorates."""

from __future__ import annotations

import pytest

from beneficiaries.models import AssistanceRecord
from programmes import services as programme_services
from tests.beneficiaries.imports.helpers import (
    GOOD,
    HEADER,
    batch_of,
    confirm,
    csv_file,
    errors_by_cell,
    upload,
    with_cells,
)
from tests.factories import district

pytestmark = pytest.mark.django_db


def covering(world, **coverage):
    """The world's Kirkuk project made national or multi-place."""
    return programme_services.project_update(
        project=world["project"], user=world["admin"], fields=coverage
    )


def test_an_import_for_a_national_project_places_each_row(client, world):
    covering(world, national=True)
    header = [*HEADER, "district"]
    rows = [
        [*with_cells(GOOD, governorate="Ninewa"), "Qayyarah"],
        [*with_cells(GOOD, delivered_on="2018-03-02"), ""],
    ]
    batch = batch_of(upload(client, world["admin"], csv_file(rows, header=header)))
    assert batch["errors"] == []
    confirm(client, batch)
    found = AssistanceRecord.objects.order_by("delivered_on").values_list(
        "subdistrict__pcode", "district__pcode", "governorate__pcode"
    )
    assert list(found) == [("IQG15Q05N01", "IQG15Q05", "IQG15"), (None, None, "IQG13")]
    # A monitor of Kirkuk imports the Kirkuk row, not the Ninewa one.
    batch = batch_of(upload(client, world["alice"], csv_file(rows, header=header)))
    assert errors_by_cell(batch) == {
        (2, "district"): "Al-Qayarra (IQG15Q05N01, sub-district of Al-Mosul) is not in your "
        "governorates."
    }


def test_an_import_row_outside_the_coverage_names_it(client, world):
    covering(world, coverage=[district("IQG13Q01")])
    batch = batch_of(upload(client, world["alice"], csv_file([GOOD])))
    assert errors_by_cell(batch)[(2, "governorate")] == (
        "Kirkuk (IQG13, governorate) is outside the places KRK-01 covers: "
        "Al-Hawiga (district of Kirkuk)."
    )
