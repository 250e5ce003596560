"""A manager creates a snapshot of their own programmes only. Apart from
``test_views``, whose snapshots (a published Q1 and a draft Q2 of RRP) are
made once for its module: this test creates RRP's Q1 itself."""

from __future__ import annotations

import pytest

from snapshots.models import Snapshot
from tests.snapshots.conftest import Q1

pytestmark = pytest.mark.django_db


def test_manager_creates_a_draft_of_their_programme_only(client, users, world):
    client.force_login(users.manager)
    response = client.post(
        "/snapshots/new/",
        {"programmes": [world.other.pk], "cadence": "quarterly", "period": "quarterly:2018-03-31"},
    )
    assert response.status_code == 200 and not Snapshot.objects.exists()
    response = client.post(
        "/snapshots/new/",
        {
            "programmes": [world.programme.pk],
            "cadence": "quarterly",
            "period": f"quarterly:{Q1.isoformat()}",
            "title": "RRP Q1",
        },
    )
    snapshot = Snapshot.objects.get()
    assert response["Location"] == f"/snapshots/{snapshot.pk}/"
    assert (snapshot.title, snapshot.period_end, snapshot.created_by) == (
        "RRP Q1",
        Q1,
        users.manager,
    )
