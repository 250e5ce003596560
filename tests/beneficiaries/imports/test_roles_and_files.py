"""Who may import what, the dry run and the write in a Celery task with
progress (eager here; ``test_import_worker`` runs a real one), and the
uploaded files, which are not kept."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import TestCase
from django.urls import reverse

from beneficiaries import imports
from beneficiaries.imports import run, status
from beneficiaries.models import AssistanceRecord
from indicators.engine import recompute_full
from tests.beneficiaries.imports.helpers import (
    GOOD,
    batch_of,
    confirm,
    csv_file,
    detail,
    errors_by_cell,
    status_read_of,
    upload,
    uploads,
    with_cells,
)
from tests.factories import user_with_role
from tests.indicators.conftest import define, value

pytestmark = pytest.mark.django_db


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
