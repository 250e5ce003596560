"""Building blocks of both modes: synchronising reference data and users,
planning projects, and the numpy column generators of records, visits,
referrals and feedback."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db import models

from beneficiaries.models import (
    RECIPIENT_FIELDS,
    ActivityType,
    Question,
    Survey,
)
from demo.spec import (
    ACTIVITIES,
    AGE_PROFILES,
    APPROVED,
    AS_OF,
    BUDGETS,
    CELL_COLUMN,
    DEFAULT_SEED,
    DEMO_FIRST_DAY,
    DEMO_PASSWORD,
    DEMO_PREFIX,
    DEMO_USERS,
    DONOR_WEIGHTS,
    DONORS,
    DRAFT,
    EPOCH,
    FINDINGS,
    GOVERNORATES,
    HOUSEHOLD_SIZE_SHARE,
    KRI,
    POPULATION_BY_AREA,
    PROGRAMME_DESCRIPTIONS,
    PROGRAMMES,
    QUESTIONS,
    REFERRAL_ISSUES,
    RETAKEN,
    RETURN_REASONS,
    RETURNED,
    SECTOR_KINDS,
    SECTOR_PROJECT_NAMES,
    SECTORS,
    SUBMITTED,
    SURVEY_CODE,
    SURVEY_TITLE,
    ProgrammeSpec,
    R,
)
from programmes.models import (
    Contribution,
    District,
    Donor,
    Governorate,
    Programme,
    Project,
    Sector,
    UserProfile,
)

Log = Callable[[str], None]


# --- Helpers ----------------------------------------------------------------------------


def _sync(model: type[models.Model], key: str, rows: Iterable[dict[str, Any]]) -> dict[Any, Any]:
    """Create or update ``model`` rows by their natural ``key``; a row is saved
    only when a value differs, so an unchanged rerun writes nothing (and no
    history). Values use attnames (``programme_id``). Returns key -> object."""
    rows = list(rows)
    existing = {
        getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": [r[key] for r in rows]})
    }
    result = {}
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model.objects.create(**row)
        else:
            changed = [name for name, value in row.items() if getattr(obj, name) != value]
            if changed:
                for name in changed:
                    setattr(obj, name, row[name])
                obj.save(update_fields=changed)
        result[row[key]] = obj
    return result


def _days(day: date) -> int:
    return (day - EPOCH).days


def _to_dates(days: np.ndarray) -> list[date]:
    return days.astype("datetime64[D]").astype(object).tolist()


def _date_strings(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D")


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` split into integers proportional to ``weights`` (largest remainder)."""
    share = weights / weights.sum() * total
    counts = np.floor(share).astype(np.int64)
    rest = total - counts.sum()
    if rest:
        counts[np.argsort(-(share - counts), kind="stable")[:rest]] += 1
    return counts


def _capped_weights(rng: np.random.Generator, base: np.ndarray, cap: float) -> np.ndarray:
    """Uneven weights (``base`` times lognormal noise) summing to 1, none above ``cap``."""
    weights = base * rng.lognormal(0.0, 0.9, len(base))
    weights /= weights.sum()
    for _ in range(100):
        over = weights > cap
        if not over.any():
            break
        weights[over] = cap
        free = ~over
        weights[free] *= (1.0 - cap * over.sum()) / weights[free].sum()
    return weights


# --- Reference data --------------------------------------------------------------------


@dataclass
class Reference:
    """The reference rows both modes build on, by code."""

    governorates: dict[str, Governorate]
    donors: dict[str, Donor]
    programmes: dict[str, Programme]
    sectors: dict[str, Sector]
    activities: dict[str, ActivityType]
    survey: Survey
    questions: list[Question]


