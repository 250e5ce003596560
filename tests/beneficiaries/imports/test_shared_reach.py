"""A beneficiary list's rows may share a reach (``shared_reach``): the rows of
one name repeat the households they reached together, which the import
writes once; rows of one name that disagree are errors naming the row."""

from __future__ import annotations

import pytest

from beneficiaries.models import AssistanceRecord, SharedReach
from tests.beneficiaries.imports.helpers import (
    batch_of,
    confirm,
    csv_file,
    errors_by_cell,
    upload,
)

pytestmark = pytest.mark.django_db

HEADER = ["project", "governorate", "activity_type", "delivered_on", "units", "households"]
HEADER += ["people", "shared_reach"]
BSP = ["KRK-01", "Kirkuk", "Business support package", "2018-03-01"]
CASH = ["KRK-01", "Kirkuk", "Cash", "2018-03-01"]


def test_rows_sharing_a_reach_write_it_once(client, world):
    rows = [
        [*BSP, "29", "110", "110", "joint"],
        [*CASH, "9", "110", "110", "joint"],
        [*BSP, "4", "4", "6", ""],
    ]
    batch = batch_of(upload(client, world["alice"], csv_file(rows, header=HEADER)))
    assert batch["errors"] == [] and batch["ignored_columns"] == []
    assert batch["counts"]["people"] == 116  # the shared 110 once, and 6
    confirm(client, batch)
    [reach] = SharedReach.objects.all()
    assert (reach.households, reach.people) == (110, 110)
    lines = AssistanceRecord.objects.order_by("import_row")
    assert [(r.units, r.households, r.people, r.reach_id) for r in lines] == [
        (29, 0, 0, reach.pk),
        (9, 0, 0, reach.pk),
        (4, 4, 6, None),
    ]


def test_rows_of_one_reach_that_disagree_are_errors(client, world):
    rows = [
        [*BSP, "29", "110", "110", "joint"],
        [*CASH, "9", "100", "110", "joint"],
        ["KRK-01", "Kirkuk", "Cash", "2018-03-02", "9", "110", "110", "joint"],
        [*BSP, "4", "4", "6", "alone"],
    ]
    batch = batch_of(upload(client, world["alice"], csv_file(rows, header=HEADER)))
    errors = errors_by_cell(batch)
    assert "this row's differ from row 2's" in errors[(3, "households")]
    assert "differs from row 2's" in errors[(4, "shared_reach")]
    assert "Only this row shares “alone”" in errors[(5, "shared_reach")]
    assert len(errors) == 3
