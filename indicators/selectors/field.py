"""What the governorate page shows of the field work in one governorate: the
latest monitoring visits with their photos, the issues referred and still
open, and the beneficiary feedback distributions.

These read records, not the value table, but only those of one governorate
in the user's scope, through indexed columns (a visit's date, a referral's
visit, a response's project and date), and a bounded number of rows.

A governorate's visits are those made there, by their own place: a
national or multi-place project's visit to Mosul is Ninewa's, whatever else
the project covers (as ``programmes.access.place_scope`` gives them to its
managers and monitors). Its projects are those that cover it, and the
national projects with a visit or record there (``governorate_projects``)."""

from __future__ import annotations

import datetime as dt

from django.contrib.postgres.aggregates import JSONBAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.core.files.storage import default_storage
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import JSONObject

from beneficiaries.access import visits_for_user
from beneficiaries.models import (
    AssistanceRecord,
    MonitoringVisit,
    Photo,
    Referral,
    ReviewStatus,
)
from indicators.breakdowns import feedback_distribution
from indicators.chart_colours import answer_colours
from indicators.periods import quarter_start
from indicators.selectors.values import SMALL_COUNT, figure_shown, figures_shown
from programmes.access import user_role
from programmes.models import Governorate, Project, UserProfile
from programmes.models_coverage import ProjectPlace
from programmes.names import localised

VISITS_LIMIT = 8
PHOTOS_LIMIT = 6
REFERRALS_LIMIT = 10


def _visit_statuses(role) -> list[str]:
    """The visits a page lists: approved ones, and for the reviewers
    (managers, administrators) the submitted ones waiting for them too."""
    if role in (UserProfile.Role.MANAGER, UserProfile.Role.ADMIN):
        return [ReviewStatus.APPROVED, ReviewStatus.SUBMITTED]
    return [ReviewStatus.APPROVED]


def governorate_projects(
    user, projects: QuerySet[Project], governorate: Governorate
) -> QuerySet[Project]:
    """Those of ``projects`` that work in ``governorate``: its one-place
    projects, those whose coverage holds it or one of its districts, and the
    national projects with a visit or assistance record made there (of the
    statuses the page lists ``user``: approved, and submitted for the
    reviewers). A multi-place project's records and visits lie inside its
    coverage (a database trigger holds them there), so a record names no
    other governorate. No query."""
    statuses = _visit_statuses(user_role(user))
    covered = ProjectPlace.objects.filter(governorate=governorate).values("project_id")
    worked = Exists(
        AssistanceRecord.objects.filter(
            project=OuterRef("pk"), governorate=governorate, status__in=statuses
        )
    ) | Exists(
        MonitoringVisit.objects.filter(
            project=OuterRef("pk"), governorate=governorate, status__in=statuses
        )
    )
    return projects.filter(
        Q(governorate=governorate) | Q(pk__in=covered) | (Q(national=True) & worked)
    )


def _visits(
    user,
    projects: QuerySet[Project],
    until: dt.date,
    since: dt.date | None = None,
    governorate: Governorate | None = None,
):
    """The visits of ``projects`` the page lists ``user``, made in
    ``governorate`` (by their own place) when one is given."""
    visits = visits_for_user(user).filter(
        project__in=projects.order_by().values("pk"),
        status__in=_visit_statuses(user_role(user)),
        visit_date__lte=until,
    )
    if governorate is not None:
        visits = visits.filter(governorate=governorate)
    return visits.filter(visit_date__gte=since) if since else visits


def _open_referrals(
    user, projects: QuerySet[Project], until: dt.date, governorate: Governorate | None
) -> QuerySet:
    """The open referrals of the visits of ``_visits`` (any date up to
    ``until``), longest open first, as JSON objects, at most REFERRALS_LIMIT + 1."""
    visits = _visits(user, projects, until, governorate=governorate)
    return (
        Referral.objects.filter(closed_on__isnull=True, visit__in=visits.order_by().values("pk"))
        .order_by("visit__visit_date", "pk")
        .values(
            item=JSONObject(
                issue="issue",
                referred_to="referred_to",
                visit="visit_id",
                date="visit__visit_date",
                project_code="visit__project__code",
            )
        )[: REFERRALS_LIMIT + 1]
    )


