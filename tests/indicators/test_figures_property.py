"""Property: ``figures()`` equals a plain scan of the records, for every
source, every cut and any as-of day and period start; at a month end it
equals the stored running total."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from beneficiaries.models import (
    SPLITS,
    AssistanceRecord,
    FeedbackResponse,
    MonitoringVisit,
    Survey,
    recipient_field,
)
from beneficiaries.models_reach import SharedReach
from beneficiaries.models_splits import split_cells
from indicators.engine import recompute_full
from indicators.models import SPLIT_COLUMNS, HouseholdMultiplier, IndicatorValue
from indicators.selectors import FigureQuery, figures
from programmes.models import Contribution
from programmes.models_coverage import ProjectPlace
from tests.factories import (
    ActivityTypeFactory,
    DonorFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    district,
    governorate,
)
from tests.indicators.conftest import define

START = dt.date(2017, 1, 1)
CELLS = [
    ("f", "18-59", "idp"),
    ("m", "0-5", "returnee"),
    ("f", "60+", "host"),
    ("m", "6-17", "refugee"),
]
_SPLIT_KEYS = [(dimension, code) for dimension, columns in SPLITS.items() for code in columns]
STATUSES = ["approved", "approved", "approved", "submitted", "returned"]


def _day(month: int, which: int) -> dt.date:
    """A few days of each month (first, second, mid-month, last), so that
    records fall on as-of days, on period starts and on month ends."""
    first = dt.date(START.year + month // 12, month % 12 + 1, 1)
    if which < 3:
        return first + dt.timedelta(days=(0, 1, 14)[which])
    return (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


# 15 months, to March 2018.
day = st.builds(_day, st.integers(0, 14), st.integers(0, 3))
status = st.sampled_from(STATUSES)
assistance = st.fixed_dictionaries(
    {
        "project": st.integers(0, 2),
        "activity": st.integers(0, 1),
        "on": day,
        "households": st.integers(0, 6),
        "extra_people": st.integers(0, 4),
        "size": st.one_of(st.none(), st.integers(1, 15)),
        "status": status,
        "recipients": st.lists(st.integers(0, 3), min_size=4, max_size=4),
        # Splits as recorded: with or without the crossing (the cells above),
        # and per split column nothing (the cells' sum, or not recorded) or
        # some more people on top of the cells: sex only, groups only, any mix.
        "crossed": st.booleans(),
        "extra": st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=10, max_size=10),
    }
)
# A shared reach: lines of one project, place and day, of either activity type,
# each with its own status, reaching households together (counted once).
reach = st.fixed_dictionaries(
    {
        "project": st.integers(0, 2),
        "on": day,
        "households": st.integers(0, 9),
        "extra_people": st.integers(0, 4),
        "size": st.one_of(st.none(), st.integers(1, 15)),
        "women": st.one_of(st.none(), st.integers(0, 3)),
        "lines": st.lists(
            st.tuples(st.integers(0, 1), st.integers(0, 5), status), min_size=1, max_size=3
        ),
    }
)
visit = st.fixed_dictionaries({"project": st.integers(0, 2), "on": day, "status": status})
feedback = st.fixed_dictionaries(
    {
        "project": st.integers(0, 2),
        "on": day,
        "status": status,
        "sex": st.sampled_from(["f", "m", ""]),
        "age": st.sampled_from(["0-5", "18-59", "60+", ""]),
        "group": st.sampled_from(["idp", "host", ""]),
    }
)
contribution = st.fixed_dictionaries(
    {
        "programme": st.integers(0, 1),
        "donor": st.integers(0, 1),
        "on": day,
        "amount": st.integers(1, 9000),
    }
)
cut = st.sampled_from(
    [
        {},
        {"governorate": "IQG13"},
        {"governorate": "IQG15"},
        {"programmes": (0,)},
        {"programmes": (0, 1)},
        {"donor": 1},
        {"governorate": "IQG13", "donor": 1},
        {"project": 0},
        {"project": 2},
        {"project": 3},
        {"governorate": "IQG15", "programmes": (1,)},
        {"activity_type": 0},
        {"district": "IQG15Q05"},
        {"district": "IQG13Q01", "governorate": "IQG13"},
        {"district": "IQG13Q04"},
        {"governorate": "IQG13", "programmes": (0,), "activity_type": 1},
    ]
)
query = st.tuples(day, st.one_of(st.none(), day, day.map(lambda d: d.replace(day=1))), cut)


class Rollback(Exception):
    pass


@pytest.fixture
def reference(db):
    """What every example's world shares (``_Reference``), created once in the
    test's transaction: each example's records, rolled back after it, are
    what differs."""
    return _Reference()


@pytest.mark.django_db
@settings(
    # No shrinking: with a database per example it takes minutes.
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    assistance_specs=st.lists(assistance, max_size=10),
    reach_specs=st.lists(reach, max_size=3),
    visit_specs=st.lists(visit, max_size=5),
    feedback_specs=st.lists(feedback, max_size=6),
    contribution_specs=st.lists(contribution, max_size=4),
    project_days=st.lists(day, min_size=5, max_size=5),
    queries=st.lists(query, min_size=1, max_size=6),
)
def test_figures_equal_a_plain_scan(
    reference,
    assistance_specs,
    reach_specs,
    visit_specs,
    feedback_specs,
    contribution_specs,
    project_days,
    queries,
):
    try:
        with transaction.atomic():
            world = _World(reference, project_days)
            world.add(assistance_specs, visit_specs, feedback_specs, contribution_specs)
            world.add_reaches(reach_specs)
            recompute_full()
            asked = [
                world.query(code, as_of, start, spec)
                for code in world.definitions
                for as_of, start, spec in queries
            ]
            answers = figures(asked)
            for q in asked:
                expected = world.scan(q)
                got = answers[q]
                splits = dict(got.splits)
                if splits:
                    for dimension in SPLIT_COLUMNS:
                        splits[f"not recorded: {dimension}"] = got.not_recorded(dimension)
                assert (got.cumulative, got.period, splits, got.multiplier) == expected, q
            raise Rollback
    except Rollback:
        pass


class _Reference:
    """Two programmes, two donors, two activity types, a multiplier change
    mid-2017, and a definition of every source and measure."""

    def __init__(self):
        HouseholdMultiplier.objects.create(value=7, effective_from=dt.date(2017, 7, 1))
        self.programmes = [ProgrammeFactory(), ProgrammeFactory()]
        self.donors = [DonorFactory(), DonorFactory()]
        self.activities = [
            ActivityTypeFactory(code="bsp", name="BSP"),
            ActivityTypeFactory(code="vt", name="VT"),
        ]
        a = "assistance"
        self.definitions = {
            d.code: d
            for d in [
                define("people-x", source=a, measure="people", apply_multiplier=True),
                define(
                    "people-own", source=a, measure="people", apply_multiplier=True, multiplier=5
                ),
                define("people", source=a, measure="people"),
                define("bsp-units", source=a, measure="units", activity_types=[self.activities[0]]),
                define("households", source=a, measure="households"),
                define(
                    "bsp-households",
                    source=a,
                    measure="households",
                    activity_types=[self.activities[0]],
                ),
                define("records-monthly", source=a, measure="records", accumulation="periodic"),
                define("active-projects", source=a, measure="projects", accumulation="periodic"),
                define("visits", source="visits", measure="records"),
                define("visited", source="visits", measure="projects", accumulation="periodic"),
                define("feedback", source="feedback", measure="records"),
                define("budget", source="projects", measure="usd"),
                define("projects", source="projects", measure="records"),
                define("funds", source="contributions", measure="usd"),
                define("gifts", source="contributions", measure="records", accumulation="periodic"),
            ]
        }
        # The activity types each definition reads (none: all).
        self.kinds = {
            code: set(d.activity_types.values_list("pk", flat=True))
            for code, d in self.definitions.items()
        }


class _World:
    """Three one-place projects with records, one covering Kirkuk and Mosul
    district and one national (no records: they count as projects), and the
    reference data (``_Reference``)."""

    def __init__(self, reference: _Reference, project_days):
        self.programmes = reference.programmes
        self.donors = reference.donors
        self.activities = reference.activities
        self.definitions = reference.definitions
        self.kinds = reference.kinds
        # Each definition's facts, read once: the records do not change
        # while the example's queries are answered.
        self.facts: dict[str, list] = {}
        # Al-Mosul (Ninewa), Al-Hawiga (Kirkuk), and a Kirkuk project with no district.
        places = [("IQG15", "IQG15Q05"), ("IQG13", "IQG13Q01"), ("IQG13", None)]
        owners = [(0, 0), (1, 1), (0, 1)]
        self.projects = [
            ProjectFactory(
                governorate=governorate(pcode),
                district=district(dcode) if dcode else None,
                programme=self.programmes[p],
                donor=self.donors[d],
                start_date=start,
                budget_usd=Decimal(1000 * (index + 1)),
            )
            for index, ((pcode, dcode), (p, d), start) in enumerate(
                zip(places, owners, project_days[:3], strict=True)
            )
        ]
        # Several places (Kirkuk whole, Mosul district), and the whole country.
        multi, national = (
            ProjectFactory(
                governorate=None,
                national=index == 4,
                programme=self.programmes[index % 2],
                donor=self.donors[0],
                start_date=project_days[index],
                budget_usd=Decimal(1000 * (index + 1)),
            )
            for index in (3, 4)
        )
        ProjectPlace.objects.create(project=multi, governorate=governorate("IQG13"))
        ProjectPlace.objects.create(
            project=multi, governorate=governorate("IQG15"), district=district("IQG15Q05")
        )
        self.projects += [multi, national]
        # The governorates and districts each project covers, by P-code.
        self.covers = {
            p.pk: (
                {c.governorate.pcode for c in p.coverage.all()}
                | ({p.governorate.pcode} if p.governorate else set()),
                {c.district.pcode for c in p.coverage.all() if c.district}
                | ({p.district.pcode} if p.district else set()),
            )
            for p in self.projects
        }
        self.records = []  # (source, day, project index or None, fields)

    def add(self, assistance_specs, visit_specs, feedback_specs, contribution_specs):
        monitor = UserFactory()
        survey = Survey.objects.create(code="s", title="Survey")
        for spec in assistance_specs:
            split = spec["recipients"] if spec["crossed"] else [0, 0, 0, 0]
            cells = {recipient_field(*c): n for c, n in zip(CELLS, split, strict=True)}
            splits = {}
            for (dimension, code), extra in zip(_SPLIT_KEYS, spec["extra"], strict=True):
                base = sum(cells.get(cell, 0) for cell in split_cells(dimension, code))
                column = SPLITS[dimension][code]
                splits[column] = (
                    base + extra if extra is not None else (base if any(split) else None)
                )
            widest = max(
                sum(splits[column] or 0 for column in columns.values())
                for columns in SPLITS.values()
            )
            AssistanceRecord.objects.create(
                project=self.projects[spec["project"]],
                activity_type=self.activities[spec["activity"]],
                delivered_on=spec["on"],
                units=spec["households"] + 1,
                households=spec["households"],
                people=max(spec["households"], widest + spec["extra_people"]),
                household_size=spec["size"],
                status=spec["status"],
                **cells,
                **splits,
            )
        for spec in visit_specs:
            MonitoringVisit.objects.create(
                project=self.projects[spec["project"]],
                monitor=monitor,
                visit_date=spec["on"],
                status=spec["status"],
                return_reason="Photos missing" if spec["status"] == "returned" else "",
            )
        for spec in feedback_specs:
            FeedbackResponse.objects.create(
                survey=survey,
                project=self.projects[spec["project"]],
                collected_on=spec["on"],
                status=spec["status"],
                sex=spec["sex"],
                age_group=spec["age"],
                population_group=spec["group"],
            )
        for spec in contribution_specs:
            Contribution.objects.create(
                programme=self.programmes[spec["programme"]],
                donor=self.donors[spec["donor"]],
                date=spec["on"],
                period_start=spec["on"],
                period_end=spec["on"],
                amount=Decimal(spec["amount"]),
                amount_usd=Decimal(spec["amount"]),
            )

    def add_reaches(self, reach_specs):
        for spec in reach_specs:
            women = spec["women"]
            shared = SharedReach.objects.create(
                households=spec["households"],
                people=spec["households"] + spec["extra_people"] + (women or 0),
                household_size=spec["size"],
                sex_f=women,
            )
            for activity, units, line_status in spec["lines"]:
                AssistanceRecord.objects.create(
                    project=self.projects[spec["project"]],
                    activity_type=self.activities[activity],
                    delivered_on=spec["on"],
                    units=units,
                    reach=shared,
                    status=line_status,
                )

    def query(self, code, as_of, start, spec) -> FigureQuery:
        return FigureQuery(
            definition=code,
            as_of=as_of,
            period_start=start,
            programmes=tuple(self.programmes[i].pk for i in spec.get("programmes", ())),
            governorate=spec.get("governorate"),
            donor=self.donors[spec["donor"]].pk if "donor" in spec else None,
            project=self.projects[spec["project"]].pk if "project" in spec else None,
            activity_type=(
                self.activities[spec["activity_type"]].pk if "activity_type" in spec else None
            ),
            district=spec.get("district"),
        )

    # --- the plain scan -------------------------------------------------------

    def _multiplier(self, on: dt.date) -> int:
        return 7 if on >= dt.date(2017, 7, 1) else 6

    def _facts(self, definition):
        """(day, governorate P-code, programme, donor, district, project, activity,
        value, {split column: people}) of every record the definition counts."""
        if definition.source == "assistance":
            kinds = self.kinds[definition.code]
            for r in AssistanceRecord.objects.filter(status="approved").select_related(
                "project__governorate"
            ):
                if kinds and r.activity_type_id not in kinds:
                    continue
                measure = definition.measure
                if measure == "people" and definition.apply_multiplier:
                    size = (
                        r.household_size
                        or definition.multiplier
                        or self._multiplier(r.delivered_on)
                    )
                    v = r.households * size
                else:
                    v = {
                        "records": 1,
                        "projects": 1,
                        "units": r.units,
                        "households": r.households,
                        "people": r.people,
                    }[measure]
                splits = {}
                if definition.has_splits:
                    for dimension, columns in SPLIT_COLUMNS.items():
                        recorded = 0
                        for code, column in columns.items():
                            splits[column] = getattr(r, SPLITS[dimension][code]) or 0
                            recorded += splits[column]
                        splits[f"not recorded: {dimension}"] = r.people - recorded
                yield (r.delivered_on, r.project, {r.activity_type_id}, v, splits)
            yield from self._reach_facts(definition, kinds)
        elif definition.source in ("visits", "feedback"):
            model = MonitoringVisit if definition.source == "visits" else FeedbackResponse
            for r in model.objects.filter(status="approved").select_related("project"):
                on = r.visit_date if definition.source == "visits" else r.collected_on
                splits = {}
                if definition.has_splits:
                    for dimension, columns in SPLIT_COLUMNS.items():
                        for code, column in columns.items():
                            splits[column] = int(getattr(r, dimension) == code)
                        splits[f"not recorded: {dimension}"] = int(not getattr(r, dimension))
                yield (on, r.project, None, 1, splits)
        elif definition.source == "projects":
            for p in self.projects:
                p.refresh_from_db()
                v = p.budget_usd if definition.measure == "usd" else 1
                yield (p.start_date, p, None, v, {})
        else:
            for c in Contribution.objects.all():
                v = c.amount_usd if definition.measure == "usd" else 1
                yield (c.date, c, None, v, {})

    def _reach_facts(self, definition, kinds):
        """One fact per shared reach with an approved line the definition
        reads: the reach counted once, of the activity types of those lines."""
        for shared in SharedReach.objects.all():
            lines = [
                line
                for line in shared.lines.filter(status="approved").select_related("project")
                if not kinds or line.activity_type_id in kinds
            ]
            if not lines:
                continue
            on, project = lines[0].delivered_on, lines[0].project
            measure = definition.measure
            if measure == "people" and definition.apply_multiplier:
                size = shared.household_size or definition.multiplier or self._multiplier(on)
                v = shared.households * size
            else:
                v = {
                    "records": 0,
                    "projects": 1,
                    "units": 0,
                    "households": shared.households,
                    "people": shared.people,
                }[measure]
            splits = {}
            if definition.has_splits:
                for dimension, columns in SPLIT_COLUMNS.items():
                    recorded = 0
                    for code, column in columns.items():
                        splits[column] = getattr(shared, SPLITS[dimension][code]) or 0
                        recorded += splits[column]
                    splits[f"not recorded: {dimension}"] = shared.people - recorded
            yield (on, project, {line.activity_type_id for line in lines}, v, splits)

    def _in_cut(self, q: FigureQuery, owner, activity) -> bool:
        """Whether a record of ``owner`` (a project or a contribution) is in
        the cut: records (of one-place projects) where their project is, a
        project in each place it covers."""
        is_project = not isinstance(owner, Contribution)
        governorates, districts = self.covers[owner.pk] if is_project else (set(), set())
        return (
            (not q.programmes or owner.programme_id in q.programmes)
            and (q.governorate is None or q.governorate in governorates)
            and (q.donor is None or owner.donor_id == q.donor)
            and (q.project is None or (is_project and owner.pk == q.project))
            and (q.district is None or q.district in districts)
            and (q.activity_type is None or (activity is not None and q.activity_type in activity))
        )

    def scan(self, q: FigureQuery):
        definition = self.definitions[q.definition]
        cumulative, period = Decimal(0), Decimal(0)
        splits = {column: 0 for columns in SPLIT_COLUMNS.values() for column in columns.values()}
        splits.update({f"not recorded: {dimension}": 0 for dimension in SPLIT_COLUMNS})
        projects_ever, projects_in_period = set(), set()
        if definition.code not in self.facts:
            self.facts[definition.code] = list(self._facts(definition))
        for on, owner, activity, v, split in self.facts[definition.code]:
            if on > q.as_of or not self._in_cut(q, owner, activity):
                continue
            cumulative += v
            projects_ever.add(owner.pk)
            for column, n in split.items():
                splits[column] += n
            if q.period_start is not None and on >= q.period_start:
                period += v
                projects_in_period.add(owner.pk)
        if definition.measure == "projects":
            cumulative, period = Decimal(len(projects_ever)), Decimal(len(projects_in_period))
        multiplier = None
        if definition.apply_multiplier:
            multiplier = definition.multiplier or self._multiplier(q.as_of)
        return (
            cumulative,
            period if q.period_start is not None else None,
            splits if definition.has_splits else {},
            multiplier,
        )


@pytest.mark.django_db
def test_a_month_end_figure_is_the_stored_running_total(two_projects):
    from tests.indicators.conftest import record

    define("people", source="assistance", measure="people")
    ninewa, baghdad = two_projects
    record(ninewa, on=dt.date(2018, 1, 20), households=3, people=10)
    record(ninewa, on=dt.date(2018, 2, 28), households=1, people=4)
    record(baghdad, on=dt.date(2018, 2, 1), households=1, people=7)
    recompute_full()
    for as_of in (dt.date(2018, 1, 31), dt.date(2018, 2, 28)):
        for pcode in (None, "IQG15", "IQG13"):
            # Running totals are stored for the months in which a cell had data.
            stored = (
                IndicatorValue.objects.filter(
                    definition__code="people",
                    period_type="cumulative",
                    period_end__lte=as_of,
                    governorate=governorate(pcode) if pcode else None,
                    programme=None,
                    donor=None,
                )
                .order_by("-period_end")
                .first()
            )
            by_table = figures([FigureQuery("people", as_of, governorate=pcode)])
            [figure] = by_table.values()
            assert figure.cumulative == (stored.value if stored else 0)
            assert figure.splits["sex_f"] == (stored.sex_f if stored else 0)
    # The project cut reads the records: it equals its governorate's stored total.
    [ninewa_by_project] = figures(
        [FigureQuery("people", dt.date(2018, 2, 28), project=ninewa.pk)]
    ).values()
    assert ninewa_by_project.cumulative == 14


@pytest.mark.django_db
def test_mid_month_figures_count_the_days_of_the_month(two_projects):
    """ "As of 25 April" counts the records of 1 to 25 April, not the running
    total of 31 March; the period's own value sits beside the cumulative one."""
    from tests.indicators.conftest import record

    define("people", source="assistance", measure="people")
    ninewa, _ = two_projects
    record(ninewa, on=dt.date(2017, 3, 10), households=1, people=100)
    record(ninewa, on=dt.date(2017, 4, 15), households=1, people=150)
    record(ninewa, on=dt.date(2017, 4, 26), households=1, people=660)
    recompute_full()
    q = FigureQuery("people", dt.date(2017, 4, 25), period_start=dt.date(2017, 4, 1))
    figure = figures([q])[q]
    assert (figure.period, figure.cumulative) == (150, 250)
    assert figure.multiplier is None