def reference_ensure(*, seed: int = DEFAULT_SEED) -> Reference:
    """Donors, programmes (8, overlapping periods, all five outcome areas),
    contributions, sectors, activity types (each linked to the sectors it fits)
    and the feedback survey, created or brought up to date on their natural
    keys. Never creates governorates: the 18 rows come from a migration."""
    governorates = {g.pcode: g for g in Governorate.objects.order_by("pcode")}
    if len(governorates) != 18:
        raise RuntimeError(
            f"Expected the 18 governorates loaded by migrations, found {len(governorates)}: run migrate."
        )
    donors = _sync(Donor, "code", [{"code": c, "name": n, "kind": k} for c, n, k, _w in DONORS])
    programmes = _sync(
        Programme,
        "code",
        [
            {
                "code": p.code,
                "name": p.name,
                "outcome_area": p.outcome_area,
                "description": PROGRAMME_DESCRIPTIONS[p.code],
                "start_date": p.start,
                "end_date": p.end,
            }
            for p in PROGRAMMES
        ],
    )
    sectors = _sync(Sector, "code", [{"code": c, "name": n} for c, n in SECTORS])
    activities = _sync(
        ActivityType, "code", [{"code": a.code, "name": a.name, "unit": a.unit} for a in ACTIVITIES]
    )
    for spec in ACTIVITIES:
        activity = activities[spec.code]
        wanted = {sectors[s].pk for s in spec.sectors}
        if set(activity.sectors.values_list("pk", flat=True)) != wanted:
            activity.sectors.set(wanted)
    _sync(Contribution, "reference", _contribution_rows(random.Random(seed), donors, programmes))
    survey, _ = Survey.objects.get_or_create(code=SURVEY_CODE, defaults={"title": SURVEY_TITLE})
    if survey.title != SURVEY_TITLE:
        survey.title = SURVEY_TITLE
        survey.save(update_fields=["title"])
    questions = []
    for position, (code, text, kind, options) in enumerate(QUESTIONS, start=1):
        values = {
            "text": text,
            "kind": kind,
            "choices": [[c, label] for c, label, _share in options],
            "position": position,
        }
        question = Question.objects.filter(survey=survey, code=code).first()
        if question is None:
            question = Question.objects.create(survey=survey, code=code, **values)
        elif any(getattr(question, k) != v for k, v in values.items()):
            Question.objects.filter(pk=question.pk).update(**values)
        questions.append(question)
    return Reference(governorates, donors, programmes, sectors, activities, survey, questions)


def _contribution_rows(
    rng: random.Random, donors: dict[str, Donor], programmes: dict[str, Programme]
) -> list[dict[str, Any]]:
    """One contribution per donor, programme and year of the programme within
    the demo years; amounts follow the donor weights (USA about 70%)."""
    weights = DONOR_WEIGHTS
    rows = []
    for spec in PROGRAMMES:
        share = sum(weights[d] for d in spec.donors)
        for year in range(DEMO_FIRST_DAY.year, AS_OF.year + 1):
            start = max(date(year, 1, 1), spec.start)
            end = min(date(year, 12, 31), spec.end or date(year, 12, 31))
            if end < start + timedelta(days=60):
                continue
            for donor in spec.donors:
                amount = spec.annual_budget * weights[donor] / share * rng.lognormvariate(0, 0.25)
                received = start + timedelta(days=rng.randrange(0, 45))
                rows.append(
                    {
                        "reference": f"{DEMO_PREFIX}{spec.code}-{donor}-{year}",
                        "donor_id": donors[donor].pk,
                        "programme_id": programmes[spec.code].pk,
                        "amount_usd": Decimal(max(5_000, round(amount, -3))).quantize(
                            Decimal("0.01")
                        ),
                        "date": received,
                        "period_start": start,
                        "period_end": end,
                    }
                )
    return rows


