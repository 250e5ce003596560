"""Reference data through the API: every role reads sectors, activity types,
surveys with their questions, definitions and multipliers; only
administrators write them."""

from __future__ import annotations

import pytest

from beneficiaries.models import ActivityType, Survey
from indicators.models import HouseholdMultiplier, IndicatorDefinition
from programmes.models import Sector

pytestmark = pytest.mark.django_db

WRITES = [
    ("/api/v1/sectors/", {"code": "health", "name": "Health"}),
    ("/api/v1/activity-types/", {"code": "cfw", "name": "Cash for work", "sectors": []}),
    ("/api/v1/surveys/", {"code": "exit", "title": "Exit survey", "questions": []}),
    (
        "/api/v1/indicator-definitions/",
        {"code": "boats", "name": "Boats", "source": "projects", "measure": "records"},
    ),
    ("/api/v1/household-multipliers/", {"effective_from": "2018-01-01", "value": 6}),
]


@pytest.mark.parametrize("who", ["maria", "alice", "dora"])
def test_other_roles_read_reference_data_but_cannot_write_it(world, api, who):
    client = api(world[who])
    for url, body in WRITES:
        assert client.post(url, body, format="json").status_code == 403, url
        assert client.get(url).status_code == 200, url
    renamed = client.patch("/api/v1/sectors/livelihoods/", {"name": "x"}, format="json")
    assert renamed.status_code == 403
    assert Sector.objects.get(code="livelihoods").name == "Livelihoods"
    questions = client.get("/api/v1/surveys/satisfaction/").json()["questions"]
    assert [q["code"] for q in questions] == ["satisfied"]
    assert not Survey.objects.filter(code="exit").exists()


def test_an_administrator_writes_every_kind_of_reference_data(world, api):
    admin = api(world["admin"])
    for url, body in WRITES:
        response = admin.post(url, body, format="json")
        assert response.status_code == 201, (url, response.content)
    assert Sector.objects.get(code="health").name == "Health"

    changed = admin.patch(
        "/api/v1/activity-types/cfw/", {"sectors": ["health", "livelihoods"]}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert sorted(changed.json()["sectors"]) == ["health", "livelihoods"]
    assert sorted(ActivityType.objects.get(code="cfw").sectors.values_list("code", flat=True)) == [
        "health",
        "livelihoods",
    ]

    definition = admin.patch(
        "/api/v1/indicator-definitions/boats/",
        {"sectors": ["livelihoods"], "project_statuses": ["completed"], "headline": True},
        format="json",
    )
    assert definition.status_code == 200, definition.content
    stored = IndicatorDefinition.objects.get(code="boats")
    assert stored.headline and stored.project_statuses == ["completed"]
    assert list(stored.sectors.values_list("code", flat=True)) == ["livelihoods"]
    assert stored.history.first().history_user == world["admin"]
    bad = admin.patch(
        "/api/v1/indicator-definitions/boats/", {"project_statuses": ["sunk"]}, format="json"
    )
    assert bad.status_code == 400 and "project_statuses" in bad.json()

    multiplier = HouseholdMultiplier.objects.get(effective_from="2018-01-01")
    assert multiplier.value == 6
    mid_month = admin.post(
        "/api/v1/household-multipliers/",
        {"effective_from": "2018-03-15", "value": 5},
        format="json",
    )
    assert mid_month.status_code == 400
    assert "first" in str(mid_month.json()["effective_from"])
    revalued = admin.patch(
        f"/api/v1/household-multipliers/{multiplier.pk}/", {"value": 7}, format="json"
    )
    assert revalued.status_code == 200 and revalued.json()["value"] == 7


def test_a_survey_is_written_with_its_questions(world, api):
    admin = api(world["admin"])
    likert = [["1", "Not at all"], ["2", "Somewhat"], ["3", "Very"]]
    body = {
        "code": "exit",
        "title": "Exit survey",
        "questions": [
            {"code": "useful", "text": "Was it useful?", "kind": "likert", "choices": likert},
            {"code": "again", "text": "Again?", "kind": "choice", "choices": [["y", "Yes"]]},
        ],
    }
    created = admin.post("/api/v1/surveys/", body, format="json")
    assert created.status_code == 201, created.content
    assert [q["code"] for q in created.json()["questions"]] == ["useful", "again"]

    # A changed text, a new question first; a question left out stays.
    changed = admin.patch(
        "/api/v1/surveys/exit/",
        {
            "questions": [
                {"code": "safe", "text": "Did you feel safe?", "kind": "likert", "choices": likert},
                {"code": "useful", "text": "Was it useful to you?"},
            ]
        },
        format="json",
    )
    assert changed.status_code == 200, changed.content
    questions = {q["code"]: q for q in admin.get("/api/v1/surveys/exit/").json()["questions"]}
    assert list(questions) == ["safe", "useful", "again"]
    assert questions["useful"]["text"] == "Was it useful to you?"

    bad = admin.patch(
        "/api/v1/surveys/exit/",
        {"questions": [{"code": "odd", "text": "?", "kind": "essay", "choices": []}]},
        format="json",
    )
    assert bad.status_code == 400 and "questions" in bad.json()
    twice = admin.patch(
        "/api/v1/surveys/exit/",
        {"questions": [body["questions"][0], body["questions"][0]]},
        format="json",
    )
    assert twice.status_code == 400 and "questions" in twice.json()
    assert not Survey.objects.get(code="exit").questions.filter(code="odd").exists()
