"""The dashboard pages read from a replica when one is configured, and only
they: per-user rows, sessions and every other page read the primary."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import RequestFactory

from beneficiaries.models import MonitoringVisit
from indicators.models import IndicatorValue
from iomdash import db_router
from iomdash.db_router import ReplicaRouter, read_alias, replica_reads
from iomdash.middleware import ReplicaReadsMiddleware
from programmes.models import Programme, UserProfile
from programmes.models_notifications import Notification
from tests.iomdash.test_settings import read_settings

router = ReplicaRouter()


@pytest.fixture
def replica(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)


def test_without_a_replica_everything_reads_the_primary():
    with replica_reads():
        assert read_alias() == "default"
        assert router.db_for_read(IndicatorValue) == "default"


def test_dashboard_data_read_from_the_replica_per_user_rows_from_the_primary(replica):
    assert router.db_for_read(IndicatorValue) == "default"  # outside a dashboard page
    with replica_reads():
        for model in (IndicatorValue, Programme, MonitoringVisit):
            assert router.db_for_read(model) == "replica", model
        for model in (UserProfile, Notification, User):
            assert router.db_for_read(model) == "default", model
        assert router.db_for_write(IndicatorValue) == "default"
    assert not router.allow_migrate("replica", "indicators")


@pytest.mark.parametrize(
    ("method", "path", "alias"),
    [
        ("get", "/dashboards/", "replica"),
        ("get", "/dashboards/governorate/IQG13/", "replica"),
        ("get", "/dashboards/programme/CRP/", "replica"),
        ("head", "/dashboards/programme/CRP/", "replica"),
        ("post", "/dashboards/programme/CRP/", "default"),
        # the list a manager is sent back to after saving: what they saved, at once
        ("get", "/dashboards/programme/CRP/projects/", "default"),
        ("get", "/visits/", "default"),
        ("get", "/no/such/page/", "default"),
    ],
)
def test_only_dashboard_pages_read_from_the_replica(replica, method, path, alias):
    seen = []
    middleware = ReplicaReadsMiddleware(lambda request: seen.append(read_alias()) or HttpResponse())
    middleware(getattr(RequestFactory(), method)(path))
    assert seen == [alias]
    assert read_alias() == "default"  # and not after the response


def test_the_replica_url_is_read_and_mirrors_the_primary_in_tests():
    printed = read_settings(
        "print(settings.DATABASES['replica']['HOST'], settings.DATABASES['replica']['TEST']['MIRROR'])",
        DATABASE_REPLICA_URL="postgres://reader:secret@replica.example.org:5432/iomdash",
    )
    assert printed == "replica.example.org default"


def test_a_replica_url_that_is_not_postgresql_stops_start_up():
    with pytest.raises(AssertionError, match="DATABASE_REPLICA_URL must be a PostgreSQL URL"):
        read_settings("print(1)", DATABASE_REPLICA_URL="sqlite:///db.sqlite3")
