"""Pages go out compressed to browsers that accept it."""

from __future__ import annotations

import gzip

import pytest

from tests.factories import user_with_role
from tests.indicators.dashboards.helpers import AS_OF_Q2, MISSION, login

pytestmark = pytest.mark.django_db


def test_a_dashboard_is_sent_gzipped_and_reads_the_same(client, portfolio):
    login(client, user_with_role("admin"))
    plain = client.get(MISSION, AS_OF_Q2)
    assert "Content-Encoding" not in plain.headers
    packed = client.get(MISSION, AS_OF_Q2, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert "people-reached" in html
    # Well under half the size on the wire.
    assert len(packed.content) * 2 < len(plain.content)
