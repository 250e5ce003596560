"""What the dashboard tests share: the portfolio (a fixture), the as-of
days, the pages' URLs, a field visit, a feedback response, and reading a
page's figures and chart data."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from beneficiaries.models import (
    Answer,
    FeedbackResponse,
    MonitoringVisit,
    Question,
    Survey,
)
from indicators.engine import recompute_full
from indicators.selectors import value_as_of
from programmes.models import Contribution
from tests.factories import (
    DonorFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    governorate,
)
from tests.indicators.conftest import define, record
from tests.shared_data import built_for_module, for_test

Q1_END, Q2_END = dt.date(2018, 3, 31), dt.date(2018, 6, 30)
AS_OF_Q2 = {"as_of": "2018-06-30"}
MISSION = reverse("dashboards:mission")
# Session; the user with their profile, scope and unread notifications
# (``programmes.backends``); the data stamp (the cache key); the reference
# tables (programmes, donors, governorates, definitions: one query); the
# quarters; the running totals; the projects by sector; the feedback. A page
# must not grow with the number of governorates, programmes or rows.
MAX_QUERIES = 8
# Served again from the cache (tests/dashboards/test_cache.py): session, user
# and the stamp, whatever the page (the programme page's targets are cached too).
MAX_QUERIES_CACHED = 3


# The governorate page reads on top its projects list, the latest visits
# (with their photos and the open referrals) and its districts with their
# projects (the people its districts reached, when a project names a
# district, are ``test_district_map``'s); one more when the quarter has no
# visit to carry the open referrals.
MAX_QUERIES_GOVERNORATE = 11


def governorate_url(pcode: str) -> str:
    return reverse("dashboards:governorate", args=[pcode])


def programme_url(code: str) -> str:
    return reverse("dashboards:programme", args=[code])


def login(client, user):
    client.force_login(user)
    return client


SATISFACTION = [
    ["5", "Very satisfied"],
    ["4", "Satisfied"],
    ["3", "Neutral"],
    ["2", "Dissatisfied"],
    ["1", "Very dissatisfied"],
]


def field_visit(project, *, on: dt.date, monitor=None, status="approved") -> MonitoringVisit:
    """A monitoring visit to ``project``."""
    return MonitoringVisit.objects.create(
        project=project, monitor=monitor or UserFactory(), visit_date=on, status=status
    )


def feedback(project, *, on: dt.date, answers: dict, status="approved") -> FeedbackResponse:
    """A feedback response to the demo-like survey, ``answers`` by question code."""
    survey, _ = Survey.objects.get_or_create(code="satisfaction", defaults={"title": "Feedback"})
    response = FeedbackResponse.objects.create(
        survey=survey, project=project, collected_on=on, status=status
    )
    for position, code in enumerate(sorted(answers)):
        question, _ = Question.objects.get_or_create(
            survey=survey,
            code=code,
            defaults={
                "text": f"How {code}?",
                "kind": "likert",
                "choices": SATISFACTION,
                "position": position,
            },
        )
        Answer.objects.create(response=response, question=question, value=answers[code])
    return response


def stored(portfolio, code, *, as_of=Q2_END, **cut) -> Decimal | None:
    row = value_as_of(definition=portfolio["definitions"][code], as_of=as_of, **cut)
    return row.value if row else None


def headline(response, code: str) -> dict:
    return next(h for h in response.context["data"]["headlines"] if h["code"] == code)


def page_json(response) -> dict:
    """The chart data the page hands to dashboard.js, read from its json_script."""
    html = response.content.decode()
    start = html.index('<script id="dashboard-data" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


@pytest.fixture(scope="module")
def _portfolio_for_module(request, django_db_setup, django_db_blocker):
    """``portfolio_create()``'s data, built once for a module whose every test
    reads it (``tests/shared_data.py``); None in a module with a test that
    does not, which would find it there (an empty mission, say)."""
    module = request.module
    items = [item for item in request.session.items if getattr(item, "module", None) is module]
    if not all("portfolio" in item.fixturenames for item in items):
        yield None
        return
    yield from built_for_module(request, django_db_blocker, portfolio_create)


@pytest.fixture
def portfolio(_portfolio_for_module, db) -> dict:
    """``portfolio_create()``'s portfolio: a copy of the module's, or the
    test's own (``_portfolio_for_module``)."""
    return for_test(_portfolio_for_module, portfolio_create)


def portfolio_create() -> dict:
    """Two programmes, each funded by one donor: CRP (USA) in Kirkuk and
    Anbar, RRP (Canada) in Ninewa; assistance in Q1 and Q2 2018."""
    definitions = {
        "people-reached": define(
            "people-reached", source="assistance", measure="people", apply_multiplier=True
        ),
        "direct-recipients": define("direct-recipients", source="assistance", measure="people"),
        "projects": define("projects", source="projects", measure="records"),
        "projects-completed": define(
            "projects-completed",
            source="projects",
            measure="records",
            project_statuses=["completed"],
        ),
        "projects-ongoing": define(
            "projects-ongoing", source="projects", measure="records", project_statuses=["ongoing"]
        ),
        "contributions-usd": define("contributions-usd", source="contributions", measure="usd"),
    }
    usa, canada = DonorFactory(name="USA", code="USA"), DonorFactory(name="Canada", code="CAN")
    crp = ProgrammeFactory(code="CRP", name="Community Revitalization Programme")
    rrp = ProgrammeFactory(code="RRP", name="Rapid Recovery Programme")
    kirkuk, anbar, ninewa = governorate("IQG13"), governorate("IQG01"), governorate("IQG15")
    kirkuk_project = ProjectFactory(
        code="CRP-KRK-1", programme=crp, governorate=kirkuk, donor=usa, status="ongoing"
    )
    anbar_project = ProjectFactory(
        code="CRP-ANB-1", programme=crp, governorate=anbar, donor=usa, status="completed"
    )
    ninewa_project = ProjectFactory(
        code="RRP-NIN-1", programme=rrp, governorate=ninewa, donor=canada, status="completed"
    )
    record(
        kirkuk_project,
        on=dt.date(2018, 2, 15),
        households=10,
        people=12,
        recipients={("f", "18-59", "idp"): 7, ("m", "18-59", "idp"): 5},
    )
    record(
        kirkuk_project,
        on=dt.date(2018, 5, 10),
        households=20,
        people=20,
        recipients={("f", "18-59", "host"): 10, ("m", "18-59", "host"): 10},
    )
    # A small cell: three people in Anbar.
    record(
        anbar_project,
        on=dt.date(2018, 4, 3),
        households=1,
        people=3,
        size=3,
        recipients={("f", "18-59", "returnee"): 3},
    )
    record(
        ninewa_project,
        on=dt.date(2018, 2, 20),
        households=30,
        people=30,
        recipients={("f", "18-59", "refugee"): 16, ("m", "18-59", "refugee"): 14},
    )
    for donor, programme, amount in ((usa, crp, "700000"), (canada, rrp, "300000")):
        Contribution.objects.create(
            donor=donor,
            programme=programme,
            amount=Decimal(amount),
            amount_usd=Decimal(amount),
            date=dt.date(2018, 1, 10),
            period_start=dt.date(2018, 1, 1),
            period_end=dt.date(2018, 12, 31),
        )
    recompute_full()
    return {
        "definitions": definitions,
        "usa": usa,
        "canada": canada,
        "crp": crp,
        "rrp": rrp,
        "kirkuk": kirkuk,
        "anbar": anbar,
        "ninewa": ninewa,
    }