def users_ensure(ref: Reference) -> dict[str, Any]:
    """The demo users with their profiles: ``admin`` (superuser), ``manager``,
    ``field`` and ``donor`` with password DEMO_PASSWORD, and monitors without a
    usable password for the other governorates. A password is set only when it
    does not already match, so a rerun changes nothing."""
    User = get_user_model()
    users = {}
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        created = user is None
        if created:
            user = User(username=spec.username)
        values = {
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@demo.iomdash.invalid",
            "is_superuser": spec.role == R.ADMIN,
            "is_staff": spec.role == R.ADMIN,
            "is_active": True,
        }
        changed = [k for k, v in values.items() if getattr(user, k) != v]
        for k in changed:
            setattr(user, k, values[k])
        if spec.login and not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed.append("password")
        elif not spec.login and created:
            user.set_unusable_password()
        if created:
            user.save()
        elif changed:
            user.save(update_fields=changed)
        donor_id = ref.donors[spec.donor].pk if spec.donor else None
        profile = UserProfile.objects.filter(user=user).first()
        if profile is None:
            profile = UserProfile.objects.create(user=user, role=spec.role, donor_id=donor_id)
        elif (profile.role, profile.donor_id) != (spec.role, donor_id):
            profile.role, profile.donor_id = spec.role, donor_id
            profile.save(update_fields=["role", "donor"])
        governorates = {ref.governorates[p].pk for p in spec.governorates}
        if set(profile.governorates.values_list("pk", flat=True)) != governorates:
            profile.governorates.set(governorates)
        programmes = {ref.programmes[p].pk for p in spec.programmes}
        if set(profile.programmes.values_list("pk", flat=True)) != programmes:
            profile.programmes.set(programmes)
        users[spec.username] = user
    return users


def demo_logins() -> list[tuple[str, str]]:
    """(user name, description) of the demo users that exist and can log in."""
    present = set(
        get_user_model()
        .objects.filter(username__in=[u.username for u in DEMO_USERS])
        .values_list("username", flat=True)
    )
    names = dict(Governorate.objects.values_list("pcode", "name_iom"))
    return [
        (u.username, u.describe(names)) for u in DEMO_USERS if u.login and u.username in present
    ]


def portfolio_exists() -> bool:
    """True when the database already holds a programme (``--if-empty`` skips then)."""
    return Programme.objects.exists()


# --- Projects --------------------------------------------------------------------------


@dataclass
class ProjectTable:
    """The projects records are generated for, as numpy columns (one row each)."""

    ids: np.ndarray
    codes: list[str]
    governorate: np.ndarray  # index into sorted P-codes
    programme: np.ndarray  # index into PROGRAMMES
    start: np.ndarray  # first day records may carry (epoch days)
    end: np.ndarray  # last day records may carry
    pool: np.ndarray  # activity indices (into ACTIVITIES) this project delivers, padded
    pool_size: np.ndarray
    population_cdf: np.ndarray  # (n, 4) cumulative shares of population groups

    def __len__(self) -> int:
        return len(self.ids)


def _sector_pools(spec: ProgrammeSpec) -> dict[str, list[int]]:
    """For each sector of the programme, the programme's activities that fit it."""
    pools = {}
    for sector in spec.sectors:
        pool = [
            i for i, a in enumerate(ACTIVITIES) if a.code in spec.activities and sector in a.sectors
        ]
        if pool:
            pools[sector] = pool
    return pools


# A project to plan: code, programme code, and the governorate and donor codes
# when they are fixed (None: drawn from the programme's areas and donors).
Slot = tuple[str, str, str | None, str | None]


