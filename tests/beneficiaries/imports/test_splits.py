"""Beneficiary lists with splits as they were recorded: women and men
columns alone, population groups alone, and a clear error for a split
above the people."""

from __future__ import annotations

import pytest

from beneficiaries.models import AssistanceRecord
from tests.beneficiaries.imports.helpers import (
    batch_of,
    confirm,
    csv_file,
    errors_by_cell,
    upload,
)

pytestmark = pytest.mark.django_db

BASE = ["project", "governorate", "activity_type", "delivered_on", "units", "households", "people"]
ROW = ["KRK-01", "Kirkuk", "Business support package", "2018-03-01", "4", "4"]


def test_women_and_men_columns_alone_import_without_age_or_group(client, world):
    header = [*BASE, "Women", "Men", "IDPs"]
    rows = [[*ROW, "120", "70", "", ""], [*ROW, "10", "", "", "8"]]
    batch = batch_of(upload(client, world["alice"], csv_file(rows, header=header)))
    assert batch["errors"] == [] and batch["ignored_columns"] == []
    confirm(client, batch)
    first, second = AssistanceRecord.objects.order_by("people").reverse()
    assert (first.sex_f, first.sex_m, first.pop_idp, first.age_18_59) == (70, None, None, None)
    assert first.splits()["sex"]["not_recorded"] == 50
    assert (second.sex_f, second.pop_idp, second.pop_host) == (None, 8, None)


def test_female_and_male_headings_and_a_split_above_the_people(client, world):
    header = [*BASE, "female", "male", "returnees", "60+"]
    rows = [[*ROW, "120", "70", "60", "", ""], [*ROW, "20", "", "", "21", "3"]]
    batch = batch_of(upload(client, world["alice"], csv_file(rows, header=header)))
    errors = errors_by_cell(batch)
    assert errors == {
        (2, "people"): "Women + men (130) is more than the 120 people.",
        (3, "people"): "The population groups (21) is more than the 20 people.",
    }


def test_a_sex_by_age_crossing_imports_without_a_group(client, world):
    header = [*BASE, "F_18_59", "m-18-59", "shared_reach"]
    rows = [
        [*ROW, "120", "40", "35", ""],
        [*ROW, "10", "", "", ""],
        # A reach holds its crossing once; its lines hold none.
        [*ROW, "20", "12", "", "r"],
        ["KRK-01", "Kirkuk", "Cash", "2018-03-01", "1", "4", "20", "12", "", "r"],
    ]
    batch = batch_of(upload(client, world["alice"], csv_file(rows, header=header)))
    assert batch["errors"] == [] and batch["ignored_columns"] == []
    confirm(client, batch)
    crossed, plain, *lines = AssistanceRecord.objects.order_by("import_row")
    assert crossed.crossings == {"sex_age": {"f_18_59": 40, "m_18_59": 35}}
    assert (crossed.sex_f, crossed.age_18_59, crossed.pop_idp) == (40, 75, None)
    assert [part["not_recorded"] for part in crossed.split_detail()] == [45, 45, 45]
    assert plain.crossings is None and plain.split_detail() == []
    assert [line.crossings for line in lines] == [None, None]
    assert lines[0].reach.crossings == {"sex_age": {"f_18_59": 12}}


def test_a_crossing_above_the_people_is_an_error_of_its_row(client, world):
    header = [*BASE, "f_idp", "m_idp"]
    rows = [[*ROW, "20", "15", "10"]]
    batch = batch_of(upload(client, world["alice"], csv_file(rows, header=header)))
    messages = " ".join(errors_by_cell(batch).values())
    assert "The recipients by sex and population group add up to 25, more than the 20" in messages
