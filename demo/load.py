"""The default mode (``demo_load``): the demo stack's data, and deleting the
generated records of a mode before they are made again."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection, models, transaction
from django.db.models import DateTimeField, F
from django.db.models.functions import Cast

from beneficiaries.models import (
    RECIPIENT_FIELDS,
    SPLIT_FIELDS,
    Answer,
    AssistanceRecord,
    FeedbackResponse,
    MonitoringVisit,
    Photo,
    Referral,
)
from demo.build import (
    ProjectTable,
    Reference,
    Slot,
    _allocate,
    _capped_weights,
    _date_strings,
    _days,
    _plan_projects,
    _project_table,
    _save_projects,
    _to_dates,
    reference_ensure,
    users_ensure,
)
from demo.columns import (
    Calendar,
    feedback_generate,
    records_generate,
    referrals_generate,
    split_arrays,
    visit_links,
    visits_generate,
)
from demo.national import national_project_load
from demo.photos import demo_photos_delete, demo_photos_load
from demo.shared_reach import shared_reach_load
from demo.spec import (
    ACTIVITIES,
    AGE_GROUPS,
    APPROVED,
    AS_OF,
    DEFAULT_SEED,
    DEMO_FIRST_DAY,
    DEMO_PREFIX,
    DEMO_RECORDS,
    DEMO_USERS,
    DEMO_VISITS,
    DRAFT,
    EPOCH,
    FINDINGS,
    GOVERNORATES,
    MAX_PROJECT_SHARE,
    POPULATION_GROUPS,
    PROGRAMMES,
    QUESTIONS,
    REFERRAL_ISSUES,
    RETURN_REASONS,
    RETURNED,
    SEXES,
    STATUSES,
    R,
)
from programmes.models import (
    Project,
)

Log = Callable[[str], None]


# --- Deleting generated data ---------------------------------------------------------------


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _generated_delete(prefix: str) -> None:
    """Delete the generated records of the projects whose code starts with
    ``prefix``, children first, in plain SQL (no history rows, no per-row
    signals). Links from other projects' records to these visits are cleared,
    as the model's SET_NULL would."""
    projects = f"SELECT id FROM {_table(Project)} WHERE code LIKE %s"
    visits = f"SELECT id FROM {_table(MonitoringVisit)} WHERE project_id IN ({projects})"
    responses = f"SELECT id FROM {_table(FeedbackResponse)} WHERE project_id IN ({projects})"
    statements = [
        f"DELETE FROM {_table(Answer)} WHERE response_id IN ({responses})",
        f"DELETE FROM {_table(FeedbackResponse)} WHERE project_id IN ({projects})",
        f"DELETE FROM {_table(AssistanceRecord)} WHERE project_id IN ({projects})",
        f"UPDATE {_table(AssistanceRecord)} SET visit_id = NULL WHERE visit_id IN ({visits})",
        f"UPDATE {_table(FeedbackResponse)} SET visit_id = NULL WHERE visit_id IN ({visits})",
        f"DELETE FROM {_table(Referral)} WHERE visit_id IN ({visits})",
        f"DELETE FROM {_table(Photo)} WHERE visit_id IN ({visits})",
        f"DELETE FROM {_table(MonitoringVisit)} WHERE project_id IN ({projects})",
    ]
    if prefix == DEMO_PREFIX:
        demo_photos_delete()
    pattern = prefix.replace("%", r"\%").replace("_", r"\_") + "%"
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, [pattern])


# --- Default mode ----------------------------------------------------------------------------


def _demo_slots() -> list[Slot]:
    """The demo projects: a fixed number per programme (so the set of codes
    never depends on the seed); the first 18 CRP projects one in each
    governorate; each programme's first projects one per donor of it."""
    pcodes = sorted(GOVERNORATES)
    slots = []
    for spec in PROGRAMMES:
        for k in range(spec.demo_projects):
            slots.append(
                (
                    f"{DEMO_PREFIX}{spec.code}-{k + 1:03d}",
                    spec.code,
                    pcodes[k] if spec.code == "CRP" and k < len(pcodes) else None,
                    spec.donors[k] if k < len(spec.donors) else None,
                )
            )
    return slots


