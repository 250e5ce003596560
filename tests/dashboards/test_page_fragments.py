"""The dashboards' rendered parts (``dashboards.cache.page_fragments``): a
page served again is not rendered again, yet shows at once any change of its
figures, and is never given in another language or to another scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings

from beneficiaries.models import AssistanceRecord
from indicators.engine import recompute_full
from programmes.models import Project
from tests.factories import user_with_role
from tests.indicators.conftest import record
from tests.indicators.dashboards.helpers import (
    AS_OF_Q2,
    MAX_QUERIES_CACHED,
    MISSION,
    governorate_url,
    login,
    page_json,
    programme_url,
)

pytestmark = pytest.mark.django_db


def content(response) -> str:
    """The page's main part, the one kept (the header differs by request)."""
    html = response.content.decode()
    return html[html.index('<main class="content">') : html.index("</main>")]


def people(response) -> str:
    """The people reached, as the page's headline card shows them."""
    found = re.search(
        r'data-code="people-reached">\s*<span class="figure"[^>]*>([^<]+)<', content(response)
    )
    return found.group(1)


def from_fragments(response) -> bool:
    """Served from kept parts: the whole page as this user saw it (no
    template rendered, ``programmes.kept_pages``), or its kept fragments."""
    return response.context is None or response.context["fragments"].complete


@pytest.mark.parametrize("url", [MISSION, governorate_url("IQG13"), programme_url("CRP")], ids=str)
def test_a_page_served_again_is_not_rendered_again(
    client, portfolio, django_assert_max_num_queries, monkeypatch, url
):
    login(client, user_with_role("manager", programmes=[portfolio["crp"]]))
    first = client.get(url, AS_OF_Q2)
    assert not from_fragments(first)

    def no_rendering(*args, **kwargs):
        raise AssertionError("the page's figures were read again")

    monkeypatch.setattr("dashboards.views._chart_data", no_rendering)
    with django_assert_max_num_queries(MAX_QUERIES_CACHED):
        again = client.get(url, AS_OF_Q2)
    assert again.status_code == 200
    assert from_fragments(again)
    assert content(again) == content(first)
    assert people(again) == people(first) != ""
    assert again.content.decode().count("<title>") == 1
    # The header is the request's own: its CSRF token is made anew.
    assert 'name="csrfmiddlewaretoken"' in again.content.decode()


def test_a_data_change_shows_at_once(client, portfolio):
    login(client, user_with_role("admin"))
    assert people(client.get(MISSION, AS_OF_Q2)) == "363"
    assert from_fragments(client.get(MISSION, AS_OF_Q2))
    kirkuk = Project.objects.get(code="CRP-KRK-1")
    activity = AssistanceRecord.objects.filter(project=kirkuk).first().activity_type
    record(kirkuk, on=dt.date(2018, 5, 20), households=1, people=7, size=7, activity=activity)
    recompute_full()
    after = client.get(MISSION, AS_OF_Q2)
    assert not from_fragments(after)
    assert people(after) == "370"
    assert page_json(after)["series"]  # the chart data is the new page's too


def test_each_language_has_its_own_page(client, portfolio):
    login(client, user_with_role("admin"))
    english = client.get(MISSION, AS_OF_Q2)
    assert from_fragments(client.get(MISSION, AS_OF_Q2))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    arabic = client.get(MISSION, AS_OF_Q2)
    assert not from_fragments(arabic)
    assert "<h1>Mission overview</h1>" in content(english)
    assert "Mission overview" not in content(arabic)
    assert "<title>Mission overview" not in arabic.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "<h1>Mission overview</h1>" in content(client.get(MISSION, AS_OF_Q2))


def test_each_scope_has_its_own_page(client, portfolio):
    crp = user_with_role("manager", programmes=[portfolio["crp"]])
    rrp = user_with_role("manager", programmes=[portfolio["rrp"]])
    assert people(login(client, crp).get(MISSION, AS_OF_Q2)) == "183"
    assert from_fragments(client.get(MISSION, AS_OF_Q2))
    as_rrp = login(client, rrp).get(MISSION, AS_OF_Q2)
    assert not from_fragments(as_rrp)
    assert people(as_rrp) == "180"
    donor = user_with_role("donor", donor=portfolio["canada"])
    as_donor = login(client, donor).get(MISSION, AS_OF_Q2)
    assert not from_fragments(as_donor)
    assert "USA" not in content(as_donor)


def test_the_links_of_a_page_keep_its_own_query(client, portfolio):
    login(client, user_with_role("admin"))
    client.get(governorate_url("IQG13"), AS_OF_Q2)
    other = client.get(governorate_url("IQG13"), {**AS_OF_Q2, "map": "projects"})
    assert not from_fragments(other)
    assert "map=projects" in content(other)
    # A made-up parameter is kept in the links, so such a page is never kept.
    for _ in range(2):
        odd = client.get(MISSION, {**AS_OF_Q2, "utm": "mail"})
        assert not from_fragments(odd)
    assert "utm=mail" in content(odd)