def _plan_projects(
    rng: random.Random, slots: list[Slot], *, first_day: date, preparation_share: float
) -> list[dict[str, Any]]:
    """Project rows (by codes, FKs not resolved) for ``slots``, each inside its
    programme's period, in a sector the programme works in, funded by one of
    the programme's donors; ``preparation_share`` of them start after AS_OF."""
    specs = {p.code: p for p in PROGRAMMES}
    all_pcodes = sorted(GOVERNORATES)
    plans = []
    for code, programme_code, pcode, donor in slots:
        spec = specs[programme_code]
        if pcode is None:
            choices = list(spec.governorates or all_pcodes)
            pcode = rng.choices(choices, weights=[GOVERNORATES[c][0] for c in choices])[0]
        sector = rng.choice(sorted(_sector_pools(spec)))
        kinds = SECTOR_KINDS.get(sector, (Project.Kind.QIP, Project.Kind.CSP))
        kind = rng.choice(kinds)
        # Projects of older programmes may have started before the generated
        # years, so that the first months already see several projects at work.
        window_start = max(spec.start, first_day - timedelta(days=365))
        window_end = min(spec.end or AS_OF, AS_OF)
        prepared = (spec.end is None or spec.end > AS_OF + timedelta(days=120)) and (
            rng.random() < preparation_share
        )
        if prepared:
            start = AS_OF + timedelta(days=rng.randint(1, 90))
        else:
            latest = window_end - timedelta(days=90)
            start = window_start + timedelta(days=rng.randint(0, (latest - window_start).days))
        end = max(start + timedelta(days=30 * rng.randint(9, 48)), first_day + timedelta(days=180))
        if spec.end is not None:
            end = min(end, spec.end)
        status = (
            Project.Status.PREPARATION
            if start > AS_OF
            else Project.Status.COMPLETED
            if end < AS_OF
            else Project.Status.ONGOING
        )
        town, district = rng.choice(GOVERNORATES[pcode][1])
        low, high = BUDGETS[kind]
        if donor is None:
            donor = rng.choices(spec.donors, weights=[DONOR_WEIGHTS[d] for d in spec.donors])[0]
        plans.append(
            {
                "code": code,
                "name": f"{rng.choice(SECTOR_PROJECT_NAMES[sector])} — {town}",
                "programme": programme_code,
                "governorate": pcode,
                "district": district,
                "community": "",
                "sector": sector,
                "kind": kind,
                "status": status,
                "donor": donor,
                "start_date": start,
                "end_date": end,
                "budget_usd": Decimal(round(rng.uniform(low, high), -2)).quantize(Decimal("0.01")),
            }
        )
    return plans


def _save_projects(ref: Reference, plans: list[dict[str, Any]]) -> dict[str, Project]:
    districts = dict(District.objects.values_list("pcode", "pk"))
    rows = []
    for plan in plans:
        row = dict(plan)
        row["programme_id"] = ref.programmes[row.pop("programme")].pk
        row["governorate_id"] = ref.governorates[row.pop("governorate")].pk
        row["district_id"] = districts[row.pop("district")]
        row["sector_id"] = ref.sectors[row.pop("sector")].pk
        row["donor_id"] = ref.donors[row.pop("donor")].pk
        rows.append(row)
    return _sync(Project, "code", rows)


def _project_table(
    ref: Reference, plans: list[dict[str, Any]], projects: dict[str, Project], first_day: date
) -> ProjectTable:
    """Columns of the projects that can carry records (started by AS_OF)."""
    pcodes = sorted(GOVERNORATES)
    programme_index = {p.code: i for i, p in enumerate(PROGRAMMES)}
    active = [p for p in plans if p["start_date"] <= AS_OF]
    n = len(active)
    width = max(len(v) for p in PROGRAMMES for v in _sector_pools(p).values())
    pool = np.zeros((n, width), dtype=np.int64)
    pool_size = np.zeros(n, dtype=np.int64)
    population = np.zeros((n, 4))
    for i, plan in enumerate(active):
        spec = PROGRAMMES[programme_index[plan["programme"]]]
        members = _sector_pools(spec)[plan["sector"]]
        pool[i, : len(members)] = members
        pool_size[i] = len(members)
        area = (
            "kri"
            if plan["governorate"] in KRI
            else "retaken"
            if plan["governorate"] in RETAKEN
            else "other"
        )
        shares = np.array(POPULATION_BY_AREA[area])
        if spec.population:
            shares = 0.5 * shares + 0.5 * np.array(spec.population)
        population[i] = shares / shares.sum()
    return ProjectTable(
        ids=np.array([projects[p["code"]].pk for p in active], dtype=np.int64),
        codes=[p["code"] for p in active],
        governorate=np.array([pcodes.index(p["governorate"]) for p in active]),
        programme=np.array([programme_index[p["programme"]] for p in active]),
        start=np.array([_days(max(p["start_date"], first_day)) for p in active]),
        end=np.array([_days(min(p["end_date"], AS_OF)) for p in active]),
        pool=pool,
        pool_size=pool_size,
        population_cdf=np.cumsum(population, axis=1),
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