def _growth(table: ProjectTable, first_day: date) -> np.ndarray:
    """A weight per project growing with its mid-date (0.6 at ``first_day`` to
    1.4 at AS_OF), so that record volumes grow over the years."""
    middle = (table.start + table.end) / 2
    t = (middle - _days(first_day)) / (_days(AS_OF) - _days(first_day))
    return 0.6 + 0.8 * np.clip(t, 0.0, 1.0)


@transaction.atomic
def demo_load(
    *,
    seed: int = DEFAULT_SEED,
    log: Log = print,
    n_records: int = DEMO_RECORDS,
    n_visits: int = DEMO_VISITS,
) -> dict[str, int]:
    """Load the demo stack for ``seed`` and return the number of rows of each kind.

    Guarantees: the reference data and demo users exist with the values this
    module defines; the ``DEMO-`` projects' generated records are exactly those
    of ``seed`` (earlier ones are deleted first, in the same transaction), so
    a rerun gives the same database and two databases the same content.
    """
    started = time.monotonic()
    ref = reference_ensure(seed=seed)
    users = users_ensure(ref)
    py_rng = random.Random(seed)
    rng = np.random.default_rng([seed, 1])
    plans = _plan_projects(py_rng, _demo_slots(), first_day=DEMO_FIRST_DAY, preparation_share=0.05)
    projects = _save_projects(ref, plans)
    log(f"reference data, users and {len(projects)} projects ready")
    _generated_delete(DEMO_PREFIX)

    table = _project_table(ref, plans, projects, DEMO_FIRST_DAY)
    calendar = Calendar(DEMO_FIRST_DAY)
    weights = _capped_weights(rng, _growth(table, DEMO_FIRST_DAY), MAX_PROJECT_SHARE)
    per_project = _allocate(n_records, weights)
    rows = np.repeat(np.arange(len(table)), per_project)
    days = calendar.sample(rng, table.start[rows], table.end[rows])
    order = np.argsort(days, kind="stable")  # ids grow with time, as if entered as delivered
    rows, days = rows[order], days[order]

    visits = visits_generate(rng, table, calendar, per_project + 2, n_visits)
    records, recipients = records_generate(rng, table, rows, days)
    links = visit_links(rng, visits, records)
    referrals = referrals_generate(rng, visits, share=0.15)
    responses, answers = feedback_generate(rng, table, visits, share=0.5, mean_responses=4.5)

    monitors = _monitor_by_governorate(ref, users)
    manager = users["manager"].pk
    visit_objects = MonitoringVisit.objects.bulk_create(
        [_visit_object(visits, i, table, monitors, manager) for i in range(len(visits["day"]))],
        batch_size=2000,
    )
    visit_ids = [v.pk for v in visit_objects]
    activity_ids = np.array([ref.activities[a.code].pk for a in ACTIVITIES])
    record_objects = AssistanceRecord.objects.bulk_create(
        [
            AssistanceRecord(
                project_id=project,
                activity_type_id=activity,
                visit_id=visit_ids[link] if link >= 0 else None,
                delivered_on=day,
                units=units,
                households=households,
                people=people,
                household_size=size or None,
                status=STATUSES[status],
                **dict(zip(RECIPIENT_FIELDS, breakdown, strict=True)),
                **dict(zip(SPLIT_FIELDS, splits, strict=True)),
            )
            for project, activity, link, day, units, households, people, size, status, breakdown, splits in zip(
                table.ids[records["project"]].tolist(),
                activity_ids[records["activity"]].tolist(),
                links.tolist(),
                _to_dates(records["day"]),
                records["units"].tolist(),
                records["households"].tolist(),
                records["people"].tolist(),
                records["household_size"].tolist(),
                records["status"].tolist(),
                recipients.tolist(),
                np.column_stack(list(split_arrays(recipients).values())).tolist(),
                strict=True,
            )
        ],
        batch_size=1000,
    )
    Referral.objects.bulk_create(
        [
            Referral(
                visit_id=visit_ids[visit],
                issue=REFERRAL_ISSUES[issue][0],
                referred_to=REFERRAL_ISSUES[issue][1],
                closed_on=EPOCH + timedelta(days=closed) if closed >= 0 else None,
            )
            for visit, issue, closed in zip(
                referrals["visit"].tolist(),
                referrals["issue"].tolist(),
                referrals["closed"].tolist(),
                strict=True,
            )
        ]
    )
    response_objects = FeedbackResponse.objects.bulk_create(
        [
            FeedbackResponse(
                survey=ref.survey,
                project_id=project,
                visit_id=visit_ids[visit],
                collected_on=day,
                sex=SEXES[sex],
                age_group=AGE_GROUPS[age],
                population_group=POPULATION_GROUPS[population],
                status=STATUSES[status],
            )
            for project, visit, day, sex, age, population, status in zip(
                table.ids[responses["project"]].tolist(),
                responses["visit"].tolist(),
                _to_dates(responses["day"]),
                responses["sex"].tolist(),
                responses["age"].tolist(),
                responses["population"].tolist(),
                responses["status"].tolist(),
                strict=True,
            )
        ],
        batch_size=2000,
    )
    options = [[code for code, _l, _s in q[3]] for q in QUESTIONS]
    Answer.objects.bulk_create(
        [
            Answer(response_id=response.pk, question=question, value=options[q][choice])
            for response, row in zip(response_objects, answers.tolist(), strict=True)
            for q, (question, choice) in enumerate(zip(ref.questions, row, strict=True))
        ],
        batch_size=5000,
    )
    national = national_project_load(ref)
    national |= shared_reach_load(ref)
    # bulk_create stamps "now"; records and visits look entered when they happened.
    demo = Project.objects.filter(code__startswith=DEMO_PREFIX)
    stamp = Cast(F("delivered_on"), DateTimeField())
    AssistanceRecord.objects.filter(project__in=demo).update(created_at=stamp, updated_at=stamp)
    stamp = Cast(F("visit_date"), DateTimeField())
    MonitoringVisit.objects.filter(project__in=demo).update(created_at=stamp, updated_at=stamp)

    photos = demo_photos_load(seed=seed)

    counts = {
        "projects": len(projects),
        "assistance records": len(record_objects),
        "recipient cells": int(np.count_nonzero(recipients)),
        "monitoring visits": len(visit_objects),
        "referrals": len(referrals["visit"]),
        "feedback responses": len(response_objects),
        "answers": int(answers.size),
        "photos": photos,
        **national,
    }
    log(
        "loaded "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        + f" in {time.monotonic() - started:.1f}s (seed {seed})"
    )
    return counts


