"""The two-way crossings of an assistance record in its download: one column
per cell, named as the import reads it, in the order of the record's page,
and a row that imports back to the same crossings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict

from beneficiaries.imports.parse import COLUMNS
from beneficiaries.imports.validate import Rules, check_row
from beneficiaries.models import RECIPIENT_FIELDS, SPLIT_FIELDS
from beneficiaries.models_splits import PAIR_CELLS, PAIR_COLUMNS, pair_cell_label
from exports.selectors import assistance_records_table
from tests.exports.conftest import download
from tests.factories import AssistanceRecordFactory

pytestmark = pytest.mark.django_db

RECORDS = "assistance-records"
# Women and men 18–59 without a group, and 18–59-year-old IDPs without a sex.
CROSSINGS = {"age_pop": {"18_59_idp": 50}, "sex_age": {"f_18_59": 40, "m_18_59": 35}}


@pytest.fixture
def crossed(portfolio):
    return AssistanceRecordFactory(
        project=portfolio["records"]["ninewa"].project,
        activity_type=portfolio["records"]["ninewa"].activity_type,
        delivered_on=dt.date(2018, 3, 5),
        units=20,
        households=20,
        people=120,
        crossings=CROSSINGS,
    )


def keyed(rows: list[list], user, record) -> dict:
    """The exported row of ``record`` by column key (``Column.key``)."""
    keys = [c.key for c in assistance_records_table(user=user, params=QueryDict()).columns]
    (row,) = [dict(zip(keys, row, strict=True)) for row in rows[2:] if row[0] == str(record.pk)]
    return row


def test_each_two_way_cell_has_its_column_tagged_by_the_two_categories(
    client, portfolio, users, crossed
):
    rows = download(client, users["admin"], RECORDS)
    headers, tags = rows[0], rows[1]
    (row,) = [dict(zip(tags, row, strict=True)) for row in rows[2:] if row[0] == str(crossed.pk)]
    assert (row["#affected+f+age18_59"], row["#affected+m+age18_59"]) == ("40", "35")
    assert row["#affected+age18_59+idps"] == "50"
    # A cell not given of a crossing recorded is 0; a crossing not recorded is empty.
    assert (row["#affected+f+age0_5"], row["#affected+age60plus+refugees"]) == ("0", "0")
    assert (row["#affected+f+idps"], row["#affected+m+refugees"]) == ("", "")
    # The three-way cells stay apart, all 0 here.
    assert row["#affected+f+age18_59+idps"] == "0"
    # Headers as the record's page names the cells.
    assert headers[tags.index("#affected+f+age18_59")] == "Women · 18–59 years"
    assert headers[tags.index("#affected+age18_59+idps")] == "18–59 years · Internally displaced"


def test_the_columns_follow_the_record_page(client, portfolio, users, crossed):
    """Splits, then the two-way crossings in the order of ``PAIRS`` (whatever
    order the database gives a jsonb object's keys), then the three-way cells."""
    rows = download(client, users["admin"], RECORDS)
    cells = keyed(rows, users["admin"], crossed)
    keys = list(cells)
    pairs = [keys.index(column) for column in PAIR_COLUMNS]
    assert pairs == list(range(pairs[0], pairs[0] + len(PAIR_COLUMNS)))
    assert max(keys.index(column) for column in SPLIT_FIELDS) < pairs[0]
    assert pairs[-1] < min(keys.index(column) for column in RECIPIENT_FIELDS)
    crossed.refresh_from_db()
    page = [
        str(label)
        for part in crossed.split_detail()
        if part["kind"] == "pair"
        for label, _count in part["cells"]
    ]
    exported = [
        pair_cell_label(pair, cell)
        for column, (pair, cell) in PAIR_COLUMNS.items()
        if cells[column] not in ("", "0")
    ]
    assert (
        page
        == exported
        == ["Women · 18–59 years", "Men · 18–59 years", "18–59 years · Internally displaced"]
    )


def test_an_exported_row_imports_back_to_the_same_crossings(client, portfolio, users, crossed):
    rows = download(client, users["admin"], RECORDS)
    cells = keyed(rows, users["admin"], crossed)
    row = {key: value for key, value in cells.items() if key in COLUMNS}
    assert set(PAIR_COLUMNS) <= set(row), "the import reads the export's two-way columns"
    row |= {
        "project": cells["project_code"],
        "governorate": cells["adm1_code"],
        "activity_type": cells["activity_code"],
    }
    values, errors = check_row(row, Rules(users["admin"]))
    assert errors == []
    # The same crossings, the cells not given of a crossing given as 0.
    assert values["crossings"] == {
        pair: {cell: CROSSINGS[pair].get(cell, 0) for cell in PAIR_CELLS[pair]}
        for pair in ("sex_age", "age_pop")
    }
    assert {column: values[column] for column in SPLIT_FIELDS} == {
        column: getattr(crossed, column) for column in SPLIT_FIELDS
    }
