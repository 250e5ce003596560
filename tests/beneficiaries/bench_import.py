"""How long a 100,000-row beneficiary list takes to import, end to end: the
upload stored, the dry run, then the write (all rows in one transaction).

Not collected by the normal test run (the file name does not start with
``test_``); run it on purpose, with your own test database:

    IOMDASH_TEST_DB=... IOMDASH_TEST_BROKER_DB=... .venv/bin/python -m pytest \
        tests/beneficiaries/bench_import.py -q -s

``BENCH_ROWS`` changes the number of rows (default 100000).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from beneficiaries import imports
from beneficiaries.imports.status import _status_update
from beneficiaries.models import AssistanceRecord, recipient_field
from tests.beneficiaries.test_services import build_world

pytestmark = pytest.mark.django_db

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
WOMEN_IDP = recipient_field("f", "18-59", "idp")
MEN_HOST = recipient_field("m", "18-59", "host")
HEADER = ["project", "governorate", "activity_type", "delivered_on", "units", "households"]
HEADER += ["people", "household_size", WOMEN_IDP, MEN_HOST]


def big_csv(rows: int) -> SimpleUploadedFile:
    """A list as a data collection tool exports it: three date spellings,
    thousands separators, Arabic governorate names."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    start = dt.date(2018, 1, 1)
    governorates = ["Kirkuk", "IQG13", "كركوك"]
    for i in range(rows):
        day = start + dt.timedelta(days=i % 700)
        spelling = (day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%-d %B %Y"))[i % 3]
        people = 1 + i % 1500
        writer.writerow(
            [
                "KRK-01",
                governorates[i % 3],
                "Business support package",
                spelling,
                1 + i % 7,
                f"{max(1, people // 3):,}",
                f"{people:,}",
                (i % 9) or "",
                people // 2,
                people // 4,
            ]
        )
    return SimpleUploadedFile("big.csv", out.getvalue().encode("utf-8"), content_type="text/csv")


def test_import_of_a_large_list(settings, tmp_path):
    settings.IMPORT_ROOT = tmp_path / "imports"
    world = build_world()
    upload = big_csv(ROWS)

    started = time.perf_counter()
    batch = imports.import_create(user=world["alice"], upload=upload)
    stored = time.perf_counter()
    checked = imports.import_check(batch_id=batch["id"])
    dry_run = time.perf_counter()
    assert checked["state"] == "checked", checked.get("message")
    assert checked["errors_total"] == 0, checked["errors"][:5]
    _status_update(batch["id"], state="confirmed")
    done = imports.import_write(batch_id=batch["id"])
    written = time.perf_counter()

    assert done["state"] == "done", done.get("message")
    assert AssistanceRecord.objects.count() == ROWS
    assert AssistanceRecord.history.count() == ROWS
    print(
        f"\n{ROWS} rows ({upload.size / 1e6:.1f} MB): store {stored - started:.1f} s, "
        f"dry run {dry_run - stored:.1f} s, write {written - dry_run:.1f} s, "
        f"total {written - started:.1f} s"
    )
