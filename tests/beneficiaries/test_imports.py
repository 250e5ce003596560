"""The import of beneficiary lists: a dry run that writes nothing and lists
every error by row and column, a confirmation that writes every row or none,
the files people really upload (encodings, fake workbooks, formulas, date and
number spellings, Arabic names), who may import what, and the dry run and
write in a Celery task (eager here; ``test_import_worker`` runs a real one)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from beneficiaries import imports
from beneficiaries.imports import run, status, write
from beneficiaries.models import AssistanceRecord, ImportBatch, recipient_field
from indicators.engine import recompute_full
from tests.beneficiaries.test_services import build_world
from tests.factories import ProjectFactory, governorate, user_with_role
from tests.indicators.conftest import define, value

pytestmark = pytest.mark.django_db

WOMEN_IDP = recipient_field("f", "18-59", "idp")
HEADER = ["project", "governorate", "activity_type", "delivered_on", "units", "households"]
HEADER += ["people", "household_size", WOMEN_IDP]
GOOD = ["KRK-01", "Kirkuk", "Business support package", "2018-03-01", "4", "4", "6", "", "3"]


@pytest.fixture
def world():
    return build_world()


@pytest.fixture(autouse=True)
def _tasks_in_process(eager_tasks):
    """The import's tasks run here, once the request's changes commit."""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_ROOT = tmp_path / "imports"
    return tmp_path


def csv_file(rows, *, header=HEADER, name="list.csv", encoding="utf-8") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, *, header=HEADER, name="list.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def upload(client, user, file):
    client.force_login(user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("beneficiaries:import_upload"), {"file": file})


def batch_of(response) -> dict:
    assert response.status_code == 302, response.content.decode()[:2000]
    batch_id = re.search(r"/import/([0-9a-f-]{36})/", response["Location"]).group(1)
    return imports.status_read(batch_id)


def confirm(client, batch):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("beneficiaries:import_confirm", args=[batch["id"]]))


def detail(client, batch):
    return client.get(reverse("beneficiaries:import_detail", args=[batch["id"]]))


def errors_by_cell(batch) -> dict:
    return {(e["row"], e["column"]): e["message"] for e in batch["errors"]}


def with_cells(row, **cells):
    row = list(row)
    for column, cell in cells.items():
        row[HEADER.index(column)] = cell
    return row


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
    assert "Project KRK-01 is in Kirkuk, not Basrah" in errors_by_cell(batch)[(2, "governorate")]


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
        ("IQG13Q04", "Hawija", "Project KRK-01 is in the district Kirkuk, not Al-Hawiga."),
        (None, "Qayyarah", "Project KRK-01 is in Kirkuk, not Ninewa."),
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


# --- Who may import what ----------------------------------------------------------


def test_a_project_outside_the_scope_reads_like_one_that_does_not_exist(client, world):
    rows = [
        with_cells(GOOD, project="BSR-01", governorate="Basra"),
        with_cells(GOOD, project="NOPE-9"),
    ]
    batch = batch_of(upload(client, world["alice"], csv_file(rows)))
    cells = errors_by_cell(batch)
    assert cells[(2, "project")].replace("BSR-01", "X") == cells[(3, "project")].replace(
        "NOPE-9", "X"
    )
    assert "No project “BSR-01” among the projects you enter data for" in cells[(2, "project")]


def test_donors_and_strangers_cannot_reach_the_import(client, world):
    batch = batch_of(upload(client, world["alice"], csv_file([GOOD])))
    pages = [
        reverse("beneficiaries:import_upload"),
        reverse("beneficiaries:import_template_csv"),
        reverse("beneficiaries:import_detail", args=[batch["id"]]),
    ]
    for user in (world["dora"], user_with_role("donor", donor=world["project"].donor)):
        client.force_login(user)
        assert [client.get(page).status_code for page in pages] == [404, 404, 404]
    client.force_login(world["mona"])  # a colleague does not see alice's import
    assert client.get(pages[2]).status_code == 404
    assert confirm(client, batch).status_code == 404
    client.logout()
    assert client.get(pages[0])["Location"].startswith(reverse("login"))
    assert AssistanceRecord.objects.count() == 0


def test_a_managers_import_is_approved_and_counts_in_the_indicators(
    client, world, eager_tasks, django_capture_on_commit_callbacks
):
    define("bsp-units", source="assistance", measure="units")
    recompute_full()
    batch = batch_of(upload(client, world["maria"], csv_file([GOOD, GOOD])))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, batch)
    assert set(AssistanceRecord.objects.values_list("status", flat=True)) == {"approved"}
    assert value("bsp-units") == 8
    assert "imported and approved" in detail(client, batch).content.decode()


def test_a_monitors_import_is_submitted_and_counts_nowhere_yet(
    client, world, eager_tasks, django_capture_on_commit_callbacks
):
    define("bsp-units", source="assistance", measure="units")
    recompute_full()
    batch = batch_of(upload(client, world["alice"], csv_file([GOOD])))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, batch)
    assert AssistanceRecord.objects.get().status == "submitted"
    assert value("bsp-units") is None
    assert "once a manager approves it" in detail(client, batch).content.decode()


def test_the_visit_list_links_to_the_import(client, world):
    for user in (world["alice"], world["maria"]):
        client.force_login(user)
        page = client.get(reverse("beneficiaries:visit_list")).content.decode()
        assert reverse("beneficiaries:import_upload") in page


# --- In a worker, with progress -------------------------------------------------


def test_the_dry_run_and_the_write_run_in_a_task_with_progress(client, world, monkeypatch):
    monkeypatch.setattr(run, "PROGRESS_EVERY", 2)
    progress = []
    update = run._status_update

    def spy(batch_id, **changes):
        if "rows_done" in changes:
            progress.append(changes["rows_done"])
        return update(batch_id, **changes)

    monkeypatch.setattr(run, "_status_update", spy)
    batch = batch_of(upload(client, world["alice"], csv_file([GOOD] * 5)))
    assert batch["state"] == "checked" and batch["counts"]["rows"] == 5
    assert batch["rows_estimate"] == 5 and batch["attempts"] == 1
    assert 2 in progress and 4 in progress

    confirm(client, batch)

    assert AssistanceRecord.objects.count() == 5
    batch = imports.status_read(batch["id"])
    assert batch["state"] == "done" and batch["progress"] == 100
    assert "5 assistance records imported" in detail(client, batch).content.decode()


def test_the_request_only_stores_the_file_and_queues_the_dry_run(client, world):
    client.force_login(world["alice"])
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = client.post(
            reverse("beneficiaries:import_upload"), {"file": csv_file([GOOD] * 5)}
        )
    batch_id = re.search(r"/import/([0-9a-f-]{36})/", response["Location"]).group(1)
    assert imports.status_read(batch_id)["state"] == "queued"
    assert len(queued) == 1  # the dry run, sent once the row is committed
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for a worker" in page and 'http-equiv="refresh"' in page


def test_a_running_import_shows_a_progress_bar_that_refreshes(client, world):
    batch = batch_of(upload(client, world["alice"], csv_file([GOOD])))
    status._status_update(batch["id"], state="importing", progress=40, rows_done=800)
    page = detail(client, batch).content.decode()
    assert '<progress max="100" value="40">' in page
    assert 'http-equiv="refresh"' in page
    assert "800 rows read" in page


def test_uploads_are_kept_outside_the_served_media(settings):
    """Beneficiary lists hold personal data: never under MEDIA_ROOT."""
    import uuid

    folder = status._folder(uuid.uuid4())
    assert folder.is_relative_to(settings.IMPORT_ROOT)
    assert not folder.is_relative_to(settings.MEDIA_ROOT)


# --- Uploaded files are not kept ----------------------------------------------------


def uploads(settings) -> list:
    return sorted(path.name for path in settings.IMPORT_ROOT.rglob("upload.*"))


def test_the_uploaded_file_is_deleted_once_imported(
    client, world, settings, django_capture_on_commit_callbacks
):
    batch = batch_of(upload(client, world["alice"], csv_file([GOOD])))
    assert uploads(settings) == ["upload.csv"]  # kept until confirmed
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, batch)
    assert status_read_of(batch)["state"] == "done"
    assert uploads(settings) == []
    assert "1 assistance record imported" in detail(client, batch).content.decode()


def status_read_of(batch):
    return imports.status_read(batch["id"])


@pytest.mark.parametrize(
    "make",
    [
        lambda: csv_file([with_cells(GOOD, people="many")]),  # errors: cannot be confirmed
        lambda: csv_file([GOOD], encoding="utf-16"),  # unreadable
    ],
)
def test_a_file_that_cannot_be_imported_is_deleted_at_once(client, world, settings, make):
    batch = batch_of(upload(client, world["alice"], make()))
    assert batch["state"] in ("checked", "invalid")
    assert uploads(settings) == []


def test_an_abandoned_import_loses_its_file_after_a_day(client, world, settings, eager_tasks):
    from beneficiaries.tasks import import_cleanup_task

    batch = batch_of(upload(client, world["alice"], csv_file([GOOD])))
    checked_at = dt.datetime.fromisoformat(batch["updated_at"])
    assert imports.import_cleanup(now=checked_at + dt.timedelta(hours=23)) == 0
    assert uploads(settings) == ["upload.csv"]
    assert imports.import_cleanup(now=checked_at + dt.timedelta(days=1, minutes=1)) == 1
    assert uploads(settings) == []
    assert status_read_of(batch)["state"] == "expired"
    page = detail(client, batch).content.decode()
    assert "its file was deleted" in page and "Confirm and import" not in page
    confirm(client, batch)
    assert AssistanceRecord.objects.count() == 0
    # The periodic task runs the same clean-up (nothing left to delete here).
    import_cleanup_task.delay()
    assert status_read_of(batch)["state"] == "expired"


# --- A monitor's import, approved by a manager in one action -----------------------------


def monitors_import(client, world, rows, django_capture_on_commit_callbacks):
    batch = batch_of(upload(client, world["alice"], csv_file(rows)))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, batch)
    return batch


@pytest.mark.parametrize(
    "who, code",
    [("maria", 200), ("admin", 200), ("mark", 404), ("alice", 404), ("mona", 404), ("dora", 404)],
)
def test_who_reviews_a_monitors_import(
    client, world, who, code, django_capture_on_commit_callbacks
):
    batch = monitors_import(client, world, [GOOD], django_capture_on_commit_callbacks)
    client.force_login(world[who])
    review = reverse("beneficiaries:import_review", args=[batch["id"]])
    assert client.get(review).status_code == code
    response = client.post(reverse("beneficiaries:import_approve", args=[batch["id"]]))
    assert response.status_code == (302 if code == 200 else 404)
    statuses = set(AssistanceRecord.objects.values_list("status", flat=True))
    assert statuses == ({"approved"} if code == 200 else {"submitted"})


def test_a_manager_approves_a_monitors_import_in_one_action(
    client, world, eager_tasks, django_capture_on_commit_callbacks
):
    define("bsp-units", source="assistance", measure="units")
    recompute_full()
    rows = [GOOD, with_cells(GOOD, units="6", delivered_on="2018-05-02")]
    batch = monitors_import(client, world, rows, django_capture_on_commit_callbacks)
    assert value("bsp-units") is None
    assert set(AssistanceRecord.objects.values_list("import_batch", flat=True)) == {
        __import__("uuid").UUID(batch["id"])
    }

    client.force_login(world["maria"])
    review = reverse("beneficiaries:import_review", args=[batch["id"]])
    listing = client.get(reverse("beneficiaries:visit_list")).content.decode()
    assert "Imported lists to review" in listing and review in listing
    assert "2 records, 12 people" in listing and "list.csv" in listing
    page = client.get(review).content.decode()
    assert "KRK-01" in page and "Business support package" in page
    assert "Approve all 2 records" in page and "alice" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("beneficiaries:import_approve", args=[batch["id"]]))
    assert response.status_code == 302
    assert set(AssistanceRecord.objects.values_list("status", flat=True)) == {"approved"}
    assert value("bsp-units") == 10
    record = AssistanceRecord.objects.order_by("delivered_on").first()
    latest, first = record.history.order_by("-history_id")[:2]
    assert (latest.status, latest.history_user, latest.history_type) == (
        "approved",
        world["maria"],
        "~",
    )
    assert "Approved with the import of list.csv" == latest.history_change_reason
    assert (first.status, first.history_user, first.history_change_reason) == (
        "submitted",
        world["alice"],
        "Imported from list.csv",
    )
    listing = client.get(reverse("beneficiaries:visit_list")).content.decode()
    assert "Imported lists to review" not in listing
    assert client.get(review).status_code == 404  # nothing left to review


@pytest.mark.parametrize("who, code", [("maria", 302), ("mark", 404), ("alice", 404)])
def test_a_manager_returns_a_monitors_import_with_a_reason(
    client, world, who, code, django_capture_on_commit_callbacks
):
    batch = monitors_import(client, world, [GOOD], django_capture_on_commit_callbacks)
    url = reverse("beneficiaries:import_return", args=[batch["id"]])
    client.force_login(world[who])
    if code == 404:
        assert client.post(url, {"reason": "Wrong month"}).status_code == 404
        assert set(AssistanceRecord.objects.values_list("status", flat=True)) == {"submitted"}
        return

    # No reason: the page comes back saying so, and nothing changes.
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "Say why the list goes back" in response.content.decode()
    assert set(AssistanceRecord.objects.values_list("status", flat=True)) == {"submitted"}

    response = client.post(url, {"reason": "The households column holds people"})
    assert response.status_code == 302
    assert set(AssistanceRecord.objects.values_list("status", flat=True)) == {"returned"}
    latest = AssistanceRecord.objects.get().history.order_by("-history_id").first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "returned",
        world["maria"],
        "The households column holds people",
    )
    # Nothing left to review; the monitor reads who returned it and why.
    assert client.get(reverse("beneficiaries:import_review", args=[batch["id"]])).status_code == 404
    client.force_login(world["alice"])
    page = detail(client, batch).content.decode()
    assert "returned 1 record of this list" in page
    assert "The households column holds people" in page


def test_the_copy_write_keeps_every_column_and_one_history_row_each(
    client, world, django_capture_on_commit_callbacks
):
    rows = [with_cells(GOOD, household_size="7"), with_cells(GOOD, units="")]
    batch = monitors_import(client, world, rows, django_capture_on_commit_callbacks)
    records = list(AssistanceRecord.objects.order_by("id"))
    assert [(r.units, r.household_size, r.visit, r.beneficiary) for r in records] == [
        (4, 7, None, None),
        (0, None, None, None),
    ]
    assert all(
        r.created_at and r.updated_at and str(r.import_batch) == batch["id"] for r in records
    )
    assert AssistanceRecord.history.count() == 2
    for record in records:
        row = record.history.get()
        assert (row.history_type, row.people, getattr(row, WOMEN_IDP)) == ("+", 6, 3)


def test_an_upload_while_the_broker_is_down_is_saved_and_sent_later(client, world):
    from iomdash.celery import app as celery_app
    from programmes import outbox
    from programmes.models import OutboxTask
    from tests.programmes.test_outbox import broker_down

    celery_app.conf.task_always_eager = False  # a real publish, to a dead broker
    with broker_down():
        response = upload(client, world["alice"], csv_file([GOOD]))
    assert response.status_code == 302  # saved, not a 500
    batch = imports.status_read(re.search(r"([0-9a-f-]{36})", response["Location"]).group(1))
    assert batch["state"] == "queued"
    assert "Waiting for a worker" in detail(client, batch).content.decode()
    assert OutboxTask.objects.get(state="pending").payload == {"batch_id": batch["id"]}

    # The broker is back: beat's next round sends the check, once.
    celery_app.conf.task_always_eager = True
    assert outbox.outbox_dispatch() == 1
    assert status_read_of(batch)["state"] == "checked"
    assert outbox.outbox_dispatch() == 0
    # Queued again by the clean-up's safety net, it finds the import checked.
    queued_at = dt.datetime.fromisoformat(batch["updated_at"])
    assert imports.import_redispatch(now=queued_at + dt.timedelta(minutes=5)) == 0
    assert status_read_of(batch)["attempts"] == 1


def test_a_request_dying_mid_upload_leaves_a_row_the_clean_up_finds(world, settings):
    class Dying(SimpleUploadedFile):
        def chunks(self, chunk_size=None):
            yield b"project,governorate\n"
            raise ConnectionResetError("the phone lost its connection")

    file = Dying("list.csv", b"project,governorate\nKRK-01,Kirkuk\n")
    with pytest.raises(ConnectionResetError):
        imports.import_create(user=world["alice"], upload=file)
    batch = ImportBatch.objects.get()
    assert batch.state == "receiving" and uploads(settings) == ["upload.csv"]

    later = batch.updated_at + dt.timedelta(days=1, minutes=1)
    assert imports.import_cleanup(now=later) == 1
    assert uploads(settings) == []
    batch.refresh_from_db()
    assert batch.state == "expired" and batch.upload_deleted_at is not None


def test_a_folder_no_import_knows_is_swept_after_an_hour(settings):
    import os
    import uuid

    folder = settings.IMPORT_ROOT / str(uuid.uuid4())
    folder.mkdir(parents=True)
    (folder / "upload.csv").write_text("personal data")
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=61)
    os.utime(folder, (an_hour_ago.timestamp(), an_hour_ago.timestamp()))
    assert imports.import_cleanup(now=an_hour_ago + dt.timedelta(minutes=30)) == 0
    assert folder.exists()
    assert imports.import_cleanup() == 1
    assert not folder.exists()
