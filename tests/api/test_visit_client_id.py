"""A visit sent from a phone carries the phone's id for it (``client_id``):
a send retried after a lost answer returns the visit made the first time,
never a second one, with its lines saved once."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from beneficiaries.models import AssistanceRecord, MonitoringVisit
from tests.api.conftest import DAY

pytestmark = pytest.mark.django_db


def body(world, client_id, **changes) -> dict:
    return {
        "client_id": str(client_id),
        "project": world["krk"].pk,
        "visit_date": DAY.isoformat(),
        "findings": "Bakery open.",
        "lines": [
            {"activity_type": world["bsp"].pk, "units": 3, "households": 3, "people": 5},
            {"activity_type": world["bsp"].pk, "units": 1, "households": 1, "people": 2},
        ],
        **changes,
    }


def test_a_retried_send_returns_the_same_visit(world, api):
    client, client_id = api(world["alice"]), uuid.uuid4()
    first = client.post("/api/v1/visits/", body(world, client_id), format="json")
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/visits/", body(world, client_id), format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["client_id"] == str(client_id)
    visit = MonitoringVisit.objects.get(client_id=client_id)
    assert AssistanceRecord.objects.filter(visit=visit).count() == 2  # not four


def test_a_new_visit_can_be_submitted_with_its_lines(world, api):
    response = api(world["alice"]).post(
        "/api/v1/visits/", body(world, uuid.uuid4(), submit=True), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"


def test_a_refused_visit_saves_nothing_and_can_be_sent_again(world, api):
    client, client_id = api(world["alice"]), uuid.uuid4()
    bad = body(world, client_id)
    bad["lines"][0]["households"] = 9  # more households than people
    assert client.post("/api/v1/visits/", bad, format="json").status_code == 400
    assert not MonitoringVisit.objects.filter(findings="Bakery open.").exists()
    response = client.post("/api/v1/visits/", body(world, client_id), format="json")
    assert response.status_code == 201


def test_a_line_refused_is_named_by_its_place_in_the_list(world, api):
    # The phone shows each message by the field of the line it typed.
    from tests.factories import ActivityTypeFactory, SectorFactory

    boats = ActivityTypeFactory(code="boats", name="Fishing boats")
    boats.sectors.set([SectorFactory(code="fisheries", name="Fisheries")])
    data = body(world, uuid.uuid4())
    data["lines"][1]["activity_type"] = boats.pk
    data["lines"][0]["households"] = 9  # more households than people
    response = api(world["alice"]).post("/api/v1/visits/", data, format="json")
    assert response.status_code == 400
    first, second = response.json()["lines"]
    assert list(first) == ["households"]
    assert (
        "“Fishing boats” is not delivered in the Livelihoods sector" in second["activity_type"][0]
    )
    assert not MonitoringVisit.objects.filter(findings="Bakery open.").exists()


def test_another_users_id_is_refused_and_reveals_nothing(world, api):
    client_id = uuid.uuid4()
    api(world["alice"]).post("/api/v1/visits/", body(world, client_id), format="json")
    response = api(world["admin"]).post("/api/v1/visits/", body(world, client_id), format="json")
    assert response.status_code == 400 and "client_id" in response.json()
    assert "Bakery" not in response.content.decode()
    assert MonitoringVisit.objects.filter(findings="Bakery open.").count() == 1


def test_a_new_visit_carries_its_referrals_and_feedback(world, api):
    from beneficiaries.models import Question, Referral, Survey

    survey = Survey.objects.create(code="sat", title="Satisfaction")
    question = Question.objects.create(
        survey=survey,
        code="sat",
        text="Satisfied?",
        kind=Question.Kind.LIKERT,
        choices=[["5", "Very satisfied"], ["4", "Satisfied"]],
    )
    data = body(
        world,
        uuid.uuid4(),
        referrals=[{"issue": "Pump broken", "referred_to": "Water directorate"}],
        feedback=[{"survey": survey.pk, "sex": "f", "answers": {str(question.pk): "5"}}],
    )
    response = api(world["alice"]).post("/api/v1/visits/", data, format="json")
    assert response.status_code == 201, response.content
    visit = MonitoringVisit.objects.get(pk=response.json()["id"])
    assert Referral.objects.get(visit=visit).referred_to == "Water directorate"
    answer = visit.feedback.get().answers.get()
    assert (answer.question, answer.value) == (question, "5")


def test_feedback_naming_a_question_of_no_survey_is_a_400(world, api):
    from beneficiaries.models import Survey

    survey = Survey.objects.create(code="sat", title="Satisfaction")
    data = body(world, uuid.uuid4(), feedback=[{"survey": survey.pk, "answers": {"999999": "5"}}])
    response = api(world["alice"]).post("/api/v1/visits/", data, format="json")
    assert response.status_code == 400 and "999999" in response.content.decode()
    assert not MonitoringVisit.objects.filter(findings="Bakery open.").exists()


def test_a_sent_line_keeps_its_own_day_and_crossing_cells(world, api):
    """What a phone's queue sends is what the form would save: a backdated
    line keeps its day and a line's crossing cells are not dropped."""
    sent = body(world, uuid.uuid4())
    earlier = dt.date(2018, 2, 15)  # in the visit's quarter, before its day
    sent["lines"][0].update(
        {"delivered_on": earlier.isoformat(), "f_18_59_idp": 2, "m_18_59_idp": 1}
    )
    response = api(world["alice"]).post("/api/v1/visits/", sent, format="json")
    assert response.status_code == 201, response.content
    first, second = AssistanceRecord.objects.filter(visit_id=response.json()["id"]).order_by("pk")
    assert first.delivered_on == earlier and second.delivered_on == DAY
    assert (first.f_18_59_idp, first.m_18_59_idp) == (2, 1)
    assert (first.sex_f, first.sex_m, first.pop_idp) == (2, 1, 3)  # the cells' sums
    assert (second.sex_f, second.pop_idp) == (None, None)  # not recorded