def latest_visits(
    *,
    user,
    projects: QuerySet[Project],
    since: dt.date,
    until: dt.date,
    governorate: Governorate | None = None,
) -> tuple[list, int, list]:
    """The visits ``user`` may see (``visits_for_user``) to ``projects`` made
    in ``governorate`` (by their own place; None: anywhere) from
    ``since`` to ``until`` (on the governorate page: the as-of quarter),
    approved ones (and submitted ones for managers and administrators):
    the latest VISITS_LIMIT, newest first (``pk``, ``date``, ``status``,
    ``project_code``, ``project_name``, ``donor``, ``monitor``: full name or
    user name, and ``photos``: each ``url``, ``caption``, ``credit``), and
    how many there are. Then the issues referred on the visits of the same
    kind up to ``until`` (of any quarter) that are still open today, the
    longest open first, at most REFERRALS_LIMIT + 1 (one more says there
    are more): ``issue``, ``referred_to``, ``visit`` (pk), ``date`` and
    ``project_code``.

    Staff only (a donor gets none: names and operational detail). One query:
    the photos are gathered per visit row, and the open referrals ride along
    as one uncorrelated subquery (run once); a second query for the
    referrals only when the quarter has no visit to carry them."""
    photos = (
        Photo.objects.filter(visit=OuterRef("pk"))
        .order_by()
        .values("visit")
        .annotate(
            items=JSONBAgg(
                JSONObject(id="id", image="image", caption="caption", credit="credit"),
                order_by="id",
            )
        )
        .values("items")
    )
    referrals = _open_referrals(user, projects, until, governorate)
    rows = list(
        _visits(user, projects, until, since, governorate)
        .annotate(
            photo_items=Subquery(photos),
            open_referrals=ArraySubquery(referrals),
            count=Window(Count("pk")),
        )
        .order_by("-visit_date", "-id")
        .values(
            "pk",
            "visit_date",
            "status",
            "project__code",
            "project__donor__name",
            "monitor__username",
            "monitor__first_name",
            "monitor__last_name",
            "photo_items",
            "open_referrals",
            "count",
            project_name=localised("project__name"),
        )[:VISITS_LIMIT]
    )
    labels = dict(ReviewStatus.choices)
    listed = [
        {
            "pk": row["pk"],
            "date": row["visit_date"],
            "status": row["status"],
            "status_label": labels.get(row["status"], row["status"]),
            "project_code": row["project__code"],
            "project_name": row["project_name"],
            "donor": row["project__donor__name"],
            "monitor": f"{row['monitor__first_name']} {row['monitor__last_name']}".strip()
            or row["monitor__username"],
            "photos": [
                {
                    "url": default_storage.url(item["image"]),
                    "caption": item["caption"],
                    "credit": item["credit"],
                }
                for item in row["photo_items"] or []
                if item.get("image")
            ],
        }
        for row in rows
    ]
    items = rows[0]["open_referrals"] if rows else [row["item"] for row in referrals]
    open_items = [{**item, "date": dt.date.fromisoformat(item["date"])} for item in items]
    return listed, (rows[0]["count"] if rows else 0), open_items


