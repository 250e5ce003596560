"""A beneficiary list's rows may share a reach (``shared_reach``): the rows of
one name repeat the households they reached together, which the import
writes once; rows of one name that disagree are errors naming the row."""

from __future__ import annotations

import pytest
from django.urls import reverse

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


def test_the_review_counts_a_shared_reach_once(client, world, django_capture_on_commit_callbacks):
    """The manager's review of a monitor's list: the reach's 110 people in
    each activity's row, and once in the totals (its lines record none)."""
    rows = [
        [*BSP, "29", "110", "110", "joint"],
        [*CASH, "9", "110", "110", "joint"],
        [*BSP, "4", "4", "6", ""],
    ]
    batch = batch_of(upload(client, world["alice"], csv_file(rows, header=HEADER)))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, batch)
    client.force_login(world["maria"])
    listing = client.get(reverse("beneficiaries:visit_list")).content.decode()
    assert "3 records, 116 people" in listing
    response = client.get(reverse("beneficiaries:import_review", args=[batch["id"]]))
    assert (response.context["records"], response.context["people"]) == (3, 116)
    by_activity = {
        row["activity_type_name"]: (row["records"], row["units"], row["households"], row["people"])
        for row in response.context["rows"]
    }
    assert by_activity == {
        "Business support package": (2, 33, 114, 116),
        "Cash": (1, 9, 110, 110),
    }
    assert "3 assistance records (116 people)" in response.content.decode()
