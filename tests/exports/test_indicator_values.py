"""The indicator values download: the rows each role may read, the donor's
small-count rule, and the filters."""

from __future__ import annotations

import pytest

from indicators.access import values_for_user
from tests.exports.conftest import column, download

pytestmark = pytest.mark.django_db

SLUG = "indicator-values"


def cuts(rows) -> set[tuple]:
    """(indicator, period type, period end, governorate, programme, donor) of each data row."""
    return set(
        zip(
            column(rows, "indicator_code"),
            column(rows, "period_type"),
            column(rows, "period_end"),
            column(rows, "adm1_code"),
            column(rows, "programme_code"),
            column(rows, "donor_code"),
            strict=True,
        )
    )


def stored_cut(value) -> tuple:
    """The cut of a stored value as ``cuts`` gives it."""
    return (
        value.definition.code,
        value.period_type,
        value.period_end.isoformat(),
        value.governorate.pcode if value.governorate_id else "",
        value.programme.code if value.programme_id else "",
        value.donor.code if value.donor_id else "",
    )


def people(end="2018-03-31", governorate="", programme="", donor="", kind="cumulative"):
    return ("direct-recipients", kind, end, governorate, programme, donor)


class TestRows:
    def test_an_administrator_gets_every_cut(self, client, users):
        rows = download(client, users["admin"], SLUG)
        assert cuts(rows) == {
            people(),
            people(programme="CRP"),
            people(governorate="IQG13"),
            people(governorate="IQG13", programme="CRP", donor="USA"),
            people(governorate="IQG15", programme="RRP", donor="CAN"),
            people(donor="USA"),
            people(end="2018-06-30", donor="USA"),
            people(kind="quarter", donor="USA"),
            ("contributions-usd", "cumulative", "2018-03-31", "", "CRP", "USA"),
        }
        # Staff see every count as stored.
        assert column(
            download(client, users["admin"], SLUG, governorate="all", programme="all", donor="all"),
            "value",
        ) == ["31"]
        assert "<5" not in str(rows)

    def test_retired_definitions_are_left_out(self, client, users, portfolio):
        from tests.exports.conftest import IndicatorDefinitionFactory, IndicatorValueFactory

        retired = IndicatorDefinitionFactory(code="old-count", name="Old count", is_active=False)
        IndicatorValueFactory(definition=retired, value=7)
        rows = download(client, users["admin"], SLUG)
        assert "old-count" not in column(rows, "indicator_code")
        assert "direct-recipients" in column(rows, "indicator_code")

    def test_a_manager_gets_the_cuts_of_their_programme_only(self, client, users):
        rows = download(client, users["manager"], SLUG)
        assert cuts(rows) == {
            people(programme="CRP"),
            people(governorate="IQG13", programme="CRP", donor="USA"),
            ("contributions-usd", "cumulative", "2018-03-31", "", "CRP", "USA"),
        }

    def test_a_manager_out_of_scope_gets_no_row(self, client, users):
        rows = download(client, users["outsider"], SLUG)
        assert len(rows) == 2  # the headers and the hashtags

    def test_a_monitor_gets_the_cuts_of_their_governorates(self, client, users):
        rows = download(client, users["monitor"], SLUG)
        assert cuts(rows) == {
            people(governorate="IQG13"),
            people(governorate="IQG13", programme="CRP", donor="USA"),
        }

    def test_every_staff_export_holds_the_cells_the_dashboards_add_up(self, client, users):
        for role in ("admin", "manager", "monitor"):
            dashboard_cells = {stored_cut(v) for v in values_for_user(users[role])}
            assert dashboard_cells, role
            assert dashboard_cells <= cuts(download(client, users[role], SLUG)), role

    def test_a_donor_gets_their_organisations_totals_as_their_dashboards(self, client, users):
        rows = download(client, users["donor"], SLUG)
        assert cuts(rows) == {
            people(donor="USA"),
            people(end="2018-06-30", donor="USA"),
            people(kind="quarter", donor="USA"),
        }
        assert cuts(rows) == {stored_cut(v) for v in values_for_user(users["donor"])}

    def test_a_donor_may_pick_a_governorate_or_programme_but_not_another_donor(self, client, users):
        donor = users["donor"]
        assert cuts(download(client, donor, SLUG, governorate="IQG13", programme="CRP")) == {
            people(governorate="IQG13", programme="CRP", donor="USA")
        }
        assert cuts(download(client, donor, SLUG, programme="CRP")) == {
            ("contributions-usd", "cumulative", "2018-03-31", "", "CRP", "USA")
        }
        assert cuts(download(client, donor, SLUG, governorate="IQG15")) == set()
        assert cuts(download(client, donor, SLUG, donor="CAN")) == set()
        assert cuts(download(client, donor, SLUG, programme="RRP", donor="CAN")) == set()


