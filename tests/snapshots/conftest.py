"""A small portfolio for the snapshot tests: one programme (RRP) funded by USA
and Canada, projects in Kirkuk and Ninewa, the snapshot's definitions, and
helpers to deliver records and rerun the indicator engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from beneficiaries.models import (
    Answer,
    FeedbackResponse,
    Photo,
    Question,
    ReviewStatus,
    Survey,
)
from indicators.engine import recompute_full
from programmes.models import Contribution, Programme, Project, UserProfile
from tests.factories import (
    ActivityTypeFactory,
    DonorFactory,
    MonitoringVisitFactory,
    ProgrammeFactory,
    ProjectFactory,
    SectorFactory,
    governorate,
    user_with_role,
)
from tests.indicators.conftest import define, record
from tests.shared_data import built_for_module, for_test

Q1, Q2, Q3 = dt.date(2018, 3, 31), dt.date(2018, 6, 30), dt.date(2018, 9, 30)

# A tiny valid PNG for photo files.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f1d7e40000000049454e44ae426082"
)


@dataclass
class World:
    programme: Programme
    other: Programme
    usa: object
    canada: object
    kirkuk: Project
    ninewa: Project
    school: Project
    bsp: object
    cfw: object
    definitions: dict

    def deliver(self, *, on: dt.date, activity=None, project=None, status="approved", **kw):
        return record(
            project or self.kirkuk, on=on, activity=activity or self.bsp, status=status, **kw
        )


def definitions() -> dict:
    """The figures a snapshot shows, as in the demo (indicators/demo.py)."""
    bsp = ActivityTypeFactory(code="business-support-package", name="Business support package")
    cfw = ActivityTypeFactory(code="cash-for-work", name="Cash for work", unit="person")
    found = {
        "people-reached": define(
            "people-reached", source="assistance", measure="people", apply_multiplier=True
        ),
        "direct-recipients": define("direct-recipients", source="assistance", measure="people"),
        "contributions-usd": define("contributions-usd", source="contributions", measure="usd"),
        "bsp-packages": define(
            "bsp-packages",
            source="assistance",
            measure="units",
            section="local_economies",
            activity_types=[bsp],
        ),
        "bsp-beneficiaries": define(
            "bsp-beneficiaries",
            source="assistance",
            measure="people",
            apply_multiplier=True,
            section="local_economies",
            activity_types=[bsp],
        ),
        "cash-for-work": define(
            "cash-for-work",
            source="assistance",
            measure="people",
            section="local_economies",
            activity_types=[cfw],
        ),
        "monitoring-visits": define(
            "monitoring-visits", source="visits", measure="records", section="accountability"
        ),
        "projects": define(
            "projects", source="projects", measure="records", section="social_services"
        ),
        "deliveries": define(
            "deliveries", source="assistance", measure="records", accumulation="periodic"
        ),
    }
    return {"bsp": bsp, "cfw": cfw, "definitions": found}


def build_world() -> World:
    defs = definitions()
    usa = DonorFactory(name="USA", code="USA")
    canada = DonorFactory(name="Canada", code="CAN")
    programme = ProgrammeFactory(code="RRP", name="Rapid Recovery Programme")
    other = ProgrammeFactory(code="CRP", name="Community Revitalization Programme")
    water = SectorFactory(code="water", name="Water and sanitation")
    education = SectorFactory(code="education", name="Education")
    kirkuk = ProjectFactory(
        programme=programme, governorate=governorate("IQG13"), donor=usa, sector=water
    )
    ninewa = ProjectFactory(
        programme=programme, governorate=governorate("IQG15"), donor=canada, sector=water
    )
    school = ProjectFactory(
        programme=programme,
        governorate=governorate("IQG15"),
        donor=usa,
        sector=education,
        status=Project.Status.COMPLETED,
    )
    for donor, amount in ((usa, "750000"), (canada, "250000")):
        Contribution.objects.create(
            donor=donor,
            programme=programme,
            amount=Decimal(amount),
            amount_usd=Decimal(amount),
            date=dt.date(2018, 1, 10),
            period_start=dt.date(2018, 1, 1),
            period_end=dt.date(2019, 12, 31),
        )
    return World(
        programme=programme,
        other=other,
        usa=usa,
        canada=canada,
        kirkuk=kirkuk,
        ninewa=ninewa,
        school=school,
        bsp=defs["bsp"],
        cfw=defs["cfw"],
        definitions=defs["definitions"],
    )


@pytest.fixture(scope="module")
def _world_for_module(request, django_db_setup, django_db_blocker):
    yield from built_for_module(request, django_db_blocker, build_world)


@pytest.fixture
def world(_world_for_module, db) -> World:
    """``build_world()``'s portfolio, built once for the module's tests
    (``tests/shared_data.py``)."""
    return for_test(_world_for_module, build_world)


def recompute() -> None:
    recompute_full()


def feedback(world: World, *, on: dt.date, answers: list[str]) -> Question:
    survey, _ = Survey.objects.get_or_create(code="satisfaction", title="Satisfaction")
    question, _ = Question.objects.get_or_create(
        survey=survey,
        code="satisfied",
        defaults={
            "text": "How satisfied are you with the assistance?",
            "kind": Question.Kind.LIKERT,
            "choices": [["5", "Very satisfied"], ["4", "Satisfied"], ["1", "Not satisfied"]],
        },
    )
    for value in answers:
        response = FeedbackResponse.objects.create(
            survey=survey, project=world.kirkuk, collected_on=on, status=ReviewStatus.APPROVED
        )
        Answer.objects.create(response=response, question=question, value=value)
    return question


def photo(world: World, *, on: dt.date, caption: str, status=ReviewStatus.APPROVED) -> Photo:
    visit = MonitoringVisitFactory(project=world.kirkuk, visit_date=on, status=status)
    item = Photo(visit=visit, caption=caption, credit="Thikra Al-Bayaty")
    item.image.save("shop.png", ContentFile(PNG), save=False)
    item.save()
    return item


@dataclass
class Users:
    admin: object
    manager: object
    outsider_manager: object
    monitor: object
    donor: object
    other_donor: object


def build_users(world: World) -> Users:
    """One user per role: the manager of RRP and one of another programme,
    a monitor in Kirkuk, a donor funding RRP (USA) and one funding nothing."""
    Role = UserProfile.Role
    return Users(
        admin=user_with_role(Role.ADMIN, username="ada"),
        manager=user_with_role(Role.MANAGER, username="alice", programmes=[world.programme]),
        outsider_manager=user_with_role(Role.MANAGER, username="bob", programmes=[world.other]),
        monitor=user_with_role(Role.MONITOR, username="mona", governorates=[governorate("IQG13")]),
        donor=user_with_role(Role.DONOR, username="usa", donor=world.usa),
        other_donor=user_with_role(Role.DONOR, username="japan", donor=DonorFactory(name="Japan")),
    )


@pytest.fixture(scope="module")
def _users_for_module(request, _world_for_module, django_db_blocker):
    yield from built_for_module(request, django_db_blocker, lambda: build_users(_world_for_module))


@pytest.fixture
def users(_users_for_module, world) -> Users:
    """``build_users()``, built once for the module's tests as the world is."""
    return for_test(_users_for_module, lambda: build_users(world))
