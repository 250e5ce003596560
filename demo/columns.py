"""The numpy column generators of both modes (the demo and the benchmark's
scale load): the calendar of delivery months, and the columns of assistance
records, visits, referrals and feedback for a table of projects."""

from __future__ import annotations

from datetime import date

import numpy as np

from beneficiaries.models import RECIPIENT_FIELDS
from beneficiaries.models_splits import SPLITS, split_cells
from demo.build import ProjectTable, _allocate, _days
from demo.spec import (
    ACTIVITIES,
    AGE_PROFILES,
    APPROVED,
    AS_OF,
    CELL_COLUMN,
    DRAFT,
    FINDINGS,
    HOUSEHOLD_SIZE_SHARE,
    QUESTIONS,
    REFERRAL_ISSUES,
    RETURN_REASONS,
    RETURNED,
    SUBMITTED,
)

# --- Column generators (shared by both modes) --------------------------------------------

SEASON = np.array([0.70, 0.85, 1.15, 1.25, 1.20, 0.95, 0.70, 0.65, 1.00, 1.20, 1.30, 1.05])


class Calendar:
    """The months between ``first_day`` and AS_OF, weighted for growth over time
    (the last month about three times the first) and seasonal peaks (spring and
    autumn; summer heat and winter are quiet)."""

    def __init__(self, first_day: date):
        months = []
        year, month = first_day.year, first_day.month
        while (year, month) <= (AS_OF.year, AS_OF.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        self.months = months
        self.start = np.array([_days(date(y, m, 1)) for y, m in months])
        self.end = np.append(self.start[1:] - 1, _days(AS_OF))
        t = np.linspace(0.0, 1.0, len(months))
        weights = (0.5 + 1.0 * t) * SEASON[[m - 1 for _y, m in months]]
        self.cdf = np.concatenate([[0.0], np.cumsum(weights / weights.sum())])

    def month_of(self, days: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.start, days, side="right") - 1

    def sample(self, rng: np.random.Generator, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """One day per row between ``start`` and ``end`` (epoch days, inclusive),
        months drawn by the calendar's weights restricted to that range."""
        m0, m1 = self.month_of(start), self.month_of(end)
        low, high = self.cdf[m0], self.cdf[m1 + 1]
        u = low + rng.random(len(start)) * (high - low)
        month = np.clip(np.searchsorted(self.cdf, u, side="right") - 1, m0, m1)
        first = np.maximum(self.start[month], start)
        last = np.minimum(self.end[month], end)
        return first + np.floor(rng.random(len(start)) * (last - first + 1)).astype(np.int64)


def _status(rng: np.random.Generator, days: np.ndarray, recent_approved: float) -> np.ndarray:
    """Review status codes (APPROVED ...): about 93% approved, fewer in the last
    four months, where drafts and submissions wait for review."""
    recent = days > _days(AS_OF) - 120
    approved = rng.random(len(days)) < np.where(recent, recent_approved, 0.93)
    other = rng.choice([SUBMITTED, DRAFT, RETURNED], size=len(days), p=[0.45, 0.35, 0.20])
    return np.where(approved, APPROVED, other)


_ACT = {
    "units_low": np.array([a.units[0] for a in ACTIVITIES]),
    "units_high": np.array([a.units[1] for a in ACTIVITIES]),
    "ppu_low": np.array([a.people_per_unit[0] for a in ACTIVITIES]),
    "ppu_high": np.array([a.people_per_unit[1] for a in ACTIVITIES]),
    "households": np.array([a.households_per_person for a in ACTIVITIES]),
    "female": np.array([a.female for a in ACTIVITIES]),
    "age_cdf": np.cumsum([AGE_PROFILES[a.ages] for a in ACTIVITIES], axis=1),
}


def _pick(rng: np.random.Generator, cdf: np.ndarray) -> np.ndarray:
    """One category per row of a (rows, k) cumulative share table."""
    u = rng.random(len(cdf))[:, None]
    return np.minimum((u >= cdf).sum(axis=1), cdf.shape[1] - 1)


def records_generate(
    rng: np.random.Generator, table: ProjectTable, rows: np.ndarray, days: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Columns of assistance records for project rows ``rows`` (indices into
    ``table``) delivered on ``days``, and their recipient breakdown: an (n, 32)
    array whose columns are RECIPIENT_FIELDS, in that order.

    Guarantees: the activity is one the project's programme delivers in the
    project's sector; 1 <= households <= people; household_size is set on about
    30% of records, in 1..15; the breakdown (sex x age group x population group,
    at most four non-zero cells per record) adds up to people.
    """
    n = len(rows)
    activity = table.pool[rows, np.floor(rng.random(n) * table.pool_size[rows]).astype(np.int64)]
    low, high = _ACT["units_low"][activity], _ACT["units_high"][activity]
    units = low + np.floor((high - low + 1) * rng.random(n) ** 2).astype(np.int64)
    plow, phigh = _ACT["ppu_low"][activity], _ACT["ppu_high"][activity]
    per_unit = plow + np.floor((phigh - plow + 1) * rng.random(n) ** 1.5).astype(np.int64)
    people = np.maximum(units * per_unit, 1)
    households = np.clip(np.rint(people * _ACT["households"][activity]), 1, people).astype(np.int64)
    size = 1 + rng.binomial(14, 0.36, n)  # mean about 6, the average household in Iraq
    household_size = np.where(rng.random(n) < HOUSEHOLD_SIZE_SHARE, size, 0)
    status = _status(rng, days, recent_approved=0.5)
    records = {
        "project": rows,
        "activity": activity,
        "day": days,
        "units": units,
        "households": households,
        "people": people,
        "household_size": household_size,  # 0: not recorded
        "status": status,
    }
    # Recipients: one population group per record, one or two age groups, both sexes.
    population = _pick(rng, table.population_cdf[rows])
    age_cdf = _ACT["age_cdf"][activity]
    age1, age2 = _pick(rng, age_cdf), _pick(rng, age_cdf)
    split = (age2 != age1) & (people > 1) & (rng.random(n) < 0.4)
    part1 = np.where(split, rng.binomial(people, 0.7), people)
    part2 = people - part1
    female_share = np.clip(_ACT["female"][activity] + rng.normal(0, 0.08, n), 0.02, 0.98)
    f1, f2 = rng.binomial(part1, female_share), rng.binomial(part2, female_share)
    recipients = np.zeros((n, len(RECIPIENT_FIELDS)), dtype=np.int64)
    record = np.arange(n)
    # One statement per part, so that no (record, column) pair repeats within
    # one; age2 may equal age1 when part2 is 0, which then adds nothing.
    for sex, age, count in (
        (0, age1, f1),
        (1, age1, part1 - f1),
        (0, age2, f2),
        (1, age2, part2 - f2),
    ):
        recipients[record, CELL_COLUMN[sex, age, population]] += count
    return records, recipients


def split_arrays(recipients: np.ndarray) -> dict[str, np.ndarray]:
    """The ten split columns of records whose crossing is ``recipients`` (as
    from ``records_generate``): each the sum of its cells."""
    index = {column: i for i, column in enumerate(RECIPIENT_FIELDS)}
    return {
        column: recipients[:, [index[cell] for cell in split_cells(dimension, code)]].sum(axis=1)
        for dimension, columns in SPLITS.items()
        for code, column in columns.items()
    }


# How the benchmark's records were split (docs/BENCHMARK.md): crossed (sex x
# age group x population group), by sex only, by population group only, not at all.
SPLIT_KINDS = ("crossed", "sex", "population_group", "none")
SPLIT_KIND_SHARES = (0.70, 0.14, 0.10, 0.06)


def splits_partial(
    rng: np.random.Generator, recipients: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The recipients of records as recorded: about 70% crossed, the rest by
    sex only, by population group only or not split (SPLIT_KIND_SHARES).
    Returns the cells (zero where not crossed), the ten split columns and,
    per split column, where it is not recorded (NULL)."""
    kind = rng.choice(len(SPLIT_KINDS), size=len(recipients), p=SPLIT_KIND_SHARES)
    splits = split_arrays(recipients)
    kept = {
        "sex": np.isin(kind, [0, 1]),
        "age_group": kind == 0,
        "population_group": np.isin(kind, [0, 2]),
    }
    missing = {
        column: ~kept[dimension]
        for dimension, columns in SPLITS.items()
        for column in columns.values()
    }
    cells = np.where((kind == 0)[:, None], recipients, 0)
    return cells, splits, missing


def visits_generate(
    rng: np.random.Generator,
    table: ProjectTable,
    calendar: Calendar,
    weights: np.ndarray,
    count: int,
) -> dict[str, np.ndarray]:
    """Columns of ``count`` monitoring visits, spread over projects by
    ``weights`` and over each project's period; sorted by (project, day).
    About 88% approved; the recent ones more often draft or submitted, and
    none submitted or reviewed after AS_OF."""
    per_project = _allocate(count, weights)
    rows = np.repeat(np.arange(len(table)), per_project)
    days = calendar.sample(rng, table.start[rows], table.end[rows])
    order = np.lexsort((days, rows))
    rows, days = rows[order], days[order]
    status = _status(rng, days, recent_approved=0.35)
    submitted = days + rng.integers(0, 4, count)
    reviewed = submitted + rng.integers(1, 15, count)
    as_of = _days(AS_OF)
    status = np.where(np.isin(status, [APPROVED, RETURNED]) & (reviewed > as_of), SUBMITTED, status)
    status = np.where((status != DRAFT) & (submitted > as_of), DRAFT, status)
    return {
        "project": rows,
        "day": days,
        "status": status,
        "submitted": submitted,
        "reviewed": reviewed,
        "findings": rng.integers(0, len(FINDINGS), count),
        "reason": rng.integers(0, len(RETURN_REASONS), count),
    }


def visit_links(
    rng: np.random.Generator,
    visits: dict[str, np.ndarray],
    records: dict[str, np.ndarray],
    share: float = 0.35,
) -> np.ndarray:
    """For each record, the index of the visit that verified it (-1: none): for
    about ``share`` of records, the project's first visit on or within 120 days
    after the delivery."""
    key_v = visits["project"] * 100_000 + visits["day"]
    key_r = records["project"] * 100_000 + records["day"]
    found = np.searchsorted(key_v, key_r, side="left")
    safe = np.minimum(found, len(key_v) - 1)
    ok = (
        (found < len(key_v))
        & (visits["project"][safe] == records["project"])
        & (visits["day"][safe] - records["day"] <= 120)
        & (rng.random(len(key_r)) < share)
    )
    return np.where(ok, safe, -1)


def referrals_generate(
    rng: np.random.Generator, visits: dict[str, np.ndarray], share: float
) -> dict[str, np.ndarray]:
    """Referrals on about ``share`` of submitted, approved or returned visits,
    one or two each; about 70% closed 3..90 days later (never after AS_OF), the
    rest still open (closed = -1)."""
    eligible = (visits["status"] != DRAFT) & (rng.random(len(visits["day"])) < share)
    per_visit = np.where(eligible, 1 + (rng.random(len(eligible)) < 0.25), 0)
    visit = np.repeat(np.arange(len(eligible)), per_visit)
    closed = visits["day"][visit] + rng.integers(3, 91, len(visit))
    closed = np.where((rng.random(len(visit)) < 0.7) & (closed <= _days(AS_OF)), closed, -1)
    return {
        "visit": visit,
        "issue": rng.integers(0, len(REFERRAL_ISSUES), len(visit)),
        "closed": closed,
    }


def feedback_generate(
    rng: np.random.Generator,
    table: ProjectTable,
    visits: dict[str, np.ndarray],
    share: float,
    mean_responses: float,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Feedback responses collected on about ``share`` of visits (1 + Poisson
    responses each, on the visit's day, with the visit's status) and their
    answers: a (responses, questions) array of option indices drawn from each
    question's distribution (about 46% very satisfied)."""
    chosen = rng.random(len(visits["day"])) < share
    per_visit = np.where(chosen, 1 + rng.poisson(mean_responses - 1, len(chosen)), 0)
    visit = np.repeat(np.arange(len(chosen)), per_visit)
    n = len(visit)
    rows = visits["project"][visit]
    responses = {
        "visit": visit,
        "project": rows,
        "day": visits["day"][visit],
        "status": visits["status"][visit],
        "sex": (rng.random(n) < 0.55).astype(np.int64),  # 0 female, 1 male
        "age": _pick(rng, np.tile(np.cumsum([0.0, 0.12, 0.78, 0.10]), (n, 1))),
        "population": _pick(rng, table.population_cdf[rows]),
    }
    answers = (
        np.column_stack(
            [
                rng.choice(len(options), size=n, p=[s for _c, _l, s in options])
                for _code, _text, _kind, options in QUESTIONS
            ]
        )
        if n
        else np.zeros((0, len(QUESTIONS)), dtype=np.int64)
    )
    return responses, answers
