"""Two sends of one visit at once (``client_id``, tests/api/test_visit_client_id.py)
make one visit: a transactional test, in a module of its own so that the
other module's tests can share their data (``tests/shared_data.py``)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient

from beneficiaries.models import AssistanceRecord, MonitoringVisit
from tests.api.test_visit_client_id import body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sends_at_once_make_one_visit(world):
    client_id = uuid.uuid4()

    def send(_):
        client = APIClient()
        client.force_authenticate(world["alice"])
        try:
            return client.post("/api/v1/visits/", body(world, client_id), format="json")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(send, range(2)))
    assert sorted(r.status_code for r in responses) == [200, 201]
    visit = MonitoringVisit.objects.get(findings="Bakery open.")
    assert visit.client_id == client_id
    assert AssistanceRecord.objects.filter(visit=visit).count() == 2
