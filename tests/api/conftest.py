"""The API tests' world: two halves of a portfolio, each with its standing
users per role, and API clients signed in as any of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from beneficiaries import services
from beneficiaries.models import MonitoringVisit, Question, Survey, recipient_field
from programmes.models import Contribution
from tests.factories import (
    ActivityTypeFactory,
    DonorFactory,
    ProgrammeFactory,
    ProjectFactory,
    SectorFactory,
    UserFactory,
    governorate,
    user_with_role,
)
from tests.shared_data import built_for_module, for_test

DAY = dt.date(2018, 3, 1)
WOMEN_IDP = recipient_field("f", "18-59", "idp")
MEN_HOST = recipient_field("m", "18-59", "host")

# Who sees the Kirkuk half (CRP, funded by USA) and who the Basra half (RRP,
# funded by Canada): the managers, monitors and donors of each half.
KIRKUK_SIDE = {"maria", "alice", "dora"}
BASRA_SIDE = {"mark", "oscar", "carl"}
USERS = ["admin", "maria", "mark", "alice", "oscar", "dora", "carl"]


def visit_with_line(world, *, monitor: str, project, status: str = "submitted") -> MonitoringVisit:
    """A visit by ``monitor`` with one line of assistance (4 packages, 6
    people, 3 of them displaced women) and one feedback response (a woman,
    very satisfied), moved to ``status``."""
    user = world[monitor]
    visit = services.visit_create(
        user=user, project=project, visit_date=DAY, findings="Shops open."
    )
    services.assistance_line_save(
        visit=visit,
        user=user,
        activity_type=world["bsp"],
        units=4,
        households=4,
        people=6,
        household_size=None,
        recipients={WOMEN_IDP: 3},
    )
    survey = world["survey"]
    services.feedback_response_save(
        visit=visit,
        user=user,
        survey=survey,
        answers={survey.questions.get(code="satisfied"): "3"},
        sex="f",
    )
    reviewer = world["maria"] if project == world["krk"] else world["mark"]
    if status in ("submitted", "approved", "returned"):
        services.visit_submit(visit=visit, user=user)
    if status == "approved":
        services.visit_approve(visit=visit, user=reviewer)
    if status == "returned":
        services.visit_return(visit=visit, user=reviewer, reason="Check the units.")
    visit.refresh_from_db()
    return visit


def build_world() -> dict:
    """Kirkuk: project KRK-01 of CRP, funded by USA; Basra: BSR-01 of RRP,
    funded by Canada. Users: the administrator ``admin``; the managers maria
    (CRP) and mark (RRP); the monitors alice (Kirkuk) and oscar (Basra); the
    donors dora (USA) and carl (Canada); ``nobody`` has no role. A submitted
    visit with one assistance line and one feedback response in each half,
    and a contribution to each programme."""
    livelihoods = SectorFactory(code="livelihoods", name="Livelihoods")
    bsp = ActivityTypeFactory(code="bsp", name="Business support package")
    bsp.sectors.set([livelihoods])
    kirkuk, basra = governorate("IQG13"), governorate("IQG02")
    usa = DonorFactory(code="USA", name="United States")
    canada = DonorFactory(code="CAN", name="Canada")
    crp = ProgrammeFactory(code="CRP", name="Community Revitalization Programme")
    rrp = ProgrammeFactory(code="RRP", name="Rapid Recovery Programme")
    krk = ProjectFactory(
        code="KRK-01",
        name="Bakery grants",
        programme=crp,
        governorate=kirkuk,
        donor=usa,
        sector=livelihoods,
        start_date=dt.date(2017, 1, 1),
        end_date=dt.date(2020, 12, 31),
    )
    bsr = ProjectFactory(
        code="BSR-01",
        name="Fishing boats",
        programme=rrp,
        governorate=basra,
        donor=canada,
        sector=livelihoods,
        start_date=dt.date(2017, 1, 1),
    )
    world = {
        "bsp": bsp,
        "livelihoods": livelihoods,
        "kirkuk": kirkuk,
        "basra": basra,
        "usa": usa,
        "canada": canada,
        "crp": crp,
        "rrp": rrp,
        "krk": krk,
        "bsr": bsr,
        "admin": user_with_role("admin", username="admin"),
        "maria": user_with_role("manager", username="maria", programmes=[crp]),
        "mark": user_with_role("manager", username="mark", programmes=[rrp]),
        "alice": user_with_role("monitor", username="alice", governorates=[kirkuk]),
        "oscar": user_with_role("monitor", username="oscar", governorates=[basra]),
        "dora": user_with_role("donor", username="dora", donor=usa),
        "carl": user_with_role("donor", username="carl", donor=canada),
        "nobody": UserFactory(username="nobody"),
    }
    world["contribution_usa"] = Contribution.objects.create(
        donor=usa,
        programme=crp,
        amount=Decimal("700000"),
        amount_usd=Decimal("700000"),
        date=dt.date(2018, 1, 10),
        period_start=dt.date(2018, 1, 1),
        period_end=dt.date(2018, 12, 31),
    )
    world["contribution_can"] = Contribution.objects.create(
        donor=canada,
        programme=rrp,
        amount=Decimal("300000"),
        amount_usd=Decimal("300000"),
        date=dt.date(2018, 2, 10),
        period_start=dt.date(2018, 1, 1),
        period_end=dt.date(2018, 12, 31),
    )
    survey = Survey.objects.create(code="satisfaction", title="Satisfaction")
    Question.objects.create(
        survey=survey,
        code="satisfied",
        text="How satisfied are you?",
        kind=Question.Kind.LIKERT,
        choices=[["1", "Not at all"], ["2", "Somewhat"], ["3", "Very"]],
    )
    world["survey"] = survey
    world["visit_krk"] = visit_with_line(world, monitor="alice", project=krk)
    world["visit_bsr"] = visit_with_line(world, monitor="oscar", project=bsr)
    world["line_krk"] = world["visit_krk"].assistance.get()
    world["line_bsr"] = world["visit_bsr"].assistance.get()
    world["feedback_krk"] = world["visit_krk"].feedback.get()
    world["feedback_bsr"] = world["visit_bsr"].feedback.get()
    return world


@pytest.fixture(scope="module")
def _world_for_module(request, django_db_setup, django_db_blocker):
    yield from built_for_module(request, django_db_blocker, build_world)


@pytest.fixture
def world(_world_for_module, db) -> dict:
    """``build_world()``'s data, built once for the module's tests
    (``tests/shared_data.py``): each test changes it in its own transaction
    and on its own copy of the objects."""
    return for_test(_world_for_module, build_world)


@pytest.fixture
def api():
    """``api(user)``: an API client signed in as ``user`` (None: anonymous)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
