"""The periods a snapshot can cover: their first and last days and labels."""

import datetime as dt

import pytest

from indicators import periods


@pytest.mark.parametrize(
    ("day", "quarter", "half", "month_end"),
    [
        (dt.date(2017, 4, 25), (dt.date(2017, 4, 1), dt.date(2017, 6, 30)), "H1 2017", 30),
        (dt.date(2018, 12, 31), (dt.date(2018, 10, 1), dt.date(2018, 12, 31)), "H2 2018", 31),
        (dt.date(2016, 2, 1), (dt.date(2016, 1, 1), dt.date(2016, 3, 31)), "H1 2016", 29),
    ],
)
def test_periods_around_a_day(day, quarter, half, month_end):
    assert (periods.quarter_start(day), periods.quarter_end(day)) == quarter
    assert periods.half_year_label(day) == half
    assert periods.month_end(day).day == month_end
    assert periods.half_year_start(day) <= day <= periods.half_year_end(day)
    assert periods.year_start(day) <= day <= periods.year_end(day)


def test_labels_read_as_the_snapshots_print_them():
    assert periods.quarter_label(dt.date(2018, 5, 1)) == "Q2 2018"
    assert periods.month_label(dt.date(2017, 4, 25)) == "April 2017"
    assert periods.is_month_end(dt.date(2017, 4, 30))
    assert not periods.is_month_end(dt.date(2017, 4, 25))
    assert periods.add_months(dt.date(2018, 1, 31), -2) == dt.date(2017, 11, 1)
