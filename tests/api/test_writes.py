"""Writes over the API: reference data by administrators, visits and their
lines by field staff through the services, the review workflow as actions,
and bad input answered with a 400 by field, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest

from beneficiaries.models import AssistanceRecord, FeedbackResponse, MonitoringVisit
from programmes.models import Contribution, Donor, Project
from tests.api.conftest import DAY, MEN_HOST, WOMEN_IDP, visit_with_line

pytestmark = pytest.mark.django_db

PROJECT = {
    "code": "KRK-02",
    "name": "Water network",
    "programme": "CRP",
    "governorate": "IQG13",
    "sector": "livelihoods",
    "kind": "infrastructure",
    "status": "ongoing",
    "donor": "USA",
    "start_date": "2018-01-01",
    "budget_usd": "250000.00",
}


def visit_url(pk, action: str = "") -> str:
    return f"/api/v1/visits/{pk}/" + (f"{action}/" if action else "")


# --- Reference data -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "dora"])
def test_only_administrators_write_reference_data(world, api, who):
    # Managers write their own programmes' projects: test_manager_writes.
    client = api(world[who])
    assert client.post("/api/v1/projects/", PROJECT, format="json").status_code == 403
    assert client.post("/api/v1/donors/", {"code": "SWE"}, format="json").status_code == 403
    krk = world["krk"].pk
    response = client.patch(f"/api/v1/projects/{krk}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 403
    assert Project.objects.get(pk=krk).name == "Bakery grants"


def test_a_project_out_of_scope_cannot_even_be_addressed(world, api):
    response = api(world["maria"]).patch(
        f"/api/v1/projects/{world['bsr'].pk}/", {"name": "x"}, format="json"
    )
    assert response.status_code == 404


def test_an_administrator_creates_and_changes_a_project(world, api):
    client = api(world["admin"])
    response = client.post("/api/v1/projects/", PROJECT, format="json")
    assert response.status_code == 201, response.content
    project = Project.objects.get(code="KRK-02")
    assert project.governorate.pcode == "IQG13" and project.donor.code == "USA"
    response = client.patch(
        f"/api/v1/projects/{project.pk}/", {"status": "completed"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    assert project.history.first().history_user == world["admin"]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"governorate": "IQG99"}, "governorate"),  # unknown governorate
        ({"governorate": "Atlantis"}, "governorate"),
        ({"budget_usd": "-5"}, "budget_usd"),  # negative
        ({"budget_usd": "lots"}, "budget_usd"),  # wrong type
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": "2015-01-01"}, "start_date"),  # before its programme
        ({"end_date": "2017-01-01"}, "non_field_errors"),  # before its start
        ({"code": "KRK-01"}, "code"),  # taken
        ({"kind": "castle"}, "kind"),
        ({"programme": ["CRP"]}, "programme"),
    ],
)
def test_a_bad_project_is_a_400_by_field(world, api, changes, field):
    response = api(world["admin"]).post("/api/v1/projects/", {**PROJECT, **changes}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Project.objects.filter(code="KRK-02").exists()


def test_contributions_are_checked_and_deleted_by_administrators(world, api):
    client = api(world["admin"])
    body = {
        "donor": "CAN",
        "programme": "CRP",
        "amount_usd": "0",
        "date": "2018-05-01",
        "period_start": "2018-05-01",
        "period_end": "2018-04-01",
    }
    response = client.post("/api/v1/contributions/", body, format="json")
    assert response.status_code == 400
    assert "amount_usd" in response.json()
    response = client.post(
        "/api/v1/contributions/", {**body, "amount_usd": "1000.50"}, format="json"
    )
    assert response.status_code == 400 and "non_field_errors" in response.json()
    response = client.post(
        "/api/v1/contributions/",
        {**body, "amount_usd": "1000.50", "period_end": "2018-12-31"},
        format="json",
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    assert api(world["dora"]).delete(f"/api/v1/contributions/{pk}/").status_code == 404
    assert client.delete(f"/api/v1/contributions/{pk}/").status_code == 204
    assert not Contribution.objects.filter(pk=pk).exists()


def test_donors_and_programmes_are_created_with_their_checks(world, api):
    client = api(world["admin"])
    assert (
        client.post("/api/v1/donors/", {"code": "SWE", "name": "Sweden"}, format="json").status_code
        == 201
    )
    assert Donor.objects.filter(code="SWE").exists()
    response = client.post(
        "/api/v1/donors/", {"code": "SWE", "name": "Sweden again"}, format="json"
    )
    assert response.status_code == 400 and "code" in response.json()
    response = client.post(
        "/api/v1/programmes/",
        {
            "code": "EDF",
            "name": "Enterprise Development Fund",
            "outcome_area": "local_economies",
            "start_date": "2019-01-01",
            "end_date": "2018-01-01",
        },
        format="json",
    )
    assert response.status_code == 400 and "non_field_errors" in response.json()


# --- Visits and the workflow ---------------------------------------------------------


def test_a_monitor_records_a_visit_in_their_governorate(world, api):
    client = api(world["alice"])
    body = {"project": world["krk"].pk, "visit_date": DAY.isoformat(), "findings": "Open."}
    response = client.post("/api/v1/visits/", body, format="json")
    assert response.status_code == 201, response.content
    visit = MonitoringVisit.objects.get(pk=response.json()["id"])
    assert visit.monitor == world["alice"] and visit.status == "draft"
    response = client.patch(visit_url(visit.pk), {"findings": "Closed."}, format="json")
    assert response.status_code == 200
    assert response.json()["findings"] == "Closed."


def test_a_visit_outside_ones_governorates_is_refused_without_a_hint(world, api):
    body = {"project": world["krk"].pk, "visit_date": DAY.isoformat()}
    response = api(world["oscar"]).post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400
    # The same message as for a project that does not exist.
    missing = api(world["oscar"]).post(
        "/api/v1/visits/", {**body, "project": 999999}, format="json"
    )
    assert response.json()["project"][0].replace(str(world["krk"].pk), "N") == missing.json()[
        "project"
    ][0].replace("999999", "N")


@pytest.mark.parametrize("who, code", [("maria", 403), ("dora", 403), ("admin", 201)])
def test_who_records_visits(world, api, who, code):
    body = {"project": world["krk"].pk, "visit_date": DAY.isoformat()}
    assert api(world[who]).post("/api/v1/visits/", body, format="json").status_code == code


def test_a_visit_in_the_future_is_a_400_on_its_date(world, api):
    body = {"project": world["krk"].pk, "visit_date": (dt.date.today() + dt.timedelta(days=9))}
    response = api(world["alice"]).post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400
    assert "visit_date" in response.json()


def test_the_whole_workflow(world, api):
    draft = visit_with_line(world, monitor="alice", project=world["krk"], status="draft")
    alice, maria = api(world["alice"]), api(world["maria"])
    assert maria.post(visit_url(draft.pk, "approve")).status_code == 404  # a draft is hers
    response = alice.post(visit_url(draft.pk, "submit"))
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert alice.patch(visit_url(draft.pk), {"findings": "x"}, format="json").status_code == 404
    response = maria.post(visit_url(draft.pk, "return"), {"reason": "  "}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = maria.post(visit_url(draft.pk, "return"), {"reason": "Count again."}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    assert response.json()["return_reason"] == "Count again."
    assert alice.post(visit_url(draft.pk, "submit")).status_code == 200
    response = maria.post(visit_url(draft.pk, "approve"))
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["reviewed_by"] == "maria"
    assert AssistanceRecord.objects.get(visit=draft).status == "approved"
    # Approving twice is a 400 with the service's message, not a 500.
    response = maria.post(visit_url(draft.pk, "approve"))
    assert response.status_code == 400
    assert "waiting for review" in response.json()["non_field_errors"][0]


@pytest.mark.parametrize(
    "who, action",
    [
        ("mark", "approve"),  # a manager out of scope
        ("mark", "return"),
        ("alice", "approve"),  # her own visit
        ("oscar", "approve"),  # a monitor elsewhere
        ("dora", "approve"),  # a donor funding the project
        ("oscar", "submit"),
        ("maria", "submit"),  # not hers
    ],
)
def test_workflow_actions_out_of_scope_are_not_found(world, api, who, action):
    visit = world["visit_krk"]
    response = api(world[who]).post(visit_url(visit.pk, action), {"reason": "x"}, format="json")
    assert response.status_code == 404
    visit.refresh_from_db()
    assert visit.status == "submitted"


def test_workflow_actions_need_a_signed_in_user(world, api):
    assert api().post(visit_url(world["visit_krk"].pk, "approve")).status_code == 401


# --- Assistance lines -----------------------------------------------------------------


def line(world, visit, **changes) -> dict:
    return {
        "visit": visit.pk,
        "activity_type": "bsp",
        "units": 2,
        "households": 2,
        "people": 5,
        WOMEN_IDP: 2,
        MEN_HOST: 3,
        **changes,
    }


def test_a_monitor_adds_changes_and_removes_lines_of_a_draft(world, api):
    draft = visit_with_line(world, monitor="alice", project=world["krk"], status="draft")
    client = api(world["alice"])
    response = client.post("/api/v1/assistance-records/", line(world, draft), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["project"] == "KRK-01" and created["status"] == "draft"
    assert created[WOMEN_IDP] == 2 and created["delivered_on"] == DAY.isoformat()
    url = f"/api/v1/assistance-records/{created['id']}/"
    response = client.patch(url, {"people": 7}, format="json")
    assert response.status_code == 200 and response.json()["people"] == 7
    assert response.json()[MEN_HOST] == 3  # kept
    assert client.delete(url).status_code == 204
    assert not AssistanceRecord.objects.filter(pk=created["id"]).exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"households": 9}, "households"),  # more households than people
        ({"people": -1}, "people"),
        ({"units": "many"}, "units"),
        ({"household_size": 31}, "household_size"),
        ({WOMEN_IDP: 20}, "people"),  # breakdown above people
        ({"activity_type": "rocket"}, "activity_type"),
        ({"units": 2**40}, "units"),
    ],
)
def test_a_bad_line_is_a_400_by_field(world, api, changes, field):
    draft = visit_with_line(world, monitor="alice", project=world["krk"], status="draft")
    response = api(world["alice"]).post(
        "/api/v1/assistance-records/", line(world, draft, **changes), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_lines_of_others_or_of_submitted_visits_cannot_change(world, api):
    draft = visit_with_line(world, monitor="alice", project=world["krk"], status="draft")
    response = api(world["oscar"]).post(
        "/api/v1/assistance-records/", line(world, draft), format="json"
    )
    assert response.status_code == 400 and "visit" in response.json()
    submitted_line = world["line_krk"]
    url = f"/api/v1/assistance-records/{submitted_line.pk}/"
    assert api(world["maria"]).patch(url, {"people": 9}, format="json").status_code == 403
    assert api(world["oscar"]).patch(url, {"people": 9}, format="json").status_code == 404
    response = api(world["alice"]).patch(url, {"people": 9}, format="json")
    assert response.status_code == 400
    assert "no longer be changed" in response.json()["non_field_errors"][0]
    assert AssistanceRecord.objects.get(pk=submitted_line.pk).people == 6


# --- Feedback --------------------------------------------------------------------------


def feedback(world, visit, **changes) -> dict:
    return {
        "visit": visit.pk,
        "survey": "satisfaction",
        "sex": "m",
        "answers": [{"question": "satisfied", "value": "2"}],
        **changes,
    }


def test_a_monitor_records_feedback_on_a_draft_visit(world, api):
    draft = visit_with_line(world, monitor="alice", project=world["krk"], status="draft")
    client = api(world["alice"])
    response = client.post("/api/v1/feedback-responses/", feedback(world, draft), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["project"] == "KRK-01" and created["status"] == "draft"
    assert created["collected_on"] == DAY.isoformat()
    assert created["answers"] == [{"question": "satisfied", "value": "2"}]
    url = f"/api/v1/feedback-responses/{created['id']}/"
    response = client.patch(url, {"age_group": "18-59"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["answers"] == [{"question": "satisfied", "value": "2"}]  # kept
    response = client.patch(
        url, {"answers": [{"question": "satisfied", "value": "3"}]}, format="json"
    )
    assert FeedbackResponse.objects.get(pk=created["id"]).answers.get().value == "3"
    assert client.delete(url).status_code == 204
    assert not FeedbackResponse.objects.filter(pk=created["id"]).exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"answers": [{"question": "satisfied", "value": "9"}]}, "answers"),
        ({"answers": [{"question": "weather", "value": "1"}]}, "answers"),
        ({"answers": []}, "non_field_errors"),  # nothing answered
        ({"sex": "x"}, "sex"),
        ({"survey": "nope"}, "survey"),
    ],
)
def test_bad_feedback_is_a_400_by_field(world, api, changes, field):
    draft = visit_with_line(world, monitor="alice", project=world["krk"], status="draft")
    response = api(world["alice"]).post(
        "/api/v1/feedback-responses/", feedback(world, draft, **changes), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_feedback_of_others_or_of_submitted_visits_cannot_change(world, api):
    draft = visit_with_line(world, monitor="alice", project=world["krk"], status="draft")
    body = feedback(world, draft)
    for who in ("oscar", "maria", "dora"):
        response = api(world[who]).post("/api/v1/feedback-responses/", body, format="json")
        assert response.status_code in (400, 403), who
        assert draft.feedback.count() == 1
    url = f"/api/v1/feedback-responses/{world['feedback_krk'].pk}/"
    assert api(world["maria"]).patch(url, {"sex": "m"}, format="json").status_code == 403
    assert api(world["oscar"]).patch(url, {"sex": "m"}, format="json").status_code == 404
    response = api(world["alice"]).patch(url, {"sex": "m"}, format="json")
    assert response.status_code == 400
    assert "no longer be changed" in response.json()["non_field_errors"][0]


# --- Whatever the body ----------------------------------------------------------------


def test_a_ten_megabyte_body_is_413_not_500(world, api):
    body = '{"findings": "' + "x" * (10 * 1024 * 1024) + '"}'
    response = api(world["alice"]).post("/api/v1/visits/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("{not json", "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"a string"', "application/json"),
        ("project=1", "application/x-www-form-urlencoded"),
        ("\xff\xfe", "application/json"),
    ],
)
def test_malformed_bodies_are_4xx(world, api, body, content_type):
    response = api(world["alice"]).post("/api/v1/visits/", body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert response.status_code != 404


def test_a_malformed_id_is_not_found(world, api):
    client = api(world["admin"])
    for url in ("/api/v1/visits/abc/", "/api/v1/projects/99999999999999999999/"):
        assert client.get(url).status_code == 404
    assert client.post("/api/v1/visits/abc/approve/").status_code == 404