def feedback_figures(distribution: list[dict], *, protect: bool) -> list[dict]:
    """``feedback_distribution``'s questions as the page shows them: per
    option its count and its share of the question's answers (``share``, a
    percentage; None when hidden). For a donor (``protect``), an option
    chosen 1 to 4 times is hidden, with the smallest other one when it alone
    is (the total is shown: ``figures_shown``), and a question with fewer than 5
    answers in all shows no distribution (``hidden``) and no average.
    ``average`` and ``scale_max``: a numeric scale's average score and top
    ("4.1 out of 5"), else None."""
    questions = []
    for question in distribution:
        total = question["total"]
        hidden = protect and 0 < total < SMALL_COUNT
        counts = figures_shown(
            {o["code"]: o["count"] for o in question["options"]}, protect=protect
        )
        options = []
        colours = answer_colours(question["kind"], [o["code"] for o in question["options"]])
        for option, (colour, _white) in zip(question["options"], colours, strict=True):
            figure = counts[option["code"]]
            shown = not hidden and not figure["suppressed"] and total
            share = option["count"] / total * 100 if shown else None
            options.append(
                {
                    "code": option["code"],
                    "label": option["label"],
                    "count": figure if not hidden else figure_shown(option["count"], protect=True),
                    "share": share,
                    "share_display": f"{share:.0f}%" if share is not None else figure["display"],
                    "colour": colour,
                }
            )
        questions.append(
            {
                "survey": question["survey"],
                "question": question["question"],
                "kind": question["kind"],
                "total": figure_shown(total, protect=protect),
                "hidden": hidden,
                "aggregate": question.get("aggregate", False),
                # "4.1 out of 5": not for a donor when the distribution is hidden.
                "average": None if hidden else question.get("average"),
                "scale_max": question.get("scale_max"),
                "options": options,
            }
        )
    return questions


def feedback_panel(*, projects: QuerySet[Project], until: dt.date, protect: bool) -> dict:
    """The feedback panel of every dashboard (mission, programme, governorate)
    for ``projects`` (those of the page, in the user's scope) as of
    ``until`` (a quarter end): ``feedback``, the distributions and average
    scores of the four quarters to ``until`` (``feedback_figures``; for a
    donor, ``protect``, small counts hidden), and ``feedback_since``, the
    first day of that window. One query (answers and aggregate results)."""
    since = quarter_start(until.replace(year=until.year - 1) + dt.timedelta(days=1))
    feedback = feedback_figures(
        feedback_distribution(projects=projects, since=since, until=until), protect=protect
    )
    return {"feedback": feedback, "feedback_since": since}


def governorate_field_data(
    *,
    user,
    projects: QuerySet[Project],
    governorate: Governorate,
    until: dt.date,
    protect: bool,
) -> dict:
    """The field panels of the page of ``governorate`` for ``projects`` (the
    projects in ``user``'s scope under the page's filters, wherever they
    work) as of ``until`` (a quarter end): ``feedback`` (``feedback_figures``)
    of the four quarters to ``until`` for the projects whose one place is
    ``governorate`` (a response has no place of its own), for everyone; for
    staff also ``visits`` made in ``governorate``
    (``latest_visits``) of the quarter with ``visits_count``, ``photos``
    (those of the listed visits, at most PHOTOS_LIMIT, each with its visit's
    date, project and donor) and ``referrals`` (open ones, see
    ``latest_visits``) with ``referrals_more``. A donor gets none of these
    (None): no personal or operational detail. The windows keep the rows
    read bounded whatever the length of the history. One query for a donor,
    two (three when the quarter has no visit) for staff."""
    found = feedback_panel(
        projects=projects.filter(governorate=governorate), until=until, protect=protect
    )
    feedback = found["feedback"]
    windows = {"feedback_since": found["feedback_since"], "visits_since": quarter_start(until)}
    if protect or user_role(user) == UserProfile.Role.DONOR:
        return {"feedback": feedback, "visits": None, "photos": None, "referrals": None, **windows}
    visits, count, referrals = latest_visits(
        user=user,
        projects=projects,
        since=windows["visits_since"],
        until=until,
        governorate=governorate,
    )
    photos = [
        {
            **photo,
            "date": visit["date"],
            "visit": visit["pk"],
            "project_code": visit["project_code"],
            "donor": visit["donor"],
        }
        for visit in visits
        for photo in visit["photos"]
    ][:PHOTOS_LIMIT]
    return {
        "feedback": feedback,
        "visits": visits,
        "visits_count": count,
        "photos": photos,
        "referrals": referrals[:REFERRALS_LIMIT],
        "referrals_more": len(referrals) > REFERRALS_LIMIT,
        **windows,
    }
