"""A published snapshot keeps its payload as frozen, in the language it was
published in; a reader in another language sees its period, "since last
quarter" and the as-of note in theirs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from snapshots import services
from snapshots.cadence import Period, period_words
from tests.snapshots.conftest import Q1, recompute

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pdf_bytes(monkeypatch):
    monkeypatch.setattr(services, "_render", lambda payload, progress=None: b"%PDF-1.7")


def test_period_words_follow_the_active_language():
    period = {"cadence": "quarterly", "start": "2018-01-01", "end": "2018-03-31"}
    english = period_words(period, "2018-02-15")
    with translation.override("ar"):
        arabic = period_words(period, "2018-02-15")
        expected = Period("quarterly", dt.date(2018, 1, 1), dt.date(2018, 3, 31)).label
    assert english["label"] == "Q1 2018" and "had not ended" in english["as_of_note"]
    assert arabic["label"] == expected != "Q1 2018"
    assert arabic["compared_label"] != english["compared_label"] == "since last quarter"
    assert period_words({"label": "Q1 2018"}) == {}  # no cadence: its own words
    assert period_words({**period, "legacy": True}) == {}  # a version 1 payload's adapter


def test_a_snapshot_published_in_english_reads_in_arabic(client, world, users):
    world.deliver(on=dt.date(2018, 2, 1), households=10, units=10)
    recompute()
    draft = services.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )
    snapshot = services.snapshot_publish(snapshot=draft, user=users.manager)
    assert snapshot.payload["period"]["label"] == "Q1 2018"  # frozen as published
    client.force_login(users.manager)
    with translation.override("en"):  # the request's Arabic ends with it
        page = client.get(
            reverse("snapshots:detail", args=[snapshot.pk]), HTTP_ACCEPT_LANGUAGE="ar"
        ).content.decode()
    with translation.override("ar"):
        label = period_words(snapshot.payload["period"])["label"]
    assert f'<span class="pcode">{label}</span>' in page
    assert '<span class="pcode">Q1 2018</span>' not in page
