"""The demo's published snapshots, printed: their PDFs carry the fingerprint
sealed at publish and the verification address, hold together on the page,
and are kept as PNGs in artifacts/snapshots/demo/ to be looked at."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from snapshots.fingerprint import fingerprint_display, snapshot_fingerprint
from snapshots.models import Snapshot
from snapshots.pdf import render_snapshot_pdf
from tests.snapshots.test_pdf import ARTIFACTS, _flat, _require_tools, _run, _text
from tests.snapshots.test_pdf_geometry import PRINTABLE_INSET, _overlaps, _pages

pytestmark = pytest.mark.django_db


def test_demo_snapshots_print_their_fingerprint_and_hold_together(tmp_path):
    _require_tools()
    call_command("demo_data", "--if-empty", stdout=io.StringIO())
    snapshots = list(
        Snapshot.objects.filter(status="published").select_related("series").order_by("period_end")
    )
    assert len(snapshots) == 5  # two quarters and three months
    out = ARTIFACTS / "demo"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    for snapshot in snapshots:
        assert snapshot.fingerprint == snapshot_fingerprint(snapshot.payload)
        path = tmp_path / f"{snapshot.pk}.pdf"
        path.write_bytes(render_snapshot_pdf(snapshot.payload))
        name = f"{snapshot.series.cadence}-{snapshot.period_end:%Y-%m-%d}"
        (ARTIFACTS / f"demo-{name}.pdf").write_bytes(path.read_bytes())
        _run("pdftoppm", "-r", "50", "-png", str(path), str(out / name))
        text = _flat(_text(path))
        assert f"Fingerprint {fingerprint_display(snapshot.fingerprint)}" in text
        assert f"/snapshots/verify/?f={snapshot.fingerprint}" in text.replace(" ", "")
        assert not _overlaps(path)
        for page in _pages(path):
            for x0, y0, x1, y1, word in page["words"]:
                assert PRINTABLE_INSET <= x0 and x1 <= page["width"] - PRINTABLE_INSET, word
                assert PRINTABLE_INSET <= y0 and y1 <= page["height"] - PRINTABLE_INSET, word
