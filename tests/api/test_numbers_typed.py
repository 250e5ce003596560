"""Numbers sent as text typed on an Arabic or Kurdish keyboard are read as
the pages read them: Arabic-Indic and Persian digits, "٫" before the
fraction, "٬" or "," between thousands. A budget, an amount, a target and a
survey's figures alike; a comma that groups nothing is still refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from beneficiaries.models import SurveyResult
from indicators.models import Target
from programmes.models import Contribution, Project
from tests.api.test_manager_writes import GIVEN, PROJECT
from tests.api.test_survey_results import BODY as RESULT
from tests.api.test_survey_results import URL as RESULTS
from tests.api.test_targets import URL as TARGETS
from tests.api.test_targets import _body as target_body
from tests.api.test_targets import people  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_budget_and_an_amount_in_arabic_indic_digits(world, api):
    maria = api(world["maria"])
    created = maria.post(
        "/api/v1/projects/", {**PROJECT, "budget_usd": "٢٥٠٬٠٠٠٫٥٠"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert Project.objects.get(code="KRK-02").budget_usd == Decimal("250000.50")
    given = maria.post("/api/v1/contributions/", {**GIVEN, "amount": "۵,۰۰۰"}, format="json")
    assert given.status_code == 201, given.content
    assert Contribution.objects.get(pk=given.json()["id"]).amount == Decimal("5000")
    refused = maria.post("/api/v1/contributions/", {**GIVEN, "amount": "٥,٥"}, format="json")
    assert refused.status_code == 400 and "amount" in refused.json()


def test_a_target_and_survey_figures_in_arabic_indic_digits(world, api, people):  # noqa: F811
    maria = api(world["maria"])
    target = maria.post(TARGETS, target_body(value="١٬٢٠٠٫٥"), format="json")
    assert target.status_code == 201, target.content
    assert Target.objects.get().value == Decimal("1200.5")
    body = {
        **RESULT,
        "base": "٢٧٣",
        "answers": {"satisfied": {"3": "٤٦", "2": "٣٨٫٥", "1": "١٥٫٥"}},
    }
    result = maria.post(RESULTS, body, format="json")
    assert result.status_code == 201, result.content
    assert SurveyResult.objects.get().base == 273
    assert result.json()["answers"] == {"satisfied": {"3": 126, "2": 105, "1": 42}}
