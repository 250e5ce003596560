"""Snapshots in the API: the pages' scope on list, detail and PDF, frozen
figures for published snapshots only, and every PDF download logged."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from snapshots.models import SnapshotDownload
from tests.snapshots.test_views import ROLES, SEES_DRAFT, SEES_PUBLISHED, no_pdf, snapshots  # noqa: F401

pytestmark = pytest.mark.django_db


def api(users, role) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(getattr(users, role))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_list_is_the_pages_scope(users, snapshots, role):  # noqa: F811
    response = api(users, role).get("/api/v1/snapshots/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    if role == "monitor":  # a role, but no snapshot
        assert response.status_code == 200 and response.json()["results"] == []
        return
    expected = set()
    if role in SEES_PUBLISHED:
        expected.add(snapshots["published"].pk)
    if role in SEES_DRAFT:
        expected.add(snapshots["draft"].pk)
    assert {row["id"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["published", "draft"])
def test_detail_and_pdf(users, snapshots, role, which):  # noqa: F811
    snapshot = snapshots[which]
    client = api(users, role)
    detail = client.get(f"/api/v1/snapshots/{snapshot.pk}/")
    pdf = client.get(f"/api/v1/snapshots/{snapshot.pk}/pdf/")
    allowed = SEES_PUBLISHED if which == "published" else SEES_DRAFT
    if role == "anonymous":
        assert (detail.status_code, pdf.status_code) == (401, 401)
    elif role not in allowed:
        assert (detail.status_code, pdf.status_code) == (404, 404)
    else:
        body = detail.json()
        assert body["status"] == which
        assert body["programmes"] == [p.code for p in snapshot.programmes.all()]
        assert body["pdf_url"].endswith(f"/api/v1/snapshots/{snapshot.pk}/pdf/")
        if which == "published":
            assert body["payload"] == snapshot.payload and body["payload"]["headlines"]
        else:
            assert body["payload"] is None  # live figures are on the page
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")
        log = SnapshotDownload.objects.get()
        assert (log.user, log.snapshot) == (getattr(users, role), snapshot)
        return
    assert not SnapshotDownload.objects.exists()
