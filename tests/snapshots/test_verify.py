"""The verification page: anyone holding a snapshot PDF learns which published
snapshot it is and whether the file is the published one; nobody learns any
figure from it, and drafts are never found."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from snapshots import services
from snapshots.fingerprint import (
    fingerprint_display,
    normalise_fingerprint,
    snapshot_fingerprint,
)
from snapshots.models import Snapshot
from tests.snapshots.conftest import Q1, Q2, recompute

pytestmark = pytest.mark.django_db

PUBLISHED_PDF = b"%PDF-1.7 the published snapshot"


@pytest.fixture(autouse=True)
def pdf_bytes(monkeypatch):
    monkeypatch.setattr(services, "_render", lambda payload, progress=None: PUBLISHED_PDF)


@pytest.fixture
def published(world, users) -> Snapshot:
    world.deliver(on=dt.date(2018, 2, 1), households=10, units=10)
    recompute()
    draft = services.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )
    snapshot = services.snapshot_publish(snapshot=draft, user=users.manager)
    assert services.snapshot_pdf_generate(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    return snapshot


def test_publishing_seals_the_payload_with_its_fingerprint_and_the_verification_address(
    published,
):
    payload = published.payload
    assert published.fingerprint == payload["fingerprint"] == snapshot_fingerprint(payload)
    assert len(published.fingerprint) == 16
    assert payload["verify_url"].endswith("/snapshots/verify/")
    # any change of content gives another fingerprint
    assert snapshot_fingerprint({**payload, "title": payload["title"] + "."}) != (
        published.fingerprint
    )


def test_anonymous_reader_with_the_published_pdf_is_told_it_is_genuine_and_sees_no_figure(
    client, published
):
    response = client.post(
        "/snapshots/verify/",
        {"pdf": SimpleUploadedFile("s.pdf", PUBLISHED_PDF, "application/pdf")},
    )
    assert response.status_code == 200
    assert "This is the published PDF." in response.text
    assert published.title in response.text
    assert fingerprint_display(published.fingerprint) in response.text
    assert "Open the snapshot" not in response.text  # no link for someone without access
    for figure in published.payload["headlines"]:
        assert f">{figure['display']}<" not in response.text


def test_fingerprint_from_the_pdfs_address_is_known(client, published):
    response = client.get(f"/snapshots/verify/?f={published.fingerprint.upper()}")
    assert "This fingerprint is of a published snapshot." in response.text
    assert published.title in response.text


def test_tampered_pdf_with_a_real_fingerprint_is_reported_as_not_the_published_one(
    client, published
):
    response = client.post(
        "/snapshots/verify/",
        {
            "fingerprint": fingerprint_display(published.fingerprint),
            "pdf": SimpleUploadedFile("s.pdf", PUBLISHED_PDF + b" edited", "application/pdf"),
        },
    )
    assert "This file is not the published PDF." in response.text
    assert published.title in response.text


@pytest.mark.parametrize(
    "data",
    [
        {"fingerprint": "0123456789abcdef"},
        {"pdf": b"%PDF-1.7 something else"},
    ],
)
def test_unknown_fingerprint_or_file_is_unknown_and_names_nothing(client, published, data):
    if "pdf" in data:
        data = {"pdf": SimpleUploadedFile("x.pdf", data["pdf"], "application/pdf")}
    response = client.post("/snapshots/verify/", data)
    assert "Unknown" in response.text
    assert published.title not in response.text


def test_a_drafts_preview_is_never_found(client, world, users, published):
    draft = services.snapshot_create(
        programmes=[world.programme], period_end=Q2, user=users.manager
    )
    assert services.snapshot_pdf_generate(snapshot_id=draft.pk)
    draft.refresh_from_db()
    assert draft.pdf_sha256 and not draft.fingerprint
    other = b"%PDF-1.7 draft preview"
    Snapshot.objects.filter(pk=draft.pk).update(pdf_sha256=hashlib.sha256(other).hexdigest())
    response = client.post(
        "/snapshots/verify/", {"pdf": SimpleUploadedFile("d.pdf", other, "application/pdf")}
    )
    assert "Unknown" in response.text


def test_a_reader_with_access_gets_a_link_to_the_snapshot(client, users, published):
    client.force_login(users.donor)
    response = client.get(f"/snapshots/verify/?f={published.fingerprint}")
    assert f'href="/snapshots/{published.pk}/"' in response.text


def test_malformed_fingerprint_says_what_a_fingerprint_looks_like(client):
    response = client.get("/snapshots/verify/?f=hello")
    assert "This is not a fingerprint." in response.text
    assert normalise_fingerprint("3F2A-9c1e 0b77 d4e5") == "3f2a9c1e0b77d4e5"