class TestSmallCounts:
    def test_a_donor_sees_counts_from_1_to_4_as_less_than_5(self, client, users):
        rows = download(client, users["donor"], SLUG, governorate="IQG13", programme="CRP")
        (row,) = rows[2:]
        cells = dict(zip(rows[1], row, strict=True))
        assert cells["#indicator+value+num"] == "<5"
        assert cells["#affected+f"] == "<5"
        assert cells["#affected+m"] == "0"  # nobody: nothing to hide
        assert cells["#affected+age18_59"] == "<5"
        assert cells["#affected+idps"] == "<5"

    def test_the_count_that_would_give_a_hidden_one_away_is_hidden_too(self, client, users):
        rows = download(client, users["donor"], SLUG, period_end_before="2018-03-31")
        by_type = {cells[3]: dict(zip(rows[1], cells, strict=True)) for cells in rows[2:]}
        total = by_type["cumulative"]
        # 50 people, 3 women, 47 men: "<5" alone would leave 50 - 47 = 3 in plain sight.
        assert total["#indicator+value+num"] == "50"
        assert total["#affected+f"] == "<5"
        assert total["#affected+m"] == "not shown"
        assert total["#affected+idps"] == "50"

    def test_the_same_rule_in_the_xlsx(self, client, users):
        rows = download(client, users["donor"], SLUG, "xlsx", period_end_before="2018-03-31")
        total = next(dict(zip(rows[1], r, strict=True)) for r in rows[2:] if r[3] == "cumulative")
        assert total["#affected+f"] == "<5" and total["#affected+m"] == "not shown"
        assert total["#indicator+value+num"] == 50

    def test_money_is_never_hidden(self, client, users):
        rows = download(client, users["donor"], SLUG, programme="CRP")
        assert column(rows, "value") == ["2.50"]

    def test_staff_see_the_small_counts(self, client, users):
        for role in ("admin", "manager", "monitor"):
            rows = download(client, users[role], SLUG, governorate="IQG13", programme="CRP")
            assert column(rows, "value") == ["1"], role
            assert column(rows, "sex_f") == ["1"], role


class TestFilters:
    def test_by_indicator_period_type_and_period_end(self, client, users):
        admin = users["admin"]
        assert cuts(download(client, admin, SLUG, definition="contributions-usd")) == {
            ("contributions-usd", "cumulative", "2018-03-31", "", "CRP", "USA")
        }
        assert cuts(download(client, admin, SLUG, period_type="quarter")) == {
            people(kind="quarter", donor="USA")
        }
        assert cuts(download(client, admin, SLUG, period_end_after="2018-04-01")) == {
            people(end="2018-06-30", donor="USA")
        }
        both = download(
            client, admin, SLUG, period_end_after="2018-03-31", period_end_before="2018-03-31"
        )
        assert len(both) - 2 == 8

    def test_by_governorate_programme_and_donor(self, client, users):
        admin = users["admin"]
        assert cuts(download(client, admin, SLUG, governorate="IQG15")) == {
            people(governorate="IQG15", programme="RRP", donor="CAN")
        }
        assert len(download(client, admin, SLUG, programme="CRP")) - 2 == 3
        assert len(download(client, admin, SLUG, donor="USA")) - 2 == 5
        assert len(download(client, admin, SLUG, donor=["USA", "CAN"])) - 2 == 6
        assert cuts(download(client, admin, SLUG, governorate="IQG01")) == set()

    def test_all_picks_the_totals(self, client, users):
        rows = download(
            client, users["admin"], SLUG, governorate="all", programme="all", donor="all"
        )
        assert cuts(rows) == {people()}
        rows = download(client, users["admin"], SLUG, governorate="all", programme="all")
        assert people(donor="USA") in cuts(rows)
        assert people(governorate="IQG13", programme="CRP", donor="USA") not in cuts(rows)

    def test_a_filter_never_widens_a_users_scope(self, client, users):
        monitor = users["monitor"]
        assert cuts(download(client, monitor, SLUG, governorate="IQG15")) == set()
        assert cuts(download(client, monitor, SLUG, governorate="all")) == set()
        manager = users["manager"]
        assert cuts(download(client, manager, SLUG, programme="RRP")) == set()


class TestNotRecorded:
    def test_each_split_ends_with_the_people_it_does_not_split(self, client, users):
        rows = download(client, users["admin"], SLUG)
        tags = rows[1]
        for tag in ("#affected+unspecified+sex", "#affected+unspecified+type"):
            assert tag in tags
        # Each dimension's "not recorded" column follows its categories.
        assert tags.index("#affected+unspecified+sex") == tags.index("#affected+m") + 1
        for row in rows[2:]:
            cells = dict(zip(tags, row, strict=True))
            if cells["#affected+f"] == "":  # money: no split, no "not recorded"
                assert cells["#affected+unspecified+sex"] == ""
                continue
            value = int(cells["#indicator+value+num"])
            sexes = int(cells["#affected+f"]) + int(cells["#affected+m"])
            assert int(cells["#affected+unspecified+sex"]) == value - sexes
