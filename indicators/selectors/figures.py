"""Exact figures on any day, at any cut: what snapshots ask for.

``figures(queries)`` answers many ``FigureQuery`` at once. Each asks for one
definition's value *as of* a calendar day (records dated on or before it),
optionally the value of a period (records dated from ``period_start`` to the
as-of day), within a cut: programmes, governorate, district, donor, project,
activity type (each "all" when empty).

How, per definition (two statements at most, whatever the number of figures):

- *From the value table* when the cut is one the table holds (governorate,
  programmes, donor), the definition adds up across periods and is active,
  and the period starts on a first of a month: the sum of the stored month
  values of the complete months up to the as-of day, plus the days of the
  as-of day's month, summed from the records at read time.
- *From the records* otherwise (project, district or activity-type cuts,
  distinct-project counts, periods starting mid-month): the definition's own
  rules applied to the approved records of the cut and the dates. Whole
  months come from the engine's cubes (the approved records summed per
  project, activity type and month, built once per call in temporary
  tables); the days of the incomplete months from the records themselves.

Both give what a plain scan of the records gives (``tests/indicators/
test_figures_property.py``), provided the value table is up to date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Prefetch

from beneficiaries.models import ActivityType
from indicators import sources
from indicators.engine import facts
from indicators.models import SPLIT_FIELDS, IndicatorDefinition, IndicatorValue, not_recorded
from indicators.periods import ONE_DAY, add_months, is_month_end, month_end, month_start
from indicators.sources.sql import PROJECTS
from programmes.models import District, Governorate

Measure = IndicatorDefinition.Measure

VALUES = IndicatorValue._meta.db_table


@dataclass(frozen=True)
class FigureQuery:
    """One figure to read. Hashable: it is the key of ``figures()``' answer."""

    definition: str  # IndicatorDefinition.code
    as_of: dt.date  # the cumulative value counts records dated <= as_of
    period_start: dt.date | None = None  # the period value counts period_start..as_of
    programmes: tuple[int, ...] = ()  # () = every programme (a portfolio is several)
    governorate: str | None = None  # P-code, e.g. "IQG15"
    donor: int | None = None
    project: int | None = None
    activity_type: int | None = None
    district: str | None = None  # a district P-code, e.g. "IQG15Q05" (Al-Mosul)

    @property
    def stored_cut(self) -> bool:
        """Whether the value table holds this cut (it has no district,
        project or activity type)."""
        return self.project is None and self.activity_type is None and self.district is None


@dataclass(frozen=True)
class Figure:
    """A figure's numbers. ``period`` is None when no period was asked.
    ``splits`` maps the split columns (``sex_f``, ``age_0_5``, ``pop_idp``...)
    to the people of the *cumulative* value, for definitions with splits
    ({} otherwise). ``multiplier`` is the household multiplier in force on the
    as-of day for definitions that apply one (for the star footnote), else None."""

    period: Decimal | None
    cumulative: Decimal
    splits: dict[str, int]
    multiplier: int | None

    def not_recorded(self, dimension: str) -> int | None:
        """The people of the cumulative value not split along ``dimension``
        ("sex", "age_group", "population_group"), or None without splits."""
        return not_recorded(self.cumulative, self.splits, dimension) if self.splits else None


