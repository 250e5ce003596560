"""The import of beneficiary lists: a dry run that writes nothing and lists
every error by row and column, a confirmation that writes every row or none,
and the files people really upload (encodings, fake workbooks, formulas, date
and number spellings, Arabic names)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from beneficiaries import imports
from beneficiaries.imports import write
from beneficiaries.models import AssistanceRecord
from tests.beneficiaries.imports.helpers import (
    GOOD,
    HEADER,
    WOMEN_IDP,
    batch_of,
    confirm,
    csv_file,
    detail,
    errors_by_cell,
    upload,
    with_cells,
    xlsx_file,
)
from tests.factories import ProjectFactory, governorate

pytestmark = pytest.mark.django_db


# --- Dry run, confirmation, all or nothing --------------------------------------------


def test_the_dry_run_writes_nothing_and_reports_each_error_by_row_and_column(client, world):
    rows = [
        GOOD,
        with_cells(GOOD, people="many"),
        with_cells(GOOD, governorate="Atlantis", households="9"),
    ]
    batch = batch_of(upload(client, world["alice"], csv_file(rows)))

    assert AssistanceRecord.objects.count() == 0
    assert batch["state"] == "checked"
    cells = errors_by_cell(batch)
    assert set(cells) == {(3, "people"), (4, "governorate"), (4, "households")}
    assert "“many” is not a whole number" in cells[(3, "people")]
    assert "No place is called “Atlantis”" in cells[(4, "governorate")]
    assert "More households (9) than people (6)" in cells[(4, "households")]
    page = detail(client, batch).content.decode()
    assert "No place is called “Atlantis”" in page
    assert "2 rows of 3 have errors" in page
    assert "Confirm and import" not in page
    confirm(client, batch)
    assert AssistanceRecord.objects.count() == 0


def test_confirming_a_clean_dry_run_writes_every_row(client, world):
    rows = [GOOD, with_cells(GOOD, people="10", household_size="7", delivered_on="2018-04-02")]
    batch = batch_of(upload(client, world["alice"], csv_file(rows)))
    page = detail(client, batch).content.decode()
    assert "2 rows checked, no error" in page
    assert page.count("will be created") == 2
    assert AssistanceRecord.objects.count() == 0

    response = confirm(client, batch)

    assert response.status_code == 302
    records = list(AssistanceRecord.objects.order_by("delivered_on"))
    assert [(r.delivered_on, r.people, r.household_size) for r in records] == [
        (dt.date(2018, 3, 1), 6, None),
        (dt.date(2018, 4, 2), 10, 7),
    ]
    assert {(r.project, r.activity_type, r.units, getattr(r, WOMEN_IDP)) for r in records} == {
        (world["project"], world["bsp"], 4, 3)
    }
    assert {r.status for r in records} == {"submitted"}  # a monitor's list waits for review
    assert records[0].history.get().history_user == world["alice"]
    assert "2 assistance records imported" in detail(client, batch).content.decode()
    confirm(client, batch)  # a second click creates nothing more
    assert AssistanceRecord.objects.count() == 2


def test_one_bad_row_at_write_time_means_nothing_is_written(client, world, monkeypatch):
    rows = [GOOD, GOOD, with_cells(GOOD, delivered_on="2020-06-01")]
    batch = batch_of(upload(client, world["alice"], csv_file(rows)))
    assert batch["errors_total"] == 0
    # Between the dry run and the confirmation the project's period is corrected;
    # the first rows are already sent to the database when the bad one is read.
    world["project"].end_date = dt.date(2019, 12, 31)
    world["project"].save()
    monkeypatch.setattr(write, "BATCH_SIZE", 1)

    confirm(client, batch)

    assert AssistanceRecord.objects.count() == 0
    assert AssistanceRecord.history.count() == 0
    batch = imports.status_read(batch["id"])
    assert batch["state"] == "checked"
    assert "ran from 2017-01-01 to 2019-12-31" in errors_by_cell(batch)[(4, "delivered_on")]


# --- Files people upload ----------------------------------------------------------


BAD_FILES = {
    "utf-16": (
        lambda: csv_file([GOOD], encoding="utf-16"),
        "UTF-16",
    ),
    "latin-1": (
        lambda: csv_file([with_cells(GOOD, activity_type="Caf\xe9")], encoding="latin-1"),
        "Line 2 is not UTF-8",
    ),
    "text named xlsx": (
        lambda: csv_file([GOOD], name="list.xlsx"),
        "not an Excel workbook",
    ),
    "missing columns": (
        lambda: csv_file([GOOD[:3]], header=HEADER[:3]),
        "Columns missing: delivered_on, people",
    ),
    "header only": (lambda: csv_file([]), "no rows of data"),
    "blank rows only": (lambda: csv_file([[""] * 9, []]), "no rows of data"),
    "xlsx header only": (lambda: xlsx_file([]), "no rows of data"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_gets_a_clear_message_and_nothing_is_written(client, world, case):
    make, message = BAD_FILES[case]
    batch = batch_of(upload(client, world["alice"], make()))
    assert batch["state"] == "invalid"
    assert message in batch["message"]
    page = detail(client, batch)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert "Confirm and import" not in page.content.decode()
    assert AssistanceRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("list.csv", b""), "empty"),
        (SimpleUploadedFile("list.xls", b"\xd0\xcf\x11\xe0"), "old Excel file"),
        (SimpleUploadedFile("list.pdf", b"%PDF"), "Upload a .csv or .xlsx file"),
    ],
)
def test_an_empty_or_foreign_file_is_refused_on_the_form(client, world, file, message):
    response = upload(client, world["alice"], file)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_formula_is_an_error_of_its_cell(client, world):
    rows = [with_cells(GOOD, people="=2+4"), GOOD]
    batch = batch_of(upload(client, world["alice"], xlsx_file(rows)))
    cells = errors_by_cell(batch)
    assert list(cells) == [(2, "people")]
    assert "formula (=2+4)" in cells[(2, "people")]


@pytest.mark.parametrize("make", [csv_file, xlsx_file])
def test_dates_in_three_spellings_and_spreadsheet_dates_are_read(client, world, make):
    spellings = ["2018-03-01", "01/03/2018", "1 March 2018"]
    if make is xlsx_file:
        spellings.append(dt.datetime(2018, 3, 1))
    rows = [with_cells(GOOD, delivered_on=day) for day in spellings]
    rows.append(with_cells(GOOD, delivered_on="03/13/2018"))  # month first: refused
    batch = batch_of(upload(client, world["alice"], make(rows)))
    assert list(errors_by_cell(batch)) == [(len(rows) + 1, "delivered_on")]
    assert "is not a date" in batch["errors"][0]["message"]
    assert [row["delivered_on"] for row in batch["preview"][:-1]] == ["2018-03-01"] * len(spellings)


def test_numbers_with_thousands_separators_are_read(client, world):
    rows = [
        with_cells(GOOD, people="1,234", households="1,200", units="12,000"),
        with_cells(GOOD, people="1.5"),
        with_cells(GOOD, people="-3"),
        with_cells(GOOD, people="١٢"),  # Arabic-Indic digits
    ]
    batch = batch_of(upload(client, world["alice"], csv_file(rows)))
    cells = errors_by_cell(batch)
    assert set(cells) == {(3, "people"), (4, "people")}
    assert "negative" in cells[(4, "people")]
    confirm_rows = [rows[0], rows[3]]
    batch = batch_of(upload(client, world["alice"], csv_file(confirm_rows)))
    confirm(client, batch)
    assert sorted(AssistanceRecord.objects.values_list("people", "households", "units")) == [
        (12, 4, 4),
        (1234, 1200, 12000),
    ]


@pytest.mark.parametrize(
    ("pcode", "spelling"),
    [("IQG15", "نينوى"), ("IQG09", "Dahuk"), ("IQG17", "Thi-Qar"), ("IQG13", "IQG13")],
)
def test_governorates_resolve_by_pcode_arabic_name_or_alias(client, world, pcode, spelling):
    place = governorate(pcode)
    world["alice"].profile.governorates.add(place)
    if pcode != "IQG13":
        ProjectFactory(
            code="GOV-01",
            governorate=place,
            sector=world["project"].sector,
            start_date=dt.date(2017, 1, 1),
        )
    code = "KRK-01" if pcode == "IQG13" else "GOV-01"
    rows = [with_cells(GOOD, project=code, governorate=spelling)]
    batch = batch_of(upload(client, world["alice"], csv_file(rows)))
    assert batch["errors"] == []
    confirm(client, batch)
    assert AssistanceRecord.objects.get().project.governorate == place


def test_a_governorate_other_than_the_projects_is_an_error(client, world):
    rows = [with_cells(GOOD, governorate="Basra")]
    batch = batch_of(upload(client, world["alice"], csv_file(rows)))
    assert errors_by_cell(batch)[(2, "governorate")] == (
        "Al-Basrah (IQG02, governorate) is outside the places KRK-01 covers: Kirkuk."
    )


def test_a_misspelt_place_is_an_error_naming_the_closest(client, world):
    rows = [with_cells(GOOD, governorate="Kirkukk town")]
    batch = batch_of(upload(client, world["alice"], csv_file(rows)))
    message = errors_by_cell(batch)[(2, "governorate")]
    assert "No place is called “Kirkukk town”" in message
    assert "Kirkuk (IQG13, governorate)" in message


@pytest.mark.parametrize(
    ("project_district", "cell", "error"),
    [
        (None, "Hawija", None),
        (None, "IQG13Q04", None),
        ("IQG13Q01", "Markaz Al-Hawiga", None),  # a sub-district of the project's district
        ("IQG13Q01", "الحويجة", None),
        (
            "IQG13Q04",
            "Hawija",
            "Al-Hawiga (IQG13Q01, district of Kirkuk) is outside the places KRK-01 covers: "
            "Kirkuk (district of Kirkuk).",
        ),
        (None, "Qayyarah", "Al-Qayarra is in Ninewa, not in Kirkuk."),
        (None, "Ninewa", "Ninewa is a governorate: give a district or sub-district here."),
    ],
)
def test_a_district_column_is_checked_against_the_projects_place(
    client, world, project_district, cell, error
):
    from tests.factories import district

    if project_district:
        world["project"].district = district(project_district)
        world["project"].save()
    header = [*HEADER, "adm2_pcode"]
    batch = batch_of(upload(client, world["alice"], csv_file([[*GOOD, cell]], header=header)))
    assert errors_by_cell(batch).get((2, "district")) == error


def test_a_subdistrict_in_the_district_column_is_kept_on_the_record(client, world):
    header = [*HEADER, "district"]
    rows = [[*GOOD, "Markaz Al-Hawiga"], [*with_cells(GOOD, delivered_on="2018-03-02"), ""]]
    batch = batch_of(upload(client, world["alice"], csv_file(rows, header=header)))
    assert batch["errors"] == []
    confirm(client, batch)
    places = AssistanceRecord.objects.order_by("delivered_on").values_list(
        "subdistrict__pcode", flat=True
    )
    assert list(places) == ["IQG13Q01N01", None]


def test_the_filled_in_template_imports(client, world):
    client.force_login(world["alice"])
    response = client.get(reverse("beneficiaries:import_template_xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == imports.COLUMNS
    values = dict(zip(HEADER, GOOD, strict=True))
    sheet.append([values.get(column, "") for column in imports.COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    batch = batch_of(upload(client, world["alice"], SimpleUploadedFile("t.xlsx", out.getvalue())))
    assert batch["errors"] == [] and batch["counts"]["rows"] == 1
    csv_template = client.get(reverse("beneficiaries:import_template_csv")).content
    assert csv_template.decode("utf-8-sig").strip() == ",".join(imports.COLUMNS)
