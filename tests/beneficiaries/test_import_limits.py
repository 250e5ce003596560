"""Hostile and oversized uploads are refused fast, with a message naming the
limit, before any reader holds them in memory: a workbook whose text table
unpacks to hundreds of MB, too many parts, too many rows or cells, a CSV
with too many rows."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from beneficiaries.imports import parse
from beneficiaries.models import AssistanceRecord, ImportBatch
from tests.beneficiaries.imports.helpers import GOOD, batch_of, csv_file, upload, xlsx_file
from tests.beneficiaries.test_services import build_world

pytestmark = pytest.mark.django_db

_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
)


def _workbook_parts(zf: zipfile.ZipFile) -> None:
    """The parts of a minimal workbook any reader opens."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    zf.writestr(
        "[Content_Types].xml",
        f'<Types xmlns="{package}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
        '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{kind}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}.sharedStrings+xml"/>'
        "</Types>",
    )
    zf.writestr(
        "_rels/.rels",
        f'<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
        f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    )
    zf.writestr(
        "xl/workbook.xml",
        f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="records" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>',
    )
    zf.writestr(
        "xl/_rels/workbook.xml.rels",
        f'<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
    )
    zf.writestr("xl/worksheets/sheet1.xml", _SHEET)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A workbook of about 0.5 MB whose text table unpacks to about 220 MB
    (13 million shared strings: a reader that loads it grows by gigabytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        _workbook_parts(zf)
        with zf.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            chunk = b"<si><t>x</t></si>" * 65_536
            for _ in range(200):
                part.write(chunk)
            part.write(b"</sst>")
    data = out.getvalue()
    assert len(data) < 1_000_000
    return data


def _measured(action):
    """(result or exception, seconds, peak bytes allocated by Python)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = action()
    except Exception as exc:  # noqa: BLE001 - returned for the test to check
        result = exc
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, elapsed, peak


def test_a_workbook_bomb_is_refused_on_the_form_at_once(client, bomb, settings, tmp_path):
    settings.IMPORT_ROOT = tmp_path / "imports"
    world = build_world()
    client.force_login(world["alice"])

    def post():
        with TestCase.captureOnCommitCallbacks(execute=True):
            return client.post(
                reverse("beneficiaries:import_upload"),
                {"file": SimpleUploadedFile("list.xlsx", bomb)},
            )

    response, seconds, peak = _measured(post)

    assert response.status_code == 400
    page = response.content.decode()
    assert "200 times its size (the limit)" in page
    assert seconds < 2
    assert peak < 30 * 1024 * 1024
    # Nothing stored: no import, no file, no record.
    assert not ImportBatch.objects.exists()
    assert not (tmp_path / "imports").exists() or not any((tmp_path / "imports").iterdir())
    assert AssistanceRecord.objects.count() == 0


def test_the_worker_refuses_a_bomb_before_opening_it(bomb, tmp_path):
    """The same check guards the worker's reader (a file stored another way)."""
    path = tmp_path / "upload.xlsx"
    path.write_bytes(bomb)

    error, seconds, peak = _measured(lambda: parse.read_rows(path, "xlsx"))

    assert isinstance(error, parse.ImportFileError)
    assert "the limit" in str(error)
    assert seconds < 2
    assert peak < 30 * 1024 * 1024


def test_a_text_table_above_its_limit_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(parse, "RATIO_FROM", 1 << 40)  # only the table's size counts here
    monkeypatch.setattr(parse, "MAX_SHARED_STRINGS", 1024)
    path = tmp_path / "upload.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _workbook_parts(zf)
        zf.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * 100 + b"</sst>")
    with pytest.raises(parse.ImportFileError, match="text table unpacks to more than 0 MB"):
        parse.read_rows(path, "xlsx")


def test_a_workbook_of_too_many_parts_is_refused_from_its_end_record(client, tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        _workbook_parts(zf)
        for number in range(parse.MAX_PARTS):
            zf.writestr(f"xl/media/{number}.bin", b"")
    world = build_world()
    response = upload(client, world["alice"], SimpleUploadedFile("list.xlsx", out.getvalue()))
    assert response.status_code == 400
    assert "more than 1000 parts (the limit)" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_workbook_unpacking_above_the_total_limit_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(parse, "MAX_UNCOMPRESSED", 1024 * 1024)
    monkeypatch.setattr(parse, "RATIO_FROM", 1 << 40)
    path = tmp_path / "upload.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _workbook_parts(zf)
        zf.writestr("xl/media/padding.bin", b"\0" * (2 * 1024 * 1024))
    with pytest.raises(parse.ImportFileError, match="unpacks to more than 1 MB .the limit."):
        parse.read_rows(path, "xlsx")


@pytest.mark.parametrize("make", [csv_file, xlsx_file])
def test_a_file_above_the_row_limit_is_invalid_with_the_limit_named(
    client, eager_tasks, monkeypatch, settings, tmp_path, make
):
    settings.IMPORT_ROOT = tmp_path / "imports"
    monkeypatch.setattr(parse, "MAX_ROWS", 3)
    world = build_world()
    batch = batch_of(upload(client, world["alice"], make([GOOD] * 4)))
    assert batch["state"] == "invalid"
    assert "more than 3 rows (the limit)" in batch["message"]
    assert AssistanceRecord.objects.count() == 0
    batch = batch_of(upload(client, world["alice"], make([GOOD] * 3)))
    assert batch["state"] == "checked" and batch["counts"]["rows"] == 3


def test_a_sheet_above_the_cell_limit_is_invalid_with_the_limit_named(
    client, eager_tasks, monkeypatch, settings, tmp_path
):
    settings.IMPORT_ROOT = tmp_path / "imports"
    monkeypatch.setattr(parse, "MAX_CELLS", 20)
    world = build_world()
    batch = batch_of(upload(client, world["alice"], xlsx_file([GOOD] * 3)))
    assert batch["state"] == "invalid"
    assert "more than 20 cells (the limit)" in batch["message"]
