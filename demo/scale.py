"""The scale mode (``scale_load``): N records shaped like
docs/BENCHMARK.md, loaded with PostgreSQL ``COPY`` in chunks."""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection, models, transaction

from beneficiaries.models import (
    RECIPIENT_FIELDS,
    SPLIT_FIELDS,
    Answer,
    AssistanceRecord,
    FeedbackResponse,
    MonitoringVisit,
    Referral,
)
from demo.build import (
    _allocate,
    _capped_weights,
    _date_strings,
    _plan_projects,
    _project_table,
    _save_projects,
    reference_ensure,
    users_ensure,
)
from demo.columns import (
    SPLIT_KIND_SHARES,
    SPLIT_KINDS,
    Calendar,
    feedback_generate,
    records_generate,
    referrals_generate,
    splits_partial,
    visit_links,
    visits_generate,
)
from demo.load import (
    REVIEWED_AT,
    SUBMITTED_AT,
    _generated_delete,
    _growth,
    _monitor_by_governorate,
    _table,
    _timestamps,
)
from demo.scale_places import (
    MULTI_PLACE_SHARE,
    NATIONAL_SHARE,
    coverage_fields,
    coverage_plan,
    coverage_save,
    places_table,
)
from demo.spec import (
    ACTIVITIES,
    AGE_GROUPS,
    APPROVED,
    AS_OF,
    BENCH_PREFIX,
    DEFAULT_SEED,
    DRAFT,
    FINDINGS,
    GENERATOR_VERSION,
    GOVERNORATES,
    HOUSEHOLD_SIZE_RANGE,
    HOUSEHOLD_SIZE_SHARE,
    MAX_PROJECT_SHARE,
    POPULATION_GROUPS,
    PROGRAMMES,
    QUESTIONS,
    REFERRAL_ISSUES,
    RETURN_REASONS,
    RETURNED,
    SCALE_CHUNK,
    SCALE_FIRST_DAY,
    SEXES,
    STATUSES,
)
from programmes.models import (
    Project,
)

Log = Callable[[str], None]


# --- Scale mode ------------------------------------------------------------------------------


