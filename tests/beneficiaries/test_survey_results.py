"""Aggregate survey results: entered by counts or by percentages of their
base, by managers in scope and administrators, checked, with history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from beneficiaries import services
from beneficiaries.survey_results import SurveyResult, SurveyResultCount
from tests.api.conftest import _world_for_module, world  # noqa: F401 (the fixtures)

pytestmark = pytest.mark.django_db
ON = dt.date(2018, 5, 31)


def enter(world, who="maria", project="krk", **changes):  # noqa: F811
    kwargs = {
        "user": world[who],
        "survey": world["survey"],
        "project": world[project],
        "collected_on": ON,
        "base": 273,
        "answers": {"satisfied": {"3": Decimal("46"), "2": Decimal("38"), "1": Decimal("16")}},
        "as_shares": True,
        **changes,
    }
    return services.survey_result_save(**kwargs)


def counts(result) -> dict[str, int]:
    return {c.value: c.count for c in result.counts.all()}


def test_percentages_become_counts_that_add_up_to_the_base(world):  # noqa: F811
    result = enter(world)
    # 273 × 46% = 125.58, × 38% = 103.74, × 16% = 43.68: the whole parts
    # give 271, the two largest remainders (.74, .68) one more each.
    assert counts(result) == {"3": 125, "2": 104, "1": 44}
    assert sum(counts(result).values()) == 273
    assert result.entered_by == world["maria"]
    assert result.history.count() == 1
    assert SurveyResultCount.history.count() == 3


@pytest.mark.parametrize(
    "base, shares, expected",
    [
        (273, {"a": 46, "b": 54}, {"a": 126, "b": 147}),
        (10, {"a": Decimal("33.3"), "b": Decimal("33.3"), "c": Decimal("33.4")}, None),
        (273, {"a": 99}, {"a": 270}),
    ],
)
def test_the_rounding_percentages_imply(base, shares, expected):
    found = services.counts_from_shares(base, {k: Decimal(v) for k, v in shares.items()})
    if expected is None:  # thirds of 10: 3, 3, 4 (the largest remainder, c)
        expected = {"a": 3, "b": 3, "c": 4}
    assert found == expected


def test_counts_are_taken_as_given(world):  # noqa: F811
    result = enter(world, answers={"satisfied": {"3": 200, "1": 73}}, as_shares=False)
    assert counts(result) == {"3": 200, "1": 73}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"answers": {"satisfied": {"3": 300}}, "as_shares": False}, "answers"),
        ({"answers": {"satisfied": {"9": 3}}, "as_shares": False}, "answers"),
        ({"answers": {"nope": {"3": 3}}, "as_shares": False}, "answers"),
        ({"answers": {"satisfied": {"3": 80, "2": 40}}}, "answers"),  # 120%
        ({"answers": {}}, "answers"),
        ({"base": 0}, "base"),
        ({"collected_on": dt.date(2016, 1, 1)}, "collected_on"),
        ({"collected_on": dt.date.today() + dt.timedelta(days=2)}, "collected_on"),
    ],
)
def test_bad_results_are_refused_by_field(world, changes, field):  # noqa: F811
    with pytest.raises(ValidationError) as error:
        enter(world, **changes)
    assert field in error.value.message_dict
    assert not SurveyResult.objects.exists()


@pytest.mark.parametrize(
    "who, project, allowed",
    [
        ("maria", "krk", True),  # manager of CRP
        ("admin", "bsr", True),
        ("mark", "krk", False),  # manager of the other programme
        ("alice", "krk", False),  # monitor
        ("dora", "krk", False),  # donor
    ],
)
def test_who_enters_results(world, who, project, allowed):  # noqa: F811
    if allowed:
        assert enter(world, who=who, project=project).base == 273
    else:
        with pytest.raises(PermissionDenied):
            enter(world, who=who, project=project)
        assert not SurveyResult.objects.exists()
