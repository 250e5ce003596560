"""A snapshot's feedback counts the aggregate survey results entered for its
projects, says so (``aggregate: true``) and averages them with the answers."""

from __future__ import annotations

import datetime as dt

import pytest

from beneficiaries.survey_results import SurveyResult, SurveyResultCount
from snapshots import authoring, services
from snapshots.build import snapshot_document
from tests.snapshots.conftest import feedback, recompute

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    monkeypatch.setattr(services, "_render", lambda payload, progress=None: b"%PDF-1.7")


def draft(world, users):
    series = authoring.series_create(
        programmes=[world.programme], cadence="monthly", user=users.manager
    )
    return authoring.snapshot_create(
        series=series, period_end=dt.date(2018, 4, 30), as_of=None, user=users.manager
    )


def payload_feedback(snapshot) -> list[dict]:
    payload, errors = snapshot_document(snapshot)
    assert errors == []
    return payload["feedback"]


def test_aggregate_results_count_and_are_marked(world, users):
    question = feedback(world, on=dt.date(2018, 4, 15), answers=["5", "1"])
    recompute()
    snapshot = draft(world, users)
    [plain] = payload_feedback(snapshot)
    assert plain["aggregate"] is False and plain["base"] == 2
    result = SurveyResult.objects.create(
        survey=question.survey, project=world.kirkuk, collected_on=dt.date(2018, 4, 20), base=8
    )
    SurveyResultCount.objects.create(result=result, question=question, value="4", count=8)
    [mixed] = payload_feedback(snapshot)
    assert mixed["aggregate"] is True and mixed["base"] == 10
    # (5 + 1 + 8 × 4) / 10 = 3.8
    assert (mixed["average"], mixed["scale_max"]) == (3.8, 5)
