"""The home page shows each role what is in its scope, and nothing more."""

import datetime as dt

import pytest

from beneficiaries.models import MonitoringVisit
from tests.factories import (
    DonorFactory,
    MonitoringVisitFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    governorate,
    user_with_role,
)
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db


@shared_for_module
def world():
    """Two projects: one in Kirkuk (programme A, donor X), one in Basra (B, Y),
    each with visits of every status by the monitor alice."""
    alice = user_with_role("monitor", username="alice", governorates=[governorate("IQG13")])
    a = ProjectFactory(
        governorate=governorate("IQG13"), programme=ProgrammeFactory(), donor=DonorFactory()
    )
    b = ProjectFactory(
        governorate=governorate("IQG02"), programme=ProgrammeFactory(), donor=DonorFactory()
    )
    for project in (a, b):
        for status in ("draft", "submitted", "approved", "returned"):
            MonitoringVisitFactory(
                project=project,
                monitor=alice,
                status=status,
                visit_date=dt.date(2018, 1, 1),
                return_reason="Missing photos" if status == "returned" else "",
            )
    return {"alice": alice, "a": a, "b": b}


def cards(client, user) -> str:
    client.force_login(user)
    return client.get("/").content.decode()


def test_manager_sees_their_programme_and_no_drafts(client, world):
    bob = user_with_role("manager", username="bob", programmes=[world["a"].programme])
    page = cards(client, bob)
    assert '<span class="figure">1</span><span class="label">projects in your scope' in page
    assert '<span class="figure">1</span><span class="label">visits waiting for review' in page
    assert "draft" not in page


def test_monitor_sees_their_own_work_in_their_governorates(client, world):
    page = cards(client, world["alice"])
    assert '<span class="figure">1</span><span class="label">your draft visits' in page
    assert '<span class="figure">1</span><span class="label">visits returned to you' in page
    assert MonitoringVisit.objects.filter(monitor=world["alice"], status="draft").count() == 2


def test_donor_sees_only_what_it_funds_and_no_visits(client, world):
    carol = user_with_role("donor", username="carol", donor=world["b"].donor)
    page = cards(client, carol)
    assert '<span class="figure">1</span><span class="label">projects in your scope' in page
    assert "visits" not in page


def test_user_without_a_role_is_told_what_to_do(client, world):
    page = cards(client, UserFactory(username="dave"))
    assert "Ask an administrator" in page


def test_home_page_query_count_is_pinned(client, world, django_assert_max_num_queries):
    bob = user_with_role("manager", username="bob", programmes=[world["a"].programme])
    client.force_login(bob)
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200
