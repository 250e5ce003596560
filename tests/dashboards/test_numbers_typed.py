"""A manager on an Arabic or Kurdish keyboard types a project's budget, a
contribution's amount and a survey's figures in Arabic-Indic or Persian
digits, with "٫" before the fraction and "٬" between thousands: the boxes
are text boxes with the decimal keyboard (a number box refuses those digits
in the browser) and the figures are saved as typed. A file of survey
results written that way is read too."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from beneficiaries.survey_results import SurveyResult
from programmes.models import Contribution, ExchangeRate, Project
from tests.api.conftest import _world_for_module, world  # noqa: F401 (the fixtures)
from tests.beneficiaries.test_survey_result_page import URL as RESULTS
from tests.beneficiaries.test_survey_result_page import post as result_body
from tests.dashboards.test_funding_pages import given, project_body, url

pytestmark = pytest.mark.django_db


def _decimal_box(html: str, name: str) -> bool:
    return f'type="text" name="{name}"' in html and 'inputmode="decimal"' in html


def test_a_budget_and_an_amount_typed_in_arabic_indic_digits(client, world):  # noqa: F811
    ExchangeRate.objects.create(currency="EUR", valid_from="2018-01-01", usd_per_unit=Decimal(2))
    client.force_login(world["maria"])
    assert _decimal_box(client.get(url("project_new", "CRP")).content.decode(), "budget_usd")
    response = client.post(url("project_new", "CRP"), project_body(world, budget_usd="٢٥٠٬٠٠٠٫٥"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Project.objects.get(code="KRK-02").budget_usd == Decimal("250000.50")

    assert _decimal_box(client.get(url("contribution_new", "CRP")).content.decode(), "amount")
    response = client.post(url("contribution_new", "CRP"), given(world, amount="۱,۰۰۰٫۲۵"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    contribution = Contribution.objects.get(reference="EU-1")
    assert (contribution.amount, contribution.amount_usd) == (
        Decimal("1000.25"),
        Decimal("2000.50"),
    )


def test_survey_figures_typed_or_filed_in_arabic_indic_digits(client, world):  # noqa: F811
    client.force_login(world["maria"])
    assert _decimal_box(client.get(RESULTS).content.decode(), "q__satisfied__3")
    typed = result_body(
        world, base="٢٧٣", q__satisfied__3="٤٥٫٥", q__satisfied__2="٣٨٫٥", q__satisfied__1="١٦"
    )
    assert client.post(RESULTS, typed).status_code == 302
    result = SurveyResult.objects.get()
    assert {c.value: c.count for c in result.counts.all()} == {"3": 124, "2": 105, "1": 44}

    result.delete()
    upload = SimpleUploadedFile(
        "pdm.csv", "question,option,value\nsatisfied,3,٤٥٫٥\nsatisfied,2,٥٤٫٥\n".encode()
    )
    filed = {k: v for k, v in result_body(world).items() if not k.startswith("q__")}
    assert client.post(RESULTS, {**filed, "file": upload}).status_code == 302
    result = SurveyResult.objects.get()
    assert {c.value: c.count for c in result.counts.all()} == {"3": 124, "2": 149}
