"""The dashboards' cache: a page served again costs a few queries and shows
the same figures; any change it shows (an engine run, a project, a visit)
shows at once; no one is given another scope's figures; and without Redis
pages still render."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from beneficiaries.models import AssistanceRecord
from indicators.engine import recompute_full
from programmes.models import Project
from tests.factories import ProjectFactory, SectorFactory, user_with_role
from tests.indicators.conftest import record
from tests.indicators.dashboards.helpers import (
    AS_OF_Q2,
    MAX_QUERIES_CACHED,
    MISSION,
    field_visit,
    governorate_url,
    login,
    page_json,
    programme_url,
)

pytestmark = pytest.mark.django_db


def people(response) -> str:
    """The people reached, as the page's headline card shows them (a page
    served whole from the cache has no template context to read)."""
    found = re.search(
        r'data-code="people-reached">\s*<span class="figure"[^>]*>([^<]+)<',
        response.content.decode(),
    )
    return found.group(1)


def people_value(response) -> float:
    return float(people(response).replace(",", ""))


@pytest.mark.parametrize("url", [MISSION, governorate_url("IQG13"), programme_url("CRP")], ids=str)
def test_a_page_served_again_shows_the_same_figures_for_a_few_queries(
    client, portfolio, django_assert_max_num_queries, url
):
    login(client, user_with_role("manager", programmes=[portfolio["crp"]]))
    first = client.get(url, AS_OF_Q2)
    with django_assert_max_num_queries(MAX_QUERIES_CACHED):
        again = client.get(url, AS_OF_Q2)
    assert again.status_code == 200
    assert page_json(again) == page_json(first)
    assert people(first) != ""
    assert f">{people(first)}<" in again.content.decode()


def test_an_engine_run_shows_at_once(client, portfolio):
    login(client, user_with_role("admin"))
    assert people_value(client.get(MISSION, AS_OF_Q2)) == 363
    kirkuk = Project.objects.get(code="CRP-KRK-1")
    activity = AssistanceRecord.objects.filter(project=kirkuk).first().activity_type
    record(kirkuk, on=dt.date(2018, 5, 20), households=1, people=7, size=7, activity=activity)
    # The records are not the page's: until the engine runs, the figures stay.
    assert people_value(client.get(MISSION, AS_OF_Q2)) == 363
    recompute_full()
    assert people_value(client.get(MISSION, AS_OF_Q2)) == 370


def test_a_project_change_shows_at_once(client, portfolio):
    login(client, user_with_role("admin"))
    url = governorate_url("IQG13")
    before = client.get(url, AS_OF_Q2).context["data"]
    assert [p.code for p in before["projects"]] == ["CRP-KRK-1"]
    ProjectFactory(
        code="CRP-KRK-2",
        programme=portfolio["crp"],
        governorate=portfolio["kirkuk"],
        donor=portfolio["usa"],
        sector=SectorFactory(code="water", name="Water"),
        start_date=dt.date(2018, 1, 1),
    )
    after = client.get(url, AS_OF_Q2).context["data"]
    assert [p.code for p in after["projects"]] == ["CRP-KRK-1", "CRP-KRK-2"]
    assert "Water" in [s["sector"] for s in after["projects_by_sector"]["sectors"]]


def test_an_approved_visit_shows_at_once(client, portfolio):
    login(client, user_with_role("admin"))
    url = governorate_url("IQG13")
    assert client.get(url, AS_OF_Q2).context["data"]["visits"] == []
    visit = field_visit(
        Project.objects.get(code="CRP-KRK-1"), on=dt.date(2018, 5, 2), status="submitted"
    )
    visit.status = "approved"
    visit.save()
    visits = client.get(url, AS_OF_Q2).context["data"]["visits"]
    assert [v["pk"] for v in visits] == [visit.pk]


def test_a_donor_never_gets_a_managers_cached_figures(client, portfolio):
    manager = user_with_role("manager", programmes=[portfolio["crp"], portfolio["rrp"]])
    donor = user_with_role("donor", donor=portfolio["canada"])
    as_manager = login(client, manager).get(MISSION, AS_OF_Q2)
    assert people(as_manager) == "363"
    as_donor = login(client, donor).get(MISSION, AS_OF_Q2)
    # Canada funds the Ninewa project only: its 180 people, not the mission's 363.
    assert people(as_donor) == "180"
    assert [c["name"] for c in as_donor.context["data"]["contributions"]] == [
        "Rapid Recovery Programme"
    ]
    assert "USA" not in str(as_donor.context["chart_data"])
    # And the other way round, from a fresh cache entry of the donor's.
    assert people(login(client, manager).get(MISSION, AS_OF_Q2)) == "363"


def test_two_managers_of_different_scopes_get_their_own_figures(client, portfolio):
    crp = user_with_role("manager", programmes=[portfolio["crp"]])
    rrp = user_with_role("manager", programmes=[portfolio["rrp"]])
    assert people(login(client, crp).get(MISSION, AS_OF_Q2)) == "183"
    assert people(login(client, rrp).get(MISSION, AS_OF_Q2)) == "180"


def test_a_monitor_is_never_given_another_monitors_visits(client, portfolio):
    kirkuk = [portfolio["kirkuk"]]
    one, other = (user_with_role("monitor", governorates=kirkuk) for _ in range(2))
    url = governorate_url("IQG13")
    project = Project.objects.get(code="CRP-KRK-1")
    visit = field_visit(project, on=dt.date(2018, 5, 2), monitor=one)
    assert [v["pk"] for v in login(client, one).get(url, AS_OF_Q2).context["data"]["visits"]] == [
        visit.pk
    ]
    assert login(client, other).get(url, AS_OF_Q2).context["data"]["visits"] == []


def test_pages_render_uncached_when_redis_is_down(client, portfolio, settings, tmp_path):
    login(client, user_with_role("admin"))
    cached = people(client.get(MISSION, AS_OF_Q2))
    settings.CACHES = {
        **settings.CACHES,
        "dashboards": {
            **settings.CACHES["dashboards"],
            "LOCATION": f"unix://{tmp_path}/no-redis.sock?db=1",
        },
    }
    response = client.get(MISSION, AS_OF_Q2)
    assert response.status_code == 200
    assert people(response) == cached == "363"
    assert client.get(governorate_url("IQG13"), AS_OF_Q2).status_code == 200


def test_users_of_one_scope_share_one_entry(client, portfolio, django_assert_max_num_queries):
    """Many users at once: the page is computed once for all administrators."""
    admins = [user_with_role("admin") for _ in range(3)]
    login(client, admins[0]).get(MISSION, AS_OF_Q2)
    for admin in admins[1:]:
        login(client, admin)
        with django_assert_max_num_queries(MAX_QUERIES_CACHED):
            assert people(client.get(MISSION, AS_OF_Q2)) == "363"