def figures(queries: Iterable[FigureQuery]) -> dict[FigureQuery, Figure]:
    """The figure of every query: approved records only, exact to the day for
    every cut, at most two SQL statements per definition asked, plus four to
    load the definitions and one per record table whose cube a figure needs. An unknown definition code raises
    ``IndicatorDefinition.DoesNotExist``; an unknown governorate or district
    P-code gives zeros (no record is in it). A cut a source cannot have (a governorate or
    project for contributions, an activity type for anything but assistance
    records) gives zeros too.

    ``cumulative`` counts every record dated up to ``as_of``, for periodic
    definitions too; for distinct projects it counts each project once."""
    queries = list(dict.fromkeys(queries))
    if not queries:
        return {}
    codes = {q.definition for q in queries}
    definitions = {
        d.code: d
        for d in IndicatorDefinition.objects.filter(code__in=codes).prefetch_related(
            Prefetch("activity_types", queryset=ActivityType.objects.only("pk")),
            "sectors",
            "programmes",
        )
    }
    missing = codes - definitions.keys()
    if missing:
        raise IndicatorDefinition.DoesNotExist(
            f"no indicator definition {', '.join(sorted(missing))}"
        )
    pcodes = {q.governorate for q in queries if q.governorate}
    governorates = dict(Governorate.objects.filter(pcode__in=pcodes).values_list("pcode", "pk"))
    pcodes = {q.district for q in queries if q.district}
    districts = dict(District.objects.filter(pcode__in=pcodes).values_list("pcode", "pk"))
    multipliers = facts.Multipliers.load()
    answers: dict[FigureQuery, Figure] = {}
    by_definition: dict[str, list[FigureQuery]] = defaultdict(list)
    for query in queries:
        by_definition[query.definition].append(query)
    readers = {
        code: _Reader(definitions[code], multipliers, governorates, districts)
        for code in by_definition
    }
    # The figures read from the records need the cubes of their sources.
    from_records = [
        (r, q)
        for code, r in readers.items()
        if r.d.source in facts.CUBED_SOURCES
        for q in by_definition[code]
        if not r._stored(q)
    ]
    # The cubes are temporary tables dropped at the end of this transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        splits = any(r.d.has_splits for r in readers.values())
        for source in sorted({r.d.source for r, _q in from_records}):
            asked = [(r, q) for r, q in from_records if r.d.source == source]
            facts.build_cubes(
                cursor,
                None,
                sources={source},
                splits=splits,
                project_ids=_cube_projects(cursor, [r.cube_projects(q) for r, q in asked]),
                activity_type_ids=_union([r.cube_activity_types(q) for r, q in asked]),
                places=_places([(r._governorate(q), r._district(q)) for r, q in asked]),
            )
        for code, asked in by_definition.items():
            answers.update(readers[code].read(cursor, asked))
    return answers


def _cube_projects(cursor, cuts: list[tuple[str, list] | None]) -> list[int] | None:
    """The ids of the projects in any of ``cuts`` (SQL conditions on the
    project ``p``, see ``_Reader.cube_projects``), or None (every project)
    when one cut holds them all. One query (none for None)."""
    if not cuts or any(cut is None for cut in cuts):
        return None
    either = " OR ".join(f"({sql})" for sql, _params in cuts)
    cursor.execute(
        f"SELECT p.id FROM {PROJECTS} p WHERE {either}",
        [param for _sql, params in cuts for param in params],
    )
    return [row[0] for row in cursor.fetchall()]


def _places(cuts: list[tuple[int | None, int | None]]) -> tuple[list[int], list[int]] | None:
    """The governorates and districts the figures cut, (governorate, district)
    each: records by their own place, a district where one is cut, else its
    governorate. None when a figure cuts no place (it reads every record)."""
    governorates, districts = set(), set()
    for governorate, district in cuts:
        if district is not None:
            districts.add(district)
        elif governorate is not None:
            governorates.add(governorate)
        else:
            return None
    return sorted(governorates), sorted(districts)


def _union(sets: list[set[int] | None]) -> list[int] | None:
    """Every id in ``sets``; None (no restriction) when one of them is None."""
    if not sets or any(ids is None for ids in sets):
        return None
    return sorted(set().union(*sets))


def _last_month_end(day: dt.date) -> dt.date:
    """The last day of the latest complete month on or before ``day``."""
    return day if is_month_end(day) else month_start(day) - ONE_DAY