def scale_project_count(n_records: int) -> int:
    """500 projects from 50,000 records up; fewer (down to 100) below, so that
    small test runs keep a realistic number of records per project."""
    return min(500, max(100, n_records // 100))


def scale_profile(n_records: int, *, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """A description of the data ``scale_load(n_records, seed)`` generates, for a
    benchmark to print and to compare with the profile of an existing database."""
    calendar = Calendar(SCALE_FIRST_DAY)
    donors = sorted({d for p in PROGRAMMES for d in p.donors})
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "records": n_records,
        "governorates": len(GOVERNORATES),
        "programmes": len(PROGRAMMES),
        "donors": len(donors),
        "projects": scale_project_count(n_records),
        "max_project_share": MAX_PROJECT_SHARE,
        "activity_types": len(ACTIVITIES),
        "months": len(calendar.months),
        "first_day": SCALE_FIRST_DAY.isoformat(),
        "last_day": AS_OF.isoformat(),
        "dates": "growth over time, spring and autumn peaks",
        "recipient_cells": f"sex x {len(AGE_GROUPS)} age groups x {len(POPULATION_GROUPS)} population groups",
        "splits": dict(zip(SPLIT_KINDS, SPLIT_KIND_SHARES, strict=True)),
        "places": "every record and visit in a sub-district of its project's coverage",
        "multi_place_project_share": MULTI_PLACE_SHARE,
        "national_project_share": NATIONAL_SHARE,
        "household_size_share": HOUSEHOLD_SIZE_SHARE,
        "household_size_range": list(HOUSEHOLD_SIZE_RANGE),
        "approved_share": 0.90,
        "visits": max(1, n_records // 10),
        "feedback_visit_share": 0.20,
    }


def _copy(model: type[models.Model], columns: list[str], frame: pd.DataFrame) -> None:
    """COPY ``frame`` (columns in order, NULL as \\N) into ``model``'s table."""
    buffer = io.StringIO()
    frame.to_csv(buffer, header=False, index=False, na_rep="\\N")
    buffer.seek(0)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {_table(model)} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )


def _reserve_ids(model: type[models.Model], count: int) -> int:
    """The first of ``count`` consecutive ids taken from ``model``'s sequence."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def _nullable(values: np.ndarray, missing: np.ndarray) -> pd.Series:
    return pd.Series(pd.array(np.where(missing, 0, values), dtype="Int64")).mask(missing)


LOADED_MODELS = (
    MonitoringVisit,
    AssistanceRecord,
    Referral,
    FeedbackResponse,
    Answer,
)


def _foreign_keys_drop(models_: Iterable[type[models.Model]]) -> list[tuple[str, str, str]]:
    """Drop the foreign keys of ``models_``' tables and return them (table,
    name, definition) for ``_foreign_keys_restore``.

    Why: Django's foreign keys are deferred, so COPY would queue one check per
    row (about 5 million for a million records) and run them at commit, which
    takes longer than the load itself. Added back afterwards, each key is
    validated by one join over the table: as strict, several times faster, and
    it needs only table ownership. Pending checks of earlier statements run
    first (SET CONSTRAINTS ALL IMMEDIATE), as PostgreSQL cannot alter a table
    with pending trigger events. All in the caller's transaction: a failure
    rolls the constraints back with the data.
    """
    tables = [model._meta.db_table for model in models_]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            [tables],
        )
        constraints = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    return constraints


def _foreign_keys_restore(constraints: list[tuple[str, str, str]]) -> None:
    """Add back the foreign keys ``_foreign_keys_drop`` removed, as they were;
    PostgreSQL validates each against the loaded rows."""
    with connection.cursor() as cursor:
        for table, name, definition in constraints:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's default


@transaction.atomic
def scale_load(*, n_records: int, seed: int = DEFAULT_SEED, log: Log = print) -> dict[str, Any]:
    """Load ``n_records`` assistance records shaped like docs/BENCHMARK.md (see
    ``scale_profile``) on ``BENCH-`` projects, with their recipient breakdown,
    N/10 monitoring visits, referrals and feedback on about 20% of visits.

    Guarantees: afterwards the ``BENCH-`` projects hold exactly this seed's
    data (an earlier scale load is deleted first), all 18 governorates have
    records, no project holds more than 2% of them, the 32 breakdown columns
    add up to people, every foreign key is valid. Columns are generated with
    numpy in chunks of 100,000 records and loaded with COPY (ids reserved from the
    tables' sequences), the foreign keys validated once at the end, then the
    tables analysed. One transaction: a failure leaves the database as it was.
    It locks the loaded tables until it ends, so run it on a database of its
    own (``make bench`` does). Returns the profile with the row counts and the
    elapsed seconds.
    """
    if n_records < 1:
        raise ValueError("n_records must be positive")
    started = time.monotonic()
    profile = scale_profile(n_records, seed=seed)
    ref = reference_ensure(seed=seed)
    users = users_ensure(ref)
    py_rng = random.Random(seed)
    n_projects = profile["projects"]
    codes = [f"{BENCH_PREFIX}{i + 1:04d}" for i in range(n_projects)]
    # The first 18 projects cover the governorates (CRP works everywhere), the
    # next ones every programme-donor pair; the rest follow programme sizes.
    fixed = [("CRP", pcode, None) for pcode in sorted(GOVERNORATES)]
    fixed += [(p.code, None, donor) for p in PROGRAMMES for donor in p.donors]
    drawn = py_rng.choices(
        [p.code for p in PROGRAMMES],
        weights=[p.demo_projects for p in PROGRAMMES],
        k=n_projects - len(fixed),
    )
    slots = [
        (code, *plan)
        for code, plan in zip(codes, fixed + [(p, None, None) for p in drawn], strict=True)
    ]
    plans = _plan_projects(py_rng, slots, first_day=SCALE_FIRST_DAY, preparation_share=0.0)
    coverage = coverage_plan(py_rng, plans, keep=len(GOVERNORATES))
    projects = _save_projects(ref, [coverage_fields(p, coverage[p["code"]]) for p in plans])
    _generated_delete(BENCH_PREFIX)
    with connection.cursor() as cursor:  # projects of an earlier, larger run
        cursor.execute(
            f"DELETE FROM {_table(Project)} WHERE code LIKE %s AND NOT (code = ANY(%s))",
            [BENCH_PREFIX + "%", codes],
        )
    coverage_save(projects, coverage)
    foreign_keys = _foreign_keys_drop(LOADED_MODELS)
    log(
        f"reference data, users and {n_projects} projects ready ({time.monotonic() - started:.1f}s)"
    )

    rng = np.random.default_rng([seed, 2])
    table = _project_table(ref, plans, projects, SCALE_FIRST_DAY)
    calendar = Calendar(SCALE_FIRST_DAY)
    places = places_table(np.random.default_rng([seed, 5]), table.codes, coverage)
    weights = _capped_weights(rng, _growth(table, SCALE_FIRST_DAY), MAX_PROJECT_SHARE * 0.9)
    per_project = _allocate(n_records, weights)
    rows = rng.permutation(np.repeat(np.arange(len(table)), per_project))
    days = calendar.sample(rng, table.start[rows], table.end[rows])
    order = np.argsort(days, kind="stable")
    rows, days = rows[order], days[order]

    visits = visits_generate(rng, table, calendar, per_project + 1, profile["visits"])
    n_visits = len(visits["day"])
    visit_first = _reserve_ids(MonitoringVisit, n_visits)
    monitors = _monitor_by_governorate(ref, users)
    manager = users["manager"].pk
    status_names = np.array(STATUSES, dtype=object)
    reviewed = np.isin(visits["status"], [APPROVED, RETURNED])
    submitted = visits["status"] != DRAFT
    visit_day = _date_strings(visits["day"])
    visit_places = places.sample(np.random.default_rng([seed, 6]), visits["project"])
    _copy(
        MonitoringVisit,
        ["id", "project_id", "monitor_id", "visit_date", "findings", "status", "return_reason",
         "submitted_at", "reviewed_at", "reviewed_by_id", "created_at", "updated_at",
         "subdistrict_id", "district_id", "governorate_id"],
        pd.DataFrame(
            {
                "id": visit_first + np.arange(n_visits),
                "project": table.ids[visits["project"]],
                "monitor": monitors[table.governorate[visits["project"]]],
                "day": visit_day,
                "findings": np.array(FINDINGS, dtype=object)[visits["findings"]],
                "status": status_names[visits["status"]],
                "reason": np.where(
                    visits["status"] == RETURNED,
                    np.array(RETURN_REASONS, dtype=object)[visits["reason"]],
                    "",
                ),
                "submitted": _timestamps(visits["submitted"], SUBMITTED_AT).where(submitted),
                "reviewed": _timestamps(visits["reviewed"], REVIEWED_AT).where(reviewed),
                "reviewer": _nullable(np.full(n_visits, manager), ~reviewed),
                "created": visit_day,
                "updated": visit_day,
                **visit_places,
            }
        ),
    )  # fmt: skip
    log(f"{n_visits:,} monitoring visits loaded ({time.monotonic() - started:.1f}s)")

    activity_ids = np.array([ref.activities[a.code].pk for a in ACTIVITIES])
    record_first = _reserve_ids(AssistanceRecord, n_records)
    total_cells = 0
    for offset in range(0, n_records, SCALE_CHUNK):
        chunk = slice(offset, min(offset + SCALE_CHUNK, n_records))
        chunk_rng = np.random.default_rng([seed, 3, offset])
        records, recipients = records_generate(chunk_rng, table, rows[chunk], days[chunk])
        links = visit_links(chunk_rng, visits, records)
        where = places.sample(np.random.default_rng([seed, 7, offset]), records["project"])
        cells, splits, missing = splits_partial(
            np.random.default_rng([seed, 8, offset]), recipients
        )
        n = len(records["day"])
        ids = record_first + offset + np.arange(n)
        day = _date_strings(records["day"])
        _copy(
            AssistanceRecord,
            ["id", "project_id", "activity_type_id", "visit_id", "delivered_on", "units",
             "households", "people", "household_size", "status", "created_at", "updated_at",
             "subdistrict_id", "district_id", "governorate_id", *RECIPIENT_FIELDS, *SPLIT_FIELDS],
            pd.DataFrame(
                {
                    "id": ids,
                    "project": table.ids[records["project"]],
                    "activity": activity_ids[records["activity"]],
                    "visit": _nullable(visit_first + links, links < 0),
                    "day": day,
                    "units": records["units"],
                    "households": records["households"],
                    "people": records["people"],
                    "size": _nullable(records["household_size"], records["household_size"] == 0),
                    "status": status_names[records["status"]],
                    "created": day,
                    "updated": day,
                    **where,
                    **{column: cells[:, i] for i, column in enumerate(RECIPIENT_FIELDS)},
                    **{c: _nullable(splits[c], missing[c]) for c in SPLIT_FIELDS},
                }
            ),
        )  # fmt: skip
        total_cells += int(np.count_nonzero(cells))
        log(
            f"{chunk.stop:,} / {n_records:,} assistance records loaded "
            f"({time.monotonic() - started:.1f}s)"
        )

    referrals = referrals_generate(rng, visits, share=0.06)
    n_referrals = len(referrals["visit"])
    if n_referrals:
        _copy(
            Referral,
            ["id", "visit_id", "issue", "referred_to", "closed_on"],
            pd.DataFrame(
                {
                    "id": _reserve_ids(Referral, n_referrals) + np.arange(n_referrals),
                    "visit": visit_first + referrals["visit"],
                    "issue": np.array([i for i, _t in REFERRAL_ISSUES], dtype=object)[referrals["issue"]],
                    "to": np.array([t for _i, t in REFERRAL_ISSUES], dtype=object)[referrals["issue"]],
                    "closed": pd.Series(_date_strings(referrals["closed"])).where(referrals["closed"] >= 0),
                }
            ),
        )  # fmt: skip
    responses, answers = feedback_generate(rng, table, visits, share=0.2, mean_responses=2.5)
    n_responses = len(responses["day"])
    if n_responses:
        response_ids = _reserve_ids(FeedbackResponse, n_responses) + np.arange(n_responses)
        _copy(
            FeedbackResponse,
            ["id", "survey_id", "project_id", "visit_id", "collected_on", "sex", "age_group",
             "population_group", "status"],
            pd.DataFrame(
                {
                    "id": response_ids,
                    "survey": np.full(n_responses, ref.survey.pk),
                    "project": table.ids[responses["project"]],
                    "visit": visit_first + responses["visit"],
                    "day": _date_strings(responses["day"]),
                    "sex": np.array(SEXES, dtype=object)[responses["sex"]],
                    "age": np.array(AGE_GROUPS, dtype=object)[responses["age"]],
                    "population": np.array(POPULATION_GROUPS, dtype=object)[responses["population"]],
                    "status": status_names[responses["status"]],
                }
            ),
        )  # fmt: skip
        n_answers = answers.size
        width = max(len(q[3]) for q in QUESTIONS)
        values = np.array(
            [[c for c, _l, _s in q[3]] + [""] * (width - len(q[3])) for q in QUESTIONS],
            dtype=object,
        )
        questions = np.array([q.pk for q in ref.questions])
        _copy(
            Answer,
            ["id", "response_id", "question_id", "value"],
            pd.DataFrame(
                {
                    "id": _reserve_ids(Answer, n_answers) + np.arange(n_answers),
                    "response": np.repeat(response_ids, len(QUESTIONS)),
                    "question": np.tile(questions, n_responses),
                    "value": values[
                        np.tile(np.arange(len(QUESTIONS)), n_responses), answers.ravel()
                    ],
                }
            ),
        )
    log(f"referrals and feedback loaded ({time.monotonic() - started:.1f}s)")

    _foreign_keys_restore(foreign_keys)
    log(f"foreign keys validated ({time.monotonic() - started:.1f}s)")
    with connection.cursor() as cursor:
        for model in LOADED_MODELS:
            cursor.execute(f"ANALYZE {_table(model)}")
    elapsed = time.monotonic() - started
    log(f"analysed; scale load finished in {elapsed:.1f}s")
    return {
        **profile,
        "loaded": {
            "assistance records": n_records,
            "recipient cells": total_cells,
            "monitoring visits": n_visits,
            "referrals": n_referrals,
            "feedback responses": n_responses,
            "answers": int(answers.size),
        },
        "elapsed_s": round(elapsed, 1),
    }