def _monitor_by_governorate(ref: Reference, users: dict[str, Any]) -> np.ndarray:
    """User id of the monitor assigned to each governorate (sorted P-codes)."""
    by_pcode = {}
    for spec in DEMO_USERS:
        if spec.role == R.MONITOR:
            for pcode in spec.governorates:
                by_pcode[pcode] = users[spec.username].pk
    return np.array([by_pcode[p] for p in sorted(GOVERNORATES)])


# Fixed times of day (UTC) of submissions and reviews.
SUBMITTED_AT, REVIEWED_AT = 14, 9


def _aware(day: int, hour: int) -> datetime:
    """A fixed time of day (UTC) on an epoch day."""
    return datetime(1970, 1, 1, hour, tzinfo=UTC) + timedelta(days=day)


def _timestamps(days: np.ndarray, hour: int) -> pd.Series:
    """COPY text of ``_aware(day, hour)`` for each day."""
    return pd.Series(_date_strings(days)) + f" {hour:02d}:00:00+00"


def _visit_object(
    visits: dict[str, np.ndarray], i: int, table: ProjectTable, monitors: np.ndarray, manager: int
) -> MonitoringVisit:
    status = int(visits["status"][i])
    reviewed = status in (APPROVED, RETURNED)
    row = int(visits["project"][i])
    return MonitoringVisit(
        project_id=int(table.ids[row]),
        monitor_id=int(monitors[table.governorate[row]]),
        visit_date=EPOCH + timedelta(days=int(visits["day"][i])),
        findings=FINDINGS[visits["findings"][i]],
        status=STATUSES[status],
        return_reason=RETURN_REASONS[visits["reason"][i]] if status == RETURNED else "",
        submitted_at=_aware(int(visits["submitted"][i]), SUBMITTED_AT) if status != DRAFT else None,
        reviewed_at=_aware(int(visits["reviewed"][i]), REVIEWED_AT) if reviewed else None,
        reviewed_by_id=manager if reviewed else None,
    )
