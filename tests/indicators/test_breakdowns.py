"""The breakdowns the value table does not hold (projects by sector × status,
feedback distributions) and the donor rule for a quarterly series with its
running total."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from indicators.breakdowns import (
    feedback_distribution,
    project_breakdown,
    projects_by_sector_status,
)
from indicators.selectors import series_figures_shown
from programmes.models import Project, Sector
from programmes.models_coverage import ProjectPlace
from tests.factories import ProjectFactory, district, governorate
from tests.indicators.dashboards.helpers import SATISFACTION, feedback


@pytest.fixture
def projects(db):
    health = Sector.objects.create(code="health", name="Health")
    water = Sector.objects.create(code="water", name="Water and sanitation")
    plan = [
        (health, "IQG13", "completed", "100"),
        (health, "IQG13", "completed", "200"),
        (health, "IQG13", "ongoing", "300"),
        (health, "IQG01", "preparation", "400"),
        (water, "IQG01", "ongoing", "500"),
    ]
    return [
        ProjectFactory(
            sector=sector,
            governorate=governorate(pcode),
            status=status,
            budget_usd=Decimal(budget),
        )
        for sector, pcode, status, budget in plan
    ]


class TestProjectsBySectorStatus:
    def test_counts_each_sector_by_status_in_one_query(self, projects, django_assert_num_queries):
        with django_assert_num_queries(1):
            rows = projects_by_sector_status(Project.objects.all())
        assert rows == [
            {"sector": "Health", "completed": 2, "ongoing": 1, "preparation": 1},
            {"sector": "Water and sanitation", "completed": 0, "ongoing": 1, "preparation": 0},
        ]

    def test_it_counts_only_the_projects_it_is_given(self, projects):
        rows = projects_by_sector_status(Project.objects.filter(governorate__pcode="IQG01"))
        assert rows == [
            {"sector": "Health", "completed": 0, "ongoing": 0, "preparation": 1},
            {"sector": "Water and sanitation", "completed": 0, "ongoing": 1, "preparation": 0},
        ]
        assert projects_by_sector_status(Project.objects.none()) == []

    def test_budgets_by_governorate_and_totals(self, projects):
        breakdown = project_breakdown(Project.objects.all())
        kirkuk, anbar = governorate("IQG13"), governorate("IQG01")
        assert breakdown.budget_by_governorate() == {kirkuk.pk: 600, anbar.pk: 900}
        assert breakdown.total() == (5, 1500)
        assert breakdown.total(anbar.pk) == (2, 900)
        assert breakdown.by_sector_status(kirkuk.pk) == [
            {"sector": "Health", "completed": 2, "ongoing": 1, "preparation": 0}
        ]

    def test_a_project_covering_several_governorates_counts_once_in_each(
        self, projects, django_assert_num_queries
    ):
        kirkuk, anbar, ninewa = governorate("IQG13"), governorate("IQG01"), governorate("IQG15")
        water = Sector.objects.get(code="water")
        multi = ProjectFactory(
            sector=water, governorate=None, status="ongoing", budget_usd=Decimal(1000)
        )
        ProjectPlace.objects.create(project=multi, governorate=kirkuk)
        ProjectPlace.objects.create(
            project=multi, governorate=ninewa, district=district("IQG15Q05")
        )
        ProjectPlace.objects.create(
            project=multi, governorate=ninewa, district=district("IQG15Q01")
        )
        ProjectFactory(sector=water, governorate=None, national=True, budget_usd=Decimal(7))
        with django_assert_num_queries(1):
            breakdown = project_breakdown(Project.objects.all())
        assert breakdown.total() == (7, 2507)  # each project once
        assert breakdown.total(ninewa.pk) == (1, 1000)  # two of its districts, once
        assert breakdown.total(kirkuk.pk) == (4, 1600)
        assert breakdown.budget_by_governorate() == {
            kirkuk.pk: 1600,
            anbar.pk: 900,
            ninewa.pk: 1000,
        }
        assert breakdown.by_sector_status(ninewa.pk) == [
            {"sector": "Water and sanitation", "completed": 0, "ongoing": 1, "preparation": 0}
        ]


class TestFeedbackDistribution:
    def test_approved_answers_up_to_the_date_of_the_projects_given(
        self, projects, django_assert_num_queries
    ):
        first, second, *_rest, other = projects
        for value in ("5", "5", "4"):
            feedback(first, on=dt.date(2018, 3, 1), answers={"satisfaction": value, "use": "5"})
        feedback(second, on=dt.date(2018, 3, 31), answers={"satisfaction": "1"})
        feedback(first, on=dt.date(2018, 4, 1), answers={"satisfaction": "1"})  # too late
        feedback(first, on=dt.date(2018, 3, 1), answers={"satisfaction": "1"}, status="submitted")
        feedback(other, on=dt.date(2018, 3, 1), answers={"satisfaction": "1"})  # not given
        given = Project.objects.filter(pk__in=[first.pk, second.pk])
        with django_assert_num_queries(1):  # the answers and the aggregate results, together
            questions = feedback_distribution(projects=given, until=dt.date(2018, 3, 31))
        assert [(q["question"], q["total"]) for q in questions] == [
            ("How satisfaction?", 4),
            ("How use?", 3),
        ]
        satisfaction = questions[0]
        # Every option in the question's order, those nobody chose with 0.
        assert [(o["label"], o["count"]) for o in satisfaction["options"]] == [
            (label, {"5": 2, "4": 1, "1": 1}.get(code, 0)) for code, label in SATISFACTION
        ]
        assert satisfaction["survey"] == "Feedback" and satisfaction["kind"] == "likert"

    def test_no_answers_give_no_questions(self, projects):
        assert (
            feedback_distribution(projects=Project.objects.all(), until=dt.date(2030, 1, 1)) == []
        )


def determined(per_quarter: list, shown: list[tuple[dict, dict]]) -> set[int]:
    """The hidden quarters whose value a reader of the chart can work out:
    the known running totals (the shown ones; the last is the headline) cut
    the quarters into stretches; a quarter hidden alone in its stretch is
    its running total minus the one before minus the shown quarters."""
    n = len(per_quarter)
    hidden = {k for k in range(n) if shown[k][0]["value"] is None and per_quarter[k] != 0}
    known = [-1] + [k for k in range(n) if shown[k][1]["value"] is not None]
    found = set()
    for left, right in zip(known, known[1:], strict=False):
        inside = [k for k in range(left + 1, right + 1) if shown[k][0]["value"] is None]
        if len(inside) == 1 and inside[0] in hidden:
            found.add(inside[0])
    return found


class TestSeriesFigures:
    def test_staff_see_every_quarter_and_running_total(self):
        shown = series_figures_shown([Decimal(30), Decimal(3)], protect=False)
        assert [(q["value"], c["value"]) for q, c in shown] == [(30, 30), (3, 33)]

    def test_a_hidden_quarter_hides_its_running_total_and_another_quarter(self):
        shown = series_figures_shown([Decimal(v) for v in (100, 3, 50)], protect=True)
        assert [q["display"] for q, _c in shown] == ["100", "<5", "not shown"]
        assert [c["display"] for _q, c in shown] == ["100", "not shown", "153"]

    def test_a_hidden_last_quarter_reaches_back(self):
        # The last running total is the headline: the one before must go,
        # and a quarter next to the hidden one with it.
        shown = series_figures_shown([Decimal(v) for v in (100, 50, 3)], protect=True)
        assert [q["display"] for q, _c in shown] == ["100", "not shown", "<5"]
        assert [c["display"] for _q, c in shown] == ["100", "not shown", "153"]

    def test_two_hidden_quarters_protect_each_other(self):
        shown = series_figures_shown([Decimal(v) for v in (100, 3, 2, 50)], protect=True)
        assert [q["display"] for q, _c in shown] == ["100", "<5", "<5", "50"]
        assert [c["display"] for _q, c in shown] == ["100", "not shown", "not shown", "155"]

    def test_a_small_running_total_is_hidden(self):
        shown = series_figures_shown([Decimal(0), Decimal(3)], protect=True)
        assert [c["display"] for _q, c in shown] == ["0", "<5"]

    def test_no_hidden_quarter_can_be_worked_out(self):
        rng = random.Random(5)
        values = [0, 0, 1, 2, 3, 4, 5, 7, 12, 40, 250]
        for _ in range(3000):
            per_quarter = [Decimal(rng.choice(values)) for _ in range(rng.randint(1, 9))]
            shown = series_figures_shown(per_quarter, protect=True)
            small = {k for k, v in enumerate(per_quarter) if 0 < v < 5}
            assert not (determined(per_quarter, shown) & small), per_quarter
            # Nothing hidden that need not be: quarters of 0 or 5 and more
            # are hidden only alongside a small one.
            if not small:
                assert all(q["value"] is not None for q, _c in shown), per_quarter
