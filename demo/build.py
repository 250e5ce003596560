"""Building blocks of both modes: synchronising reference data and users,
and planning projects. The numpy column generators of records, visits,
referrals and feedback are in ``demo.columns``."""

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
    ActivityType,
    Question,
    Survey,
)
from demo import names
from demo.spec import (
    ACTIVITIES,
    AS_OF,
    BUDGETS,
    DEFAULT_SEED,
    DEMO_FIRST_DAY,
    DEMO_PASSWORD,
    DEMO_PREFIX,
    DEMO_USERS,
    DONOR_WEIGHTS,
    DONORS,
    EPOCH,
    GOVERNORATES,
    KRI,
    POPULATION_BY_AREA,
    PROGRAMME_DESCRIPTIONS,
    PROGRAMMES,
    QUESTIONS,
    RETAKEN,
    SECTOR_KINDS,
    SECTOR_PROJECT_NAMES,
    SECTORS,
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
                "name_en": p.name,
                **names.names_of(names.PROGRAMMES, p.code),
                "outcome_area": p.outcome_area,
                "description_en": PROGRAMME_DESCRIPTIONS[p.code],
                "description_ar": names.PROGRAMME_DESCRIPTIONS.get(p.code, ""),
                "start_date": p.start,
                "end_date": p.end,
            }
            for p in PROGRAMMES
        ],
    )
    sectors = _sync(
        Sector,
        "code",
        [{"code": c, "name_en": n, **names.names_of(names.SECTORS, c)} for c, n in SECTORS],
    )
    activities = _sync(ActivityType, "code", [_activity_row(a) for a in ACTIVITIES])
    for spec in ACTIVITIES:
        activity = activities[spec.code]
        wanted = {sectors[s].pk for s in spec.sectors}
        if set(activity.sectors.values_list("pk", flat=True)) != wanted:
            activity.sectors.set(wanted)
    _sync(Contribution, "reference", _contribution_rows(random.Random(seed), donors, programmes))
    title = {
        "title_en": SURVEY_TITLE,
        **names.names_of({SURVEY_CODE: names.SURVEY_TITLE}, SURVEY_CODE, "title"),
    }
    survey = _sync(Survey, "code", [{"code": SURVEY_CODE, **title}])[SURVEY_CODE]
    questions = []
    for position, (code, text, kind, options) in enumerate(QUESTIONS, start=1):
        values = {
            "text_en": text,
            "kind": kind,
            "choices_en": [[c, label] for c, label, _share in options],
            "position": position,
            **_question_names(code, options),
        }
        question = Question.objects.filter(survey=survey, code=code).first()
        if question is None:
            question = Question.objects.create(survey=survey, code=code, **values)
        elif any(getattr(question, k) != v for k, v in values.items()):
            Question.objects.filter(pk=question.pk).update(**values)
        questions.append(question)
    return Reference(governorates, donors, programmes, sectors, activities, survey, questions)


def _activity_row(spec) -> dict[str, Any]:
    """An activity type's row: code, and name and unit in each language."""
    row = {"code": spec.code, "name_en": spec.name, "unit_en": spec.unit}
    if spec.code in names.ACTIVITIES:
        for code, (name, unit) in zip(("ar", "ckb"), names.ACTIVITIES[spec.code], strict=True):
            row |= {f"name_{code}": name, f"unit_{code}": unit}
    return row


def _question_names(code: str, options) -> dict[str, Any]:
    """A question's text and answer labels in Arabic and Kurdish (the
    English answer codes, in their order), where ``demo/names.py`` has them."""
    if code not in names.QUESTIONS:
        return {}
    row = {}
    for language, (text, labels) in zip(("ar", "ckb"), names.QUESTIONS[code], strict=True):
        row[f"text_{language}"] = text
        row[f"choices_{language}"] = [[c, labels[c]] for c, _label, _share in options]
    return row


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
                given = Decimal(max(5_000, round(amount, -3))).quantize(Decimal("0.01"))
                rows.append(
                    {
                        "reference": f"{DEMO_PREFIX}{spec.code}-{donor}-{year}",
                        "donor_id": donors[donor].pk,
                        "programme_id": programmes[spec.code].pk,
                        "amount": given,
                        "amount_usd": given,
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
    _fit_budgets(plans, first_day)
    return plans


def _fit_budgets(plans: list[dict[str, Any]], first_day: date) -> None:
    """Scale each programme's project budgets (kept in proportion to their
    draws by kind) so that together they come to a little more than what its
    donors give over the generated years (``_contribution_rows``: the annual
    budget a year): a programme's page then reads "budget covered" near 95%,
    as a real programme's does, not the 2,000% of budgets drawn without it."""
    specs = {p.code: p for p in PROGRAMMES}
    drawn: dict[str, Decimal] = {}
    for plan in plans:
        drawn[plan["programme"]] = drawn.get(plan["programme"], Decimal(0)) + plan["budget_usd"]
    for plan in plans:
        spec = specs[plan["programme"]]
        first = max(first_day.year, spec.start.year)
        last = min(AS_OF.year, (spec.end or AS_OF).year)
        given = spec.annual_budget * max(1, last - first + 1)
        scale = Decimal(given) * Decimal("1.05") / drawn[plan["programme"]]
        plan["budget_usd"] = Decimal(round(plan["budget_usd"] * scale, -2)).quantize(
            Decimal("0.01")
        )


def _save_projects(ref: Reference, plans: list[dict[str, Any]]) -> dict[str, Project]:
    districts = dict(District.objects.values_list("pcode", "pk"))
    rows = []
    for plan in plans:
        row = dict(plan)
        row["programme_id"] = ref.programmes[row.pop("programme")].pk
        governorate, district = row.pop("governorate"), row.pop("district")
        # None: a project of several places, or national (``demo.scale_places``).
        row["governorate_id"] = ref.governorates[governorate].pk if governorate else None
        row["district_id"] = districts[district] if district else None
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
