"""Breakdowns the value table does not hold, each one GROUP BY query over a
small set of rows: projects by governorate, sector and status (the project
table is a reference table of a few hundred rows), and the answers to the
feedback surveys of the projects of one governorate.

They return plain counts; the dashboard selectors apply the donor
small-count rule (``indicators.selectors``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import JSONObject

from beneficiaries.models import Answer, Question, ReviewStatus
from beneficiaries.survey_results import SurveyResultCount
from programmes.models import Project
from programmes.models_coverage import ProjectPlace
from programmes.names import localised

STATUSES = [
    s.value for s in (Project.Status.COMPLETED, Project.Status.ONGOING, Project.Status.PREPARATION)
]


@dataclass(frozen=True)
class ProjectBreakdown:
    """Projects counted by (the governorates they cover, sector, status),
    with their budgets. ``rows``: dicts of ``places`` (the ids of the
    governorates the row's projects cover, each once: a one-place project's
    own, a multi-place project's coverage; none for a national project),
    sector, status, count and budget. A project counts once in all
    governorates and once in each it covers (as the projects source counts it)."""

    rows: list[dict]

    def _rows(self, governorate_id: int | None) -> list[dict]:
        if governorate_id is None:
            return self.rows
        return [r for r in self.rows if governorate_id in r["places"]]

    def by_sector_status(self, governorate_id: int | None = None) -> list[dict]:
        """``[{"sector": name, "completed": n, "ongoing": n, "preparation": n}]``
        by sector name, of one governorate or all."""
        sectors: dict[str, dict] = {}
        for row in self._rows(governorate_id):
            counts = sectors.setdefault(row["sector"], dict.fromkeys(STATUSES, 0))
            if row["status"] in counts:
                counts[row["status"]] += row["count"]
        return [{"sector": name, **sectors[name]} for name in sorted(sectors)]

    def budget_by_governorate(self) -> dict[int, Decimal]:
        """The sum of the budgets by governorate id (governorates with projects
        only): a project covering several, its whole budget in each."""
        sums: dict[int, Decimal] = {}
        for row in self.rows:
            for place in row["places"]:
                sums[place] = sums.get(place, Decimal(0)) + row["budget"]
        return sums

    def total(self, governorate_id: int | None = None) -> tuple[int, Decimal]:
        """The number of projects and the sum of their budgets, of one governorate or all."""
        rows = self._rows(governorate_id)
        return sum(r["count"] for r in rows), sum((r["budget"] for r in rows), Decimal(0))


def project_breakdown(projects: QuerySet[Project]) -> ProjectBreakdown:
    """``projects`` counted by the governorates they cover, sector and status,
    with the sum of their budgets. One GROUP BY query; a row per set of
    governorates covered (one for each one-place project's governorate, a few
    for the multi-place ones), sector and status."""
    covered = ArraySubquery(
        ProjectPlace.objects.filter(project=OuterRef("pk"))
        .order_by("governorate_id")
        .values("governorate_id")
        .distinct()
    )
    rows = (
        projects.order_by()
        .annotate(covered=covered)
        .values("governorate_id", "covered", "status", sector_name=localised("sector__name"))
        .annotate(count=Count("pk"), budget=Sum("budget_usd"))
    )
    return ProjectBreakdown(
        rows=[
            {
                "places": frozenset(r["covered"] or ())
                | ({r["governorate_id"]} if r["governorate_id"] else frozenset()),
                "sector": r["sector_name"],
                "status": r["status"],
                "count": r["count"],
                "budget": r["budget"] or Decimal(0),
            }
            for r in rows
        ]
    )


def projects_by_sector_status(projects: QuerySet[Project]) -> list[dict]:
    """``[{"sector": name, "completed": n, "ongoing": n, "preparation": n}]``:
    ``projects`` by sector (by name) and status. One GROUP BY query. Plain
    counts: a donor-facing page hides 1 to 4 (``indicators.selectors``)."""
    return project_breakdown(projects).by_sector_status()


def feedback_distribution(
    *, projects: QuerySet[Project], until: dt.date, since: dt.date | None = None
) -> list[dict]:
    """The answers to each survey question in the approved feedback responses
    and the aggregate survey results (``SurveyResult``) collected on or
    before ``until`` (and on or after ``since``, if given) for ``projects``:
    one dict per question (survey order, then question order) with
    ``survey``, ``question``, ``kind``, ``total``, ``aggregate`` (True when
    some of the counts come from aggregate results), ``average`` and
    ``scale_max`` (``feedback_average``: None unless the options are a
    numeric scale) and ``options``, the question's answer options in their
    order, each ``{"code", "label", "count"}`` (options nobody chose count
    0; an answer no longer among the options is listed after them).

    One query: the GROUP BY of the answers and the aggregate results' counts.
    It reads the answers of the projects it is given (on
    the governorate page: one governorate's projects in the user's scope),
    not the whole answer table: the filter goes through the responses'
    project index, then the answers' (response, question) index, with a plain
    range on the collection date, so that no function hides a column from
    its index. The page passes ``since`` (four quarters) so that the rows
    read do not grow with the length of the history."""
    # Grouped by the narrow (question, answer) pair only; each group then
    # reads its question (a few dozen groups, one primary-key lookup each).
    # (annotate, then values: the translated models' ``values()`` with
    # expressions alone would select every column besides.)
    question = (
        Question.objects.filter(pk=OuterRef("question_id"))
        .annotate(
            json=JSONObject(
                survey_id="survey_id",
                survey=localised("survey__title"),
                position="position",
                text=localised("text"),
                kind="kind",
                choices=localised("choices", json=True),
            )
        )
        .values("json")
    )
    grouped = (
        Answer.objects.filter(
            response__project__in=projects.order_by().values("pk"),
            response__status=ReviewStatus.APPROVED,
            response__collected_on__lte=until,
            **({"response__collected_on__gte": since} if since else {}),
        )
        .order_by()
        .values("question_id", "value")
        .annotate(count=Count("pk"))
        .annotate(question=Subquery(question))
    )
    # Aggregate results ("273 surveyed: 46% very satisfied"), as counts.
    aggregated = (
        SurveyResultCount.objects.filter(
            result__project__in=projects.order_by().values("pk"),
            result__collected_on__lte=until,
            **({"result__collected_on__gte": since} if since else {}),
        )
        .order_by()
        .values("question_id", "value")
        .annotate(count=Sum("count"))
        .annotate(question=Subquery(question))
    )
    # One statement for both.
    both = grouped.annotate(aggregate=Value(False)).union(
        aggregated.annotate(aggregate=Value(True)), all=True
    )
    rows = sorted(
        both,
        key=lambda r: (
            r["question"]["survey_id"],
            r["question"]["position"],
            r["question_id"],
            r["value"],
        ),
    )
    questions: dict[int, dict] = {}
    for row in rows:
        question = questions.get(row["question_id"])
        if question is None:
            meta = row["question"]
            choices = meta["choices"] or []
            question = questions[row["question_id"]] = {
                "survey": meta["survey"],
                "question": meta["text"],
                "kind": meta["kind"],
                "total": 0,
                "aggregate": False,
                "options": [
                    {"code": str(code), "label": str(label), "count": 0} for code, label in choices
                ],
            }
        option = next((o for o in question["options"] if o["code"] == row["value"]), None)
        if option is None:
            option = {"code": row["value"], "label": row["value"], "count": 0}
            question["options"].append(option)
        option["count"] += row["count"]
        question["total"] += row["count"]
        question["aggregate"] |= row.get("aggregate", False)
    for question in questions.values():
        question["average"], question["scale_max"] = feedback_average(question["options"])
    return list(questions.values())


def feedback_average(options: list[dict]) -> tuple[float | None, int | None]:
    """The average score of a numeric scale and its top (``(4.1, 5)`` for
    "4.1 out of 5"), from options ``{"code", "count"}``: only when every
    option's code is a whole number (1 the lowest, as the surveys' scales
    are), else ``(None, None)``; the average is None when nobody answered.
    Rounded to one decimal, as the reports print it."""
    if not options or not all(str(o["code"]).isdigit() for o in options):
        return None, None
    scale_max = max(int(o["code"]) for o in options)
    answered = sum(o["count"] for o in options)
    if not answered:
        return None, scale_max
    return round(sum(int(o["code"]) * o["count"] for o in options) / answered, 1), scale_max
