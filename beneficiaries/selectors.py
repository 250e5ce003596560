"""Reads of field data entry: the visit lists and their counts, a visit's
page with its history, and the imports waiting for review.

Who may see which visit is ``beneficiaries.access``; these read within it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.access import (
    import_records_to_review,
    visit_locations_for_user,
    visit_projects,
    visits_for_user,
)
from beneficiaries.models import (
    RECIPIENT_FIELDS,
    SPLITS,
    ActivityType,
    Answer,
    AssistanceRecord,
    FeedbackResponse,
    MonitoringVisit,
    Photo,
    Question,
    Referral,
    ReviewStatus,
    SharedReach,
    Survey,
    VisitLocation,
)
from beneficiaries.models_splits import SPLIT_LABELS
from programmes.access import projects_for_user, user_role
from programmes.models import Governorate, Programme, Project, UserProfile
from programmes.names import localised
from programmes.stamp_cache import kept_under_stamp

Role = UserProfile.Role


def _listed(user) -> QuerySet[MonitoringVisit]:
    visits = visits_for_user(user)
    if user_role(user) == Role.ADMIN:
        # The review list of an administrator holds no other monitor's drafts.
        visits = visits.exclude(Q(status=ReviewStatus.DRAFT) & ~Q(monitor=user))
    return visits


def _filtered(visits, *, governorate=None, programme=None):
    if governorate is not None:
        visits = visits.filter(governorate=governorate)
    if programme is not None:
        visits = visits.filter(project__programme=programme)
    return visits


def visit_list(
    *, user, governorate=None, programme=None, status: str = ""
) -> QuerySet[MonitoringVisit]:
    """The visits of ``user``'s list (a monitor's own visits; for a manager or
    administrator, the visits of their scope other than others' drafts),
    filtered, newest first, with what a list row shows."""
    visits = _filtered(_listed(user), governorate=governorate, programme=programme)
    if status:
        visits = visits.filter(status=status)
    return (
        visits.select_related("governorate", "project__programme", "monitor")
        .defer("findings", "governorate__boundary", "governorate__aliases")
        .order_by("-visit_date", "-id")
    )


def visit_counts(*, user, governorate=None, programme=None) -> dict[str, int]:
    """The number of visits of ``user``'s list by status, and ``all``, with the
    governorate and programme filters applied. One query, none while the data
    stamp stays (``kept_under_stamp``)."""

    def count() -> dict[str, int]:
        return _filtered(_listed(user), governorate=governorate, programme=programme).aggregate(
            all=Count("pk"),
            **{status: Count("pk", filter=Q(status=status)) for status in ReviewStatus.values},
        )

    parts = [getattr(governorate, "pk", None), getattr(programme, "pk", None)]
    return kept_under_stamp("counts", user, parts, count)


def visit_filter_choices(user) -> dict[str, QuerySet]:
    """The governorates and programmes ``user``'s visit list can be filtered by:
    those of the visits they may list (found by a scan of the visits only
    when the data stamp moved, ``kept_under_stamp``), and the programmes of the
    projects in their scope."""
    projects = projects_for_user(user)
    governorates = kept_under_stamp(
        "governorates",
        user,
        [],
        lambda: sorted(set(_listed(user).order_by().values_list("governorate_id", flat=True))),
    )
    return {
        "governorates": Governorate.objects.filter(pk__in=governorates).only("pcode", "name_iom"),
        "programmes": Programme.objects.filter(pk__in=projects.values("programme_id")).only(
            "code", "name"
        ),
    }


def visit_surveys() -> list[Survey]:
    """The feedback surveys a monitor can fill in on a visit, with their
    questions in order (``survey.question_list``). Two queries."""
    surveys = list(
        Survey.objects.prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("position", "id"))
        ).order_by("title", "id")
    )
    for survey in surveys:
        survey.question_list = list(survey.questions.all())
    return [survey for survey in surveys if survey.question_list]


def visit_feedback(visit: MonitoringVisit) -> list[FeedbackResponse]:
    """The visit's feedback responses with their survey, ``respondent`` (sex,
    age group, population group as far as known) and answers (each answer's
    ``label`` is the option's wording), in the order recorded.
    Two queries."""
    responses = list(
        visit.feedback.select_related("survey")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question").order_by(
                    "question__position", "question_id"
                ),
            )
        )
        .order_by("id")
    )
    for response in responses:
        response.respondent = " · ".join(
            str(label)
            for label in (
                response.get_sex_display() if response.sex else "",
                response.get_age_group_display() if response.age_group else "",
                response.get_population_group_display() if response.population_group else "",
            )
            if label
        )
        for answer in response.answers.all():
            answer.label = dict((str(code), label) for code, label in answer.question.choices).get(
                answer.value, answer.value
            )
    return responses


def visit_contents(visit: MonitoringVisit) -> dict[str, list]:
    """The visit's assistance lines (with their activity types, and ``cells``:
    the splits as recorded, each dimension's "not recorded", then the
    non-zero crossing counts, as (label, count); ``pairs``: the two-way
    crossings, each with what it leaves not recorded, ``split_detail``),
    referrals, feedback responses (``visit_feedback``) and photos. Five queries."""
    lines = list(visit.assistance.select_related("activity_type", "reach").order_by("id"))
    for line in lines:
        line.cells = _split_counts(line) + [
            (AssistanceRecord._meta.get_field(column).verbose_name, getattr(line, column))
            for column in RECIPIENT_FIELDS
            if getattr(line, column)
        ]
        line.pairs = [part for part in line.split_detail() if part["kind"] == "pair"]
    return {
        "lines": lines,
        "referrals": list(visit.referrals.order_by("id")),
        "feedback": visit_feedback(visit),
        "photos": list(visit.photos.order_by("id")),
    }


_NOT_RECORDED_LABELS = {
    "sex": gettext_lazy("sex not recorded"),
    "age_group": gettext_lazy("age not recorded"),
    "population_group": gettext_lazy("population group not recorded"),
}


def _split_counts(line: AssistanceRecord) -> list[tuple]:
    """The splits a line recorded, as (label, count), each recorded dimension
    followed by its "not recorded" when some are."""
    counts = []
    for dimension, split in line.splits().items():
        recorded = [
            (SPLIT_LABELS[SPLITS[dimension][code]], count)
            for code, count in split.items()
            if code != "not_recorded" and count is not None
        ]
        if recorded:
            counts += recorded
            if split["not_recorded"]:
                counts.append((_NOT_RECORDED_LABELS[dimension], split["not_recorded"]))
    return counts


def visit_location(visit: MonitoringVisit | None) -> VisitLocation | None:
    """Where the monitor's phone was for ``visit`` (given with their consent),
    or None. The caller has checked the user may see the visit."""
    if visit is None or visit.pk is None:
        return None
    return VisitLocation.objects.filter(visit=visit).first()


MAP_POINTS = 2000


def visit_map_points(user) -> list[dict]:
    """The located visits ``user`` may see (``access.visit_locations_for_user``),
    newest first, at most ``MAP_POINTS``: position, accuracy, how far outside
    its place, and what to show on hover. One query."""
    rows = (
        visit_locations_for_user(user)
        .order_by("-visit__visit_date", "-visit_id")
        .values(
            "visit_id",
            "latitude",
            "longitude",
            "accuracy_m",
            "outside_km",
            "checked_against",
            "visit__visit_date",
            "visit__status",
            "visit__project__code",
        )[:MAP_POINTS]
    )
    return [
        {
            "visit": row["visit_id"],
            "lat": float(row["latitude"]),
            "lon": float(row["longitude"]),
            "accuracy_m": row["accuracy_m"],
            "outside_km": row["outside_km"],
            "place": row["checked_against"],
            "date": row["visit__visit_date"].isoformat(),
            "status": row["visit__status"],
            "project": row["visit__project__code"],
        }
        for row in rows
    ]


def visit_photos(visit: MonitoringVisit | None) -> list:
    """The photos of ``visit`` (none for a visit not saved yet), oldest first."""
    return list(visit.photos.order_by("id")) if visit is not None else []


# --- History ----------------------------------------------------------------------

# Bookkeeping columns a person never changes by hand.
_NOT_SHOWN = {"id", "created_at", "updated_at", "uploaded_at", "submitted_at", "reviewed_at"}
_ACTIONS = {
    "+": gettext_lazy("created"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}


def _display(field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return names.get(field.related_model, {}).get(value, f"#{value}")
    if isinstance(value, dt.datetime | dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _answer_label(question: Question | None, code) -> str:
    if code in (None, ""):
        return "—"
    if question is None:
        return str(code)
    return dict((str(c), label) for c, label in question.choices).get(str(code), str(code))


def visit_history(visit: MonitoringVisit) -> list[dict]:
    """Every recorded change to the visit, its assistance lines, referrals and
    photos, newest first: ``when``, ``who`` (a user, or None when made outside
    the application), ``what`` (the object), ``action`` (created, changed,
    deleted), ``reason`` (submitted, approved, returned, closed) and
    ``changes``, a list of (field, before, after); feedback responses and
    their answers too. Six queries, and one per kind of object referred to."""
    responses = FeedbackResponse.history.filter(visit_id=visit.pk)
    sources = [
        (MonitoringVisit, MonitoringVisit.history.filter(id=visit.pk)),
        (AssistanceRecord, AssistanceRecord.history.filter(visit_id=visit.pk)),
        (Referral, Referral.history.filter(visit_id=visit.pk)),
        (FeedbackResponse, responses),
        (Answer, Answer.history.filter(response_id__in=responses.values("id"))),
        (Photo, Photo.history.filter(visit_id=visit.pk)),
    ]
    versions = {
        model: list(rows.select_related("history_user").order_by("id", "history_date"))
        for model, rows in sources
    }
    related: dict = defaultdict(set)
    for model, rows in versions.items():
        for field in model._meta.fields:
            if field.is_relation and field.name not in ("visit", "response"):
                for row in rows:
                    value = getattr(row, field.attname)
                    if value is not None:
                        related[field.related_model].add(value)
    labels = {
        Project: lambda ids: Project.objects.filter(pk__in=ids).values_list("pk", "code"),
        ActivityType: lambda ids: ActivityType.objects.filter(pk__in=ids).values_list("pk", "name"),
        Survey: lambda ids: Survey.objects.filter(pk__in=ids).values_list("pk", "title"),
        Question: lambda ids: [
            (question.pk, question)
            for question in Question.objects.filter(pk__in=ids).only("text", "choices")
        ],
        get_user_model(): lambda ids: (
            get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")
        ),
    }
    names = {model: dict(labels[model](ids)) for model, ids in related.items() if model in labels}
    questions = names.pop(Question, {})
    entries = []
    for model, rows in versions.items():
        # An answer's entry names its question already.
        hidden = {"visit", "response", "question"}
        fields = [f for f in model._meta.fields if f.name not in _NOT_SHOWN | hidden]
        previous = None
        for row in rows:
            if previous is not None and previous.id != row.id:
                previous = None
            changes = []
            if row.history_type != "-":
                for field in fields:
                    new = getattr(row, field.attname)
                    old = getattr(previous, field.attname) if previous is not None else None
                    if previous is None and new in (None, "", 0):
                        continue
                    if previous is not None and old == new:
                        continue
                    if model is Answer:
                        question = questions.get(row.question_id)
                        before, after = (_answer_label(question, v) for v in (old, new))
                    else:
                        before, after = (_display(field, v, names) for v in (old, new))
                    changes.append(
                        (
                            capfirst(field.verbose_name),
                            before if previous is not None else "",
                            after,
                        )
                    )
            if model is AssistanceRecord:
                what = _("Assistance: %(activity)s") % {
                    "activity": names.get(ActivityType, {}).get(row.activity_type_id, "?")
                }
            elif model is MonitoringVisit:
                what = _("Visit")
            elif model is Referral:
                what = _("Referral: %(issue)s") % {"issue": row.issue[:60]}
            elif model is FeedbackResponse:
                what = _("Feedback response #%(number)s: %(survey)s") % {
                    "number": row.id,
                    "survey": names.get(Survey, {}).get(row.survey_id, "?"),
                }
            elif model is Answer:
                question = questions.get(row.question_id)
                what = _("Feedback response #%(number)s, answer to “%(question)s”") % {
                    "number": row.response_id,
                    "question": question.text if question else "?",
                }
            else:
                what = _("Photo: %(caption)s") % {"caption": row.caption}
            entries.append(
                {
                    "when": row.history_date,
                    "who": row.history_user,
                    "what": what,
                    "action": _ACTIONS[row.history_type],
                    "reason": row.history_change_reason or "",
                    "changes": changes,
                }
            )
            previous = row
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries


# --- Monitors' imports, reviewed by managers --------------------------------------


def imports_to_review(user, *, limit: int = 20) -> list[dict]:
    """The monitors' imports with records waiting for ``user``'s review (a
    manager: in their scope), oldest first: ``id``, ``records``, ``people``,
    ``first`` and ``last`` delivery days, ``filename`` and ``owner`` (the
    user who imported it, or None). ``people`` counts each shared reach once
    (its lines record none). Three queries."""
    from beneficiaries.models import ImportBatch

    if user_role(user) not in (Role.MANAGER, Role.ADMIN):
        return []
    waiting = AssistanceRecord.objects.filter(
        import_batch__isnull=False,
        status=ReviewStatus.SUBMITTED,
        project__in=projects_for_user(user),
    )
    reaches = SharedReach.objects.filter(
        pk__in=waiting.filter(import_batch=OuterRef(OuterRef("import_batch"))).values("reach_id")
    )
    rows = list(
        waiting.values("import_batch")
        .annotate(
            records=Count("pk"),
            people=Sum("people") + Coalesce(_people_of(reaches), 0),
            first=Min("delivered_on"),
            last=Max("delivered_on"),
            created=Min("created_at"),
        )
        .order_by("created")[:limit]
    )
    batches = ImportBatch.objects.select_related("owner").in_bulk(
        [row["import_batch"] for row in rows]
    )
    return [
        {
            "id": row["import_batch"],
            "records": row["records"],
            "people": row["people"] or 0,
            "first": row["first"],
            "last": row["last"],
            "filename": batch.filename if (batch := batches.get(row["import_batch"])) else "",
            "owner": batch.owner if batch else None,
        }
        for row in rows
    ]


def _people_of(reaches: QuerySet[SharedReach]) -> Subquery:
    """The people of ``reaches`` summed, as a subquery of one value (NULL for none)."""
    total = Func(F("people"), function="SUM", output_field=IntegerField())
    return Subquery(reaches.order_by().annotate(total=total).values("total"))


def import_review_summary(user, batch_id) -> dict:
    """What ``user`` approves of import ``batch_id``: the records waiting in
    their scope by project and activity type (``rows``: records, units,
    households, people, first and last day), and the totals. A shared reach
    (its lines record no households or people of their own) counts once in
    each row holding one of its lines and once in the total, as the
    indicator engine counts it. Two queries."""
    records = import_records_to_review(user, batch_id)
    rows = list(
        records.values(
            "project__code",
            project_name=localised("project__name"),
            activity_type_name=localised("activity_type__name"),
        )
        .annotate(
            records=Count("pk"),
            units=Sum("units"),
            households=Sum("households"),
            people=Sum("people"),
            first=Min("delivered_on"),
            last=Max("delivered_on"),
        )
        .order_by("project__code", "activity_type_name")
    )
    # Each shared reach of the lines, once per row (project and activity type).
    reaches = (
        records.filter(reach__isnull=False)
        .order_by()
        .values(
            "project__code",
            "reach_id",
            "reach__households",
            "reach__people",
            activity_type_name=localised("activity_type__name"),
        )
        .distinct()
    )
    by_row: dict[tuple, dict[int, dict]] = {}
    for reach in reaches:
        key = (reach["project__code"], reach["activity_type_name"])
        by_row.setdefault(key, {})[reach["reach_id"]] = reach
    # The lines' own people, then each reach once (a reach with lines of two
    # activity types is in both rows, and once in the total).
    people = sum((row["people"] or 0 for row in rows), 0)
    once = {pk: r for found in by_row.values() for pk, r in found.items()}
    people += sum(r["reach__people"] for r in once.values())
    for row in rows:
        shared = by_row.get((row["project__code"], row["activity_type_name"]), {}).values()
        row["households"] = (row["households"] or 0) + sum(r["reach__households"] for r in shared)
        row["people"] = (row["people"] or 0) + sum(r["reach__people"] for r in shared)
    return {"rows": rows, "records": sum(row["records"] for row in rows), "people": people}


# --- Offline visit form -------------------------------------------------------------


def offline_reference(user) -> dict:
    """What the visit form needs with no connection, as JSON-ready data: the
    projects ``user`` may record a visit to (with their periods and sector,
    so the phone offers only those running on the date typed), the activity
    types with their sectors (none: every sector), the surveys, and the
    governorates of those projects. Four queries; nothing about people."""
    projects = list(visit_projects(user).order_by("code"))
    sectors: dict[int, list[int]] = {}
    for activity_id, sector_id in ActivityType.sectors.through.objects.values_list(
        "activitytype_id", "sector_id"
    ):
        sectors.setdefault(activity_id, []).append(sector_id)
    # A national or multi-place project has no governorate of its own.
    places = {p.governorate_id: p.governorate.name_iom for p in projects if p.governorate_id}
    return {
        "projects": [
            {
                "id": p.pk,
                "code": p.code,
                "name": p.name,
                "governorate": p.governorate_id,
                "start": p.start_date.isoformat(),
                "end": p.end_date.isoformat() if p.end_date else None,
                "sector": p.sector_id,
            }
            for p in projects
        ],
        "activity_types": [
            {"id": pk, "name": name, "sectors": sectors.get(pk, [])}
            for pk, name in ActivityType.objects.order_by("name").values_list("pk", "name")
        ],
        "surveys": [
            {"id": pk, "title": title}
            for pk, title in Survey.objects.order_by("title", "id").values_list("pk", "title")
        ],
        "places": [{"id": pk, "name": name} for pk, name in sorted(places.items())],
    }
