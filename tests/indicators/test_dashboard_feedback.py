"""Beneficiary feedback on every dashboard: the distributions of the mission,
programme and governorate pages, and the average score of a numeric scale
("4.1 out of 5") beside them."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.breakdowns import feedback_average
from programmes.models import Project
from tests.factories import user_with_role
from tests.indicators.dashboards.helpers import (
    MISSION,
    _portfolio_for_module,  # noqa: F401 (the fixture's module half)
    feedback,
    governorate_url,
    login,
    page_json,
    portfolio,  # noqa: F401 (the fixture)
    programme_url,
)

pytestmark = pytest.mark.django_db

AS_OF = {"as_of": "2018-06-30"}


@pytest.fixture
def answers(portfolio):  # noqa: F811
    """Q2 2018: in Kirkuk (CRP) 9 × 5, 8 × 4 and 2 × 2; in Ninewa (RRP) one 1."""
    kirkuk = Project.objects.get(code="CRP-KRK-1")
    for value, n in (("5", 9), ("4", 8), ("2", 2)):
        for _ in range(n):
            feedback(kirkuk, on=dt.date(2018, 4, 10), answers={"satisfaction": value})
    feedback(
        Project.objects.get(code="RRP-NIN-1"),
        on=dt.date(2018, 4, 10),
        answers={"satisfaction": "1"},
    )


def test_the_mission_page_shows_every_distribution_with_its_average(client, answers):
    response = login(client, user_with_role("admin")).get(MISSION, AS_OF)
    (question,) = response.context["data"]["feedback"]
    # (9×5 + 8×4 + 2×2 + 1) / 20 = 4.1
    assert question["total"]["value"] == 20
    assert question["average"] == 4.1 and question["scale_max"] == 5
    html = response.content.decode()
    assert "Average score 4.1 out of 5" in html
    assert 'id="chart-feedback-0"' in html
    assert page_json(response)["feedback"][0]["average"] == 4.1


def test_the_programme_page_shows_its_own_projects_feedback(client, answers):
    login(client, user_with_role("admin"))
    crp = client.get(programme_url("CRP"), AS_OF)
    (question,) = crp.context["data"]["feedback"]
    # 81 / 19 = 4.26
    assert question["total"]["value"] == 19 and question["average"] == 4.3
    assert "Average score 4.3 out of 5" in crp.content.decode()
    rrp = client.get(programme_url("RRP"), AS_OF)
    assert rrp.context["data"]["feedback"][0]["average"] == 1.0
    assert "Average score 1.0 out of 5" in rrp.content.decode()


def test_the_governorate_page_shows_the_average_beside_the_distribution(client, answers):
    response = login(client, user_with_role("admin")).get(governorate_url("IQG13"), AS_OF)
    (question,) = response.context["data"]["feedback"]
    assert question["average"] == 4.3
    assert "Average score 4.3 out of 5" in response.content.decode()


def test_a_page_without_feedback_says_so(client, portfolio):  # noqa: F811
    response = login(client, user_with_role("admin")).get(programme_url("CRP"), AS_OF)
    assert response.context["data"]["feedback"] == []
    assert "No approved beneficiary feedback on these projects" in response.content.decode()


def test_a_manager_sees_only_the_feedback_of_their_programmes(client, portfolio, answers):  # noqa: F811
    manager = user_with_role("manager", programmes=[portfolio["crp"]])
    response = login(client, manager).get(MISSION, AS_OF)
    (question,) = response.context["data"]["feedback"]
    assert question["total"]["value"] == 19


def test_a_donor_sees_no_average_when_the_answers_are_too_few(client, portfolio):  # noqa: F811
    kirkuk = Project.objects.get(code="CRP-KRK-1")
    for _ in range(3):
        feedback(kirkuk, on=dt.date(2018, 4, 10), answers={"satisfaction": "5"})
    donor = user_with_role("donor", donor=portfolio["usa"])
    response = login(client, donor).get(MISSION, AS_OF)
    (question,) = response.context["data"]["feedback"]
    assert question["hidden"] and question["average"] is None
    assert "Average score" not in response.content.decode()


def test_only_a_numeric_scale_has_an_average():
    assert feedback_average([{"code": "yes", "count": 3}, {"code": "no", "count": 1}]) == (
        None,
        None,
    )
    assert feedback_average([{"code": "1", "count": 0}, {"code": "3", "count": 0}]) == (None, 3)
    assert feedback_average([{"code": "1", "count": 1}, {"code": "3", "count": 2}]) == (2.3, 3)


def test_aggregate_results_count_in_the_distribution_and_say_so(client, portfolio, answers):  # noqa: F811
    from beneficiaries.models import Question
    from beneficiaries.survey_results import SurveyResult, SurveyResultCount

    question = Question.objects.get(code="satisfaction")
    result = SurveyResult.objects.create(
        survey=question.survey,
        project=Project.objects.get(code="CRP-KRK-1"),
        collected_on=dt.date(2018, 5, 31),
        base=10,
    )
    SurveyResultCount.objects.create(result=result, question=question, value="5", count=10)
    response = login(client, user_with_role("admin")).get(programme_url("CRP"), AS_OF)
    (shown,) = response.context["data"]["feedback"]
    # 19 answers + 10 aggregate: (81 + 50) / 29 = 4.52
    assert shown["total"]["value"] == 29 and shown["aggregate"] is True
    assert shown["average"] == 4.5
    assert "includes aggregate survey results" in response.content.decode()
    assert page_json(response)["feedback"][0]["aggregate"] is True
    rrp = client.get(programme_url("RRP"), AS_OF).context["data"]["feedback"][0]
    assert rrp["aggregate"] is False
