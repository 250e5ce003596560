"""What the import tests share: the list's columns, a good row, files made
of rows (CSV, XLSX), and uploading, confirming and reading a batch."""

from __future__ import annotations

import csv
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook

from beneficiaries import imports
from beneficiaries.models import recipient_field

WOMEN_IDP = recipient_field("f", "18-59", "idp")
HEADER = ["project", "governorate", "activity_type", "delivered_on", "units", "households"]
HEADER += ["people", "household_size", WOMEN_IDP]
GOOD = ["KRK-01", "Kirkuk", "Business support package", "2018-03-01", "4", "4", "6", "", "3"]


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


def status_read_of(batch):
    return imports.status_read(batch["id"])


def uploads(settings) -> list:
    """The uploaded files still on disc."""
    return sorted(path.name for path in settings.IMPORT_ROOT.rglob("upload.*"))