class _Reader:
    """The SQL of one definition for many queries."""

    def __init__(
        self, definition, multipliers, governorates: dict[str, int], districts: dict[str, int]
    ):
        self.d = definition
        self.multipliers = multipliers
        self.governorates = governorates
        self.districts = districts
        # The engine's filters, read from the prefetched relations.
        self.sql = facts.DefinitionSQL(definition, multipliers, None)

    def _stored(self, query: FigureQuery) -> bool:
        return (
            query.stored_cut
            and self.d.is_active
            and self.d.adds_up_across_periods
            and (query.period_start is None or query.period_start.day == 1)
        )

    def read(self, cursor, queries: list[FigureQuery]) -> dict[FigureQuery, Figure]:
        totals = {q: _Totals() for q in queries}
        # Records from ``lo`` on: every record for the records path, the
        # as-of day's incomplete month for the stored path.
        ranges = {}
        stored = [q for q in queries if self._stored(q)]
        for query in queries:
            lo = _last_month_end(query.as_of) + ONE_DAY if query in stored else None
            if lo is None or lo <= query.as_of:
                ranges[query] = lo
        if stored:
            self._read_stored(cursor, stored, totals)
        if ranges:
            self._read_records(cursor, ranges, totals)
        multiplier = self._multiplier
        return {
            q: Figure(
                period=t.period if q.period_start is not None else None,
                cumulative=t.cumulative,
                splits=t.splits if self.d.has_splits else {},
                multiplier=multiplier(q.as_of),
            )
            for q, t in totals.items()
        }

    def _multiplier(self, day: dt.date) -> int | None:
        if not self.d.apply_multiplier:
            return None
        if self.d.multiplier:
            return self.d.multiplier
        versions = self.multipliers.versions  # newest first
        for version in versions:
            if version.effective_from <= day:
                return version.value
        return versions[-1].value if versions else None

    # What a figure read from the records reads: its cubes need hold no more
    # (``facts.build_cubes``). A cube of only these records gives it what a
    # cube of all gives, as ``_read_records`` cuts the facts the same way
    # (and the definition filters them the same way): a district's figure
    # sums the records of its few projects, not the million of the mission.

    def cube_projects(self, query: FigureQuery) -> tuple[str, list] | None:
        """SQL conditions on a project ``p`` that hold the projects of
        ``query``'s cut and of the definition's filters; None for every
        project."""
        # Not the cut's governorate or district: records carry their own place
        # (a national project's sit in many); build_cubes cuts those.
        sql, params = self.sql.project_filters("p")
        for column, value in (
            ("p.donor_id", query.donor),
            ("p.id", query.project),
        ):
            if value is not None:
                sql += f" AND {column} = %s"
                params.append(value)
        if query.programmes:
            sql += " AND p.programme_id = ANY(%s)"
            params.append(list(query.programmes))
        return ("TRUE" + sql, params) if sql else None

    def cube_activity_types(self, query: FigureQuery) -> set[int] | None:
        """The activity types ``query`` and the definition read; None for all."""
        kinds = set(self.sql.activity_types) or None
        if query.activity_type is None:
            return kinds
        return {query.activity_type} & kinds if kinds else {query.activity_type}

    def _governorate(self, query: FigureQuery) -> int | None:
        """The governorate's id, -1 for an unknown P-code (matches nothing)."""
        if query.governorate is None:
            return None
        return self.governorates.get(query.governorate, -1)

    def _district(self, query: FigureQuery) -> int | None:
        """The district's id, -1 for an unknown P-code (matches nothing)."""
        if query.district is None:
            return None
        return self.districts.get(query.district, -1)

    def _read_stored(self, cursor, queries: list[FigureQuery], totals) -> None:
        """Sum the month values of the complete months, one branch per query
        (each an index range scan of one cell)."""
        parts, params = [], []
        split_sums = ", ".join(f"COALESCE(SUM(t.{c}), 0)" for c in SPLIT_FIELDS)
        for index, query in enumerate(queries):
            cut, cut_params = self._stored_cut(query)
            parts.append(
                f"SELECT %s::int, COALESCE(SUM(t.value), 0), "
                f"COALESCE(SUM(t.value) FILTER (WHERE t.period_start >= %s::date), 0), "
                f"{split_sums} FROM {VALUES} t WHERE t.definition_id = %s{cut} "
                f"AND t.period_end <= %s AND t.period_type = 'month'"
            )
            params += [
                index,
                query.period_start or dt.date.max,
                self.d.pk,
                *cut_params,
                _last_month_end(query.as_of),
            ]
        cursor.execute(" UNION ALL ".join(parts), params)
        for index, cumulative, period, *splits in cursor.fetchall():
            totals[queries[index]].add(cumulative, period, splits)

    def _stored_cut(self, query: FigureQuery) -> tuple[str, list]:
        sql, params = "", []
        governorate = self._governorate(query)
        if governorate is None:
            sql += " AND t.governorate_id IS NULL"
        else:
            sql += " AND t.governorate_id = %s"
            params.append(governorate)
        if query.programmes:
            sql += " AND t.programme_id = ANY(%s)"
            params.append(list(query.programmes))
        else:
            sql += " AND t.programme_id IS NULL"
        if query.donor is None:
            sql += " AND t.donor_id IS NULL"
        else:
            sql += " AND t.donor_id = %s"
            params.append(query.donor)
        return sql, params

    def _read_records(self, cursor, ranges: dict[FigureQuery, dt.date | None], totals) -> None:
        """One statement: the definition's facts summed per month once, the
        whole months of each query's window read from those sums, and only
        the days of its incomplete months (its first, its last, the one its
        period starts in) read from the records; summed per query. Distinct
        projects are counted over both parts together."""
        queries = list(ranges)
        rows, params, edges, whole_months = [], [], set(), []
        for index, query in enumerate(queries):
            lo, hi = ranges[query] or dt.date(1, 1, 1), query.as_of
            plo = query.period_start or dt.date.max
            mlo = lo if lo.day == 1 else add_months(lo, 1)  # first whole month
            mhi = month_start(_last_month_end(hi) + ONE_DAY) - ONE_DAY  # last whole month's end
            split = month_start(plo) if plo.day != 1 and mlo <= plo <= mhi else None
            whole_months.append(_Window(mlo, mhi))
            if mlo > mhi:
                edges.add((lo, hi))
            else:
                if lo < mlo:
                    edges.add((lo, mlo - ONE_DAY))
                if mhi < hi:
                    edges.add((mhi + ONE_DAY, hi))
                if split:
                    edges.add((split, month_end(split)))
            rows.append(
                "(%s::int, %s::date, %s::date, %s::date, %s::date, %s::date, %s::date, "
                "%s::bigint[], %s::bigint, %s::bigint, %s::bigint, %s::bigint, %s::bigint)"
            )
            params += [
                index,
                lo,
                hi,
                plo,
                mlo,
                month_start(mhi),
                split,
                list(query.programmes),
                self._governorate(query),
                self._district(query),
                query.donor,
                query.project,
                query.activity_type,
            ]
        day_facts, facts_params = self._day_facts(sorted(edges))
        splits = ", ".join(SPLIT_FIELDS)
        sum_splits = ", ".join(f"SUM(f.{c}) AS {c}" for c in SPLIT_FIELDS)
        whole = "x.m >= q.mlo AND x.m <= q.mhi AND x.m IS DISTINCT FROM q.split"
        cut = (
            "(cardinality(q.progs) = 0 OR x.pr = ANY(q.progs)) "
            "AND (q.g IS NULL OR x.g = q.g) AND (q.dist IS NULL OR x.dist = q.dist) "
            "AND (q.d IS NULL OR x.d = q.d) AND (q.proj IS NULL OR x.project_id = q.proj) "
            "AND (q.at IS NULL OR q.at = ANY(x.at))"
        )
        if self.d.measure == Measure.PROJECTS:
            cumulative = "COUNT(DISTINCT r.project_id)"
            period = "COUNT(DISTINCT r.project_id) FILTER (WHERE r.in_period)"
        else:
            cumulative = "COALESCE(SUM(r.v), 0)"
            period = "COALESCE(SUM(r.v) FILTER (WHERE r.in_period), 0)"
        split_sums = ", ".join(f"COALESCE(SUM(r.{c}), 0)" for c in SPLIT_FIELDS)
        keys = "g, pr, d, dist, project_id, at"
        # A source repeating a record once per place it covers: once per figure.
        counted = "r"
        if sources.get(self.d.source).once_per_project:
            counted = "(SELECT DISTINCT ON (r.i, r.project_id) * FROM r) r"
        if not any(q.mlo <= q.mhi for q in whole_months):
            month_facts, month_params = self._day_facts([])  # no whole month asked
        elif self.d.source in facts.CUBED_SOURCES:
            # The month sums of the cubes figures() built, as the engine reads them.
            month_facts, month_params = self.sql.facts()
            month_facts = f"SELECT f.m AS day, {keys}, f.v, {splits} FROM ({month_facts}) f"
        else:
            month_facts, month_params = self._day_facts(None)
        cursor.execute(
            f"WITH q(i, lo, hi, plo, mlo, mhi, split, progs, g, dist, d, proj, at) AS "
            f"(VALUES {', '.join(rows)}), "
            f"fm AS (SELECT date_trunc('month', f.day)::date AS m, {keys}, SUM(f.v) AS v, "
            f"{sum_splits} FROM ({month_facts}) f GROUP BY 1, {keys}), "
            f"fe AS ({day_facts}), "
            f"r AS (SELECT q.i, x.project_id, x.v, x.m >= q.plo AS in_period, {splits} "
            f"FROM q JOIN fm x ON {whole} AND {cut} "
            f"UNION ALL SELECT q.i, x.project_id, x.v, x.day >= q.plo, {splits} "
            f"FROM q JOIN fe x ON x.day >= q.lo AND x.day <= q.hi "
            f"AND NOT (date_trunc('month', x.day)::date >= q.mlo "
            f"AND date_trunc('month', x.day)::date <= q.mhi "
            f"AND date_trunc('month', x.day)::date IS DISTINCT FROM q.split) AND {cut}) "
            f"SELECT r.i, {cumulative}, {period}, {split_sums} FROM {counted} GROUP BY r.i",
            params + month_params + facts_params,
        )
        for index, cumulative, period, *splits in cursor.fetchall():
            totals[queries[index]].add(cumulative, period, splits)

    def _day_facts(self, edges: list[tuple[dt.date, dt.date]] | None) -> tuple[str, list]:
        """SELECT day, g, pr, d, dist, project_id, at, v and the split
        columns: one row per approved record the definition counts, dated in
        one of the ``edges`` (first and last days; None: any day)."""
        facts_sql, params = self._record_facts()
        if edges is None:
            return facts_sql, params
        dates = " OR ".join(["(f.day >= %s AND f.day <= %s)"] * len(edges)) or "FALSE"
        return f"SELECT * FROM ({facts_sql}) f WHERE {dates}", [
            *params,
            *(day for edge in edges for day in edge),
        ]

    def _record_facts(self) -> tuple[str, list]:
        """One row per record the definition counts, as its source reads them
        (``indicators/sources/``)."""
        return sources.get(self.d.source).record_facts(self.sql)


@dataclass(frozen=True)
class _Window:
    """The whole months of a query's window: from the month starting
    ``mlo`` to the one ending ``mhi`` (none when ``mlo > mhi``)."""

    mlo: dt.date
    mhi: dt.date


class _Totals:
    """A figure's sums, added from the value table and from the records."""

    def __init__(self):
        self.cumulative = Decimal(0)
        self.period = Decimal(0)
        self.splits = dict.fromkeys(SPLIT_FIELDS, 0)

    def add(self, cumulative, period, splits) -> None:
        self.cumulative += Decimal(cumulative)
        self.period += Decimal(period)
        for column, count in zip(SPLIT_FIELDS, splits, strict=True):
            self.splits[column] += int(count)
