"""The snapshot admin: the frozen payload is shown, never edited; downloads
are a log nobody edits."""

from __future__ import annotations

import pytest

from snapshots import services
from snapshots.models import SnapshotDownload
from tests.snapshots.conftest import Q1

pytestmark = pytest.mark.django_db


def test_published_snapshot_is_read_only_in_the_admin(admin_client, world, users):
    draft = services.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )
    snapshot = services.snapshot_publish(snapshot=draft, user=users.manager)
    services.snapshot_download_log(snapshot=snapshot, user=users.donor)
    url = f"/admin/snapshots/snapshot/{snapshot.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Rapid Recovery Programme" in page.text and "compared_label" in page.text
    assert page.context["adminform"].form.fields == {}  # nothing editable
    frozen = snapshot.payload
    admin_client.post(url, {"title": "Changed"})
    snapshot.refresh_from_db()
    assert snapshot.payload == frozen and snapshot.title != "Changed"
    assert admin_client.post(f"/admin/snapshots/snapshot/{snapshot.pk}/delete/").status_code == 403
    log = SnapshotDownload.objects.get()
    listing = admin_client.get("/admin/snapshots/snapshotdownload/")
    assert listing.status_code == 200 and "usa" in listing.text
    assert (
        admin_client.get(f"/admin/snapshots/snapshotdownload/{log.pk}/change/").status_code == 200
    )
    assert (
        admin_client.post(f"/admin/snapshots/snapshotdownload/{log.pk}/delete/").status_code == 403
    )
