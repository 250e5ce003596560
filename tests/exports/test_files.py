"""What the files hold whatever the rows: the HXL row, Arabic intact, and no
cell a spreadsheet would run as a formula."""

from __future__ import annotations

import pytest

from exports.cells import csv_cell, safe_cell, xlsx_cell
from exports.hxl import HXL
from tests.exports.conftest import (
    ARABIC_NAME,
    FORMULA_NAME,
    column,
    content,
    download,
    url,
    xlsx_sheet,
)
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

SLUGS = ("indicator-values", "assistance-records", "monitoring-visits")
FORMULAS = [FORMULA_NAME, "+1", "-1", "@SUM(A1:A9)", "\tx", "\r=1+1", "\x01=1+1", "=1+1"]


class TestHeaders:
    @pytest.mark.parametrize("slug", SLUGS)
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_a_second_row_of_hxl_hashtags(self, client, users, slug, fmt):
        rows = download(client, users["admin"], slug, fmt)
        headers, tags = rows[0], rows[1]
        assert len(headers) == len(tags) == len(set(tags)), "one distinct hashtag per column"
        assert all(tag.startswith("#") for tag in tags)
        assert set(tags) <= set(HXL.values())
        assert {"#adm1+code", "#adm1+name"} <= set(tags)
        assert "governorate P-code" in headers

    def test_the_hashtags_the_issue_names(self, client, users):
        values = download(client, users["admin"], "indicator-values")[1]
        assert {"#affected+f", "#affected+m", "#affected+idps", "#org+funder+code"} <= set(values)
        assert "#indicator+code" in values
        records = download(client, users["admin"], "assistance-records")[1]
        assert {"#sector", "#date", "#adm1+code", "#affected+f+age18_59+idps"} <= set(records)

    def test_the_hashtags_are_the_same_in_every_language(self, client, users):
        english = download(client, users["admin"], "assistance-records")[1]
        client.force_login(users["admin"])
        response = client.get(url("assistance-records", "csv"), headers={"accept-language": "ar"})
        assert response.status_code == 200
        assert content(response).decode("utf-8-sig").splitlines()[1].split(",") == english


class TestArabic:
    def test_csv_is_utf8_with_a_bom_and_arabic_intact(self, client, portfolio, users):
        rows = download(client, users["admin"], "assistance-records", governorate="IQG13")
        assert set(column(rows, "project_name")) == {ARABIC_NAME}
        assert set(column(rows, "adm1_name_ar")) == {portfolio["kirkuk"].name_ar} == {"كركوك"}

    def test_xlsx_keeps_arabic(self, client, portfolio, users):
        rows = download(client, users["admin"], "assistance-records", "xlsx", governorate="IQG13")
        assert set(column(rows, "project_name")) == {ARABIC_NAME}
        assert set(column(rows, "adm1_name_ar")) == {"كركوك"}

    def test_indicator_values_carry_the_arabic_governorate_name(self, client, users):
        rows = download(client, users["admin"], "indicator-values", governorate="IQG15")
        assert column(rows, "adm1_name_ar") == ["نينوى"]


class TestFormulas:
    @pytest.fixture
    def formula_projects(self, portfolio):
        from beneficiaries.models import AssistanceRecord

        for n, name in enumerate(FORMULAS):
            project = ProjectFactory(
                code=f"F-{n}", name=name, programme=portfolio["rrp"], donor=portfolio["canada"]
            )
            AssistanceRecord.objects.create(
                project=project,
                activity_type=portfolio["records"]["ninewa"].activity_type,
                delivered_on="2018-03-01",
                status="approved",
            )

    def test_csv_cells_that_start_like_a_formula_start_with_an_apostrophe(
        self, client, users, formula_projects
    ):
        rows = download(
            client,
            users["admin"],
            "assistance-records",
            project=[f"F-{n}" for n in range(len(FORMULAS))],
        )
        names = column(rows, "project_name")
        assert len(names) == len(FORMULAS)
        for name in names:
            assert name.startswith("'"), name
        assert set(names) == {
            "'" + FORMULA_NAME,
            "'+1",
            "'-1",
            "'@SUM(A1:A9)",
            "'\tx",
            "'\r=1+1",
            "'=1+1",
        }

    def test_no_xlsx_cell_is_a_formula(self, client, users, formula_projects):
        client.force_login(users["admin"])
        sheet = xlsx_sheet(client.get(url("assistance-records", "xlsx")))
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert cells
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert sheet.freeze_panes == "A3"  # the headers and hashtags stay in view
        names = {c.value for c in cells if isinstance(c.value, str) and "1+1" in c.value}
        # (XML reads a carriage return back as a line feed.)
        assert names == {"'\n=1+1", "'=1+1"}
        assert "'" + FORMULA_NAME in {c.value for c in cells}

    def test_numbers_stay_numbers(self, client, users):
        rows = download(client, users["admin"], "assistance-records", "xlsx", project="RRP-NIN-1")
        (row,) = rows[2:]
        cells = dict(zip(rows[1], row, strict=True))
        assert cells["#affected+ind"] == 30 and isinstance(cells["#affected+ind"], int)

    def test_visit_referrals_and_values_pass_the_same_guard(self, client, users, portfolio):
        # The formula-named project appears in the visits export too.
        rows = download(client, users["admin"], "monitoring-visits", governorate="IQG15")
        assert column(rows, "project_name") == ["'" + FORMULA_NAME]


class TestCells:
    def test_safe_cell(self):
        assert safe_cell("=1+1") == "'=1+1"
        assert safe_cell("-5") == "'-5"
        assert safe_cell(-5) == -5
        assert safe_cell(None) == ""
        assert safe_cell("Kirkuk") == "Kirkuk"

    def test_xlsx_cell_drops_characters_xml_cannot_hold_before_the_check(self):
        assert xlsx_cell("\x01=1+1") == "'=1+1"
        assert xlsx_cell("a\x0cb") == "ab"
        assert xlsx_cell("line\nbreak") == "line\nbreak"

    def test_datetimes_in_local_time(self):
        import datetime as dt

        moment = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
        assert csv_cell(moment) == "2026-01-01T12:00:00+03:00"
        assert xlsx_cell(moment) == dt.datetime(2026, 1, 1, 12, 0)
        assert csv_cell(dt.date(2026, 1, 2)) == "2026-01-02"
