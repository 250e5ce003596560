"""Reads of indicator values. Pages and exports ask these, never the table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intword
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from indicators.models import SPLIT_COLUMNS, SPLIT_FIELDS, IndicatorDefinition, IndicatorValue
from programmes.access import programmes_for_user, projects_for_user, user_role
from programmes.models import Donor, Governorate, UserProfile


def value_as_of(
    *,
    definition: IndicatorDefinition,
    as_of: dt.date,
    governorate=None,
    programme=None,
    donor=None,
) -> IndicatorValue | None:
    """The running total of a cumulative definition as of ``as_of`` for one
    cut (None = "all"): the latest stored value on or before that date, since
    running totals are stored only for months in which the cell had data.
    None when the cell had no data by then. Its split columns hold the split
    (``IndicatorValue.split``). One query."""
    return (
        IndicatorValue.objects.filter(
            definition=definition,
            period_type=IndicatorValue.PeriodType.CUMULATIVE,
            governorate=governorate,
            programme=programme,
            donor=donor,
            period_end__lte=as_of,
        )
        .order_by("-period_end")
        .first()
    )


# --- Dashboards ---------------------------------------------------------------
#
# A dashboard reads only the derived value table and small reference tables.
# What a user may see is a set of disjoint "cells" of that table whose values
# add up (every measure adds up across cuts, see indicators/models.py): an
# administrator reads the "all" cell, a donor the cells of their organisation,
# a manager the finest (governorate, programme) cells of their programmes and
# governorates. Filters narrow those cells; a chart "by governorate" or "by
# donor" expands an "all" dimension into its values.

HEADLINE_CODES = [
    "people-reached",
    "direct-recipients",
    "households-reached",
    "projects",
    "monitoring-visits",
    "feedback-responses",
    "contributions-usd",
]
MAP_CODE = "people-reached"
SERIES_CODE = "people-reached"
SPLITS_CODE = "direct-recipients"
CONTRIBUTIONS_CODE = "contributions-usd"
PROJECT_STATUS_CODES = {
    "all": "projects",
    "completed": "projects-completed",
    "ongoing": "projects-ongoing",
}
SMALL_COUNT = 5  # counts from 1 to SMALL_COUNT - 1 are shown to donors as "<5"
PROJECTS_LIMIT = 50

_DIMENSIONS = {"governorate": "governorate_id", "programme": "programme_id", "donor": "donor_id"}


@dataclass(frozen=True)
class DashboardQuery:
    """What a dashboard's query string asks for, as written in the URL:
    ``as_of`` a quarter end (None: the latest quarter with data), and a
    programme code, a donor code and a governorate P-code (None: all)."""

    as_of: dt.date | None = None
    programme: str | None = None
    donor: str | None = None
    governorate: str | None = None


def quarter_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s quarter."""
    first_of_next = dt.date(
        day.year + (day.month > 9), (3 * ((day.month - 1) // 3) + 3) % 12 + 1, 1
    )
    return first_of_next - dt.timedelta(days=1)


def _spec_q(column: str, spec: tuple) -> Q:
    kind = spec[0]
    if kind == "all":
        return Q(**{f"{column}__isnull": True})
    if kind == "any":
        return Q(**{f"{column}__isnull": False})
    if kind == "in":
        return Q(**{f"{column}__in": sorted(spec[1])})
    return Q(**{f"{column}__isnull": False}) & ~Q(**{f"{column}__in": sorted(spec[1])})


class _Cells:
    """A union of disjoint terms, each one spec per dimension: ("all",) the
    NULL "all" cell, ("in", ids), ("notin", ids) any value but those."""

    def __init__(self, terms: list[dict[str, tuple]]):
        self.terms = terms

    def narrowed(self, dimension: str, pk: int | None) -> _Cells:
        """The cells within one value of ``dimension`` (unchanged for None)."""
        if pk is None:
            return self
        terms = []
        for term in self.terms:
            kind, *ids = term[dimension]
            ids = ids[0] if ids else frozenset()
            if kind == "all" or kind == "any" or (kind == "in" and pk in ids):
                terms.append({**term, dimension: ("in", frozenset({pk}))})
            elif kind == "notin" and pk not in ids:
                terms.append({**term, dimension: ("in", frozenset({pk}))})
        return _Cells(terms)

    def q(self, by: str | None = None) -> Q:
        """The rows of these cells, with the "all" cells of dimension ``by``
        replaced by its values. Nothing for no terms."""
        if not self.terms:
            return Q(pk__in=[])
        result = Q()
        for term in self.terms:
            part = Q()
            for dimension, column in _DIMENSIONS.items():
                spec = term[dimension]
                if dimension == by and spec[0] == "all":
                    spec = ("any",)
                part &= _spec_q(column, spec)
            result |= part
        return result


def _user_cells(user) -> _Cells:
    """The cells of the value table ``user`` may read (see the section comment)."""
    role = user_role(user)
    every = {"governorate": ("all",), "programme": ("all",), "donor": ("all",)}
    if role == UserProfile.Role.ADMIN:
        return _Cells([every])
    if role == UserProfile.Role.DONOR:
        return _Cells([{**every, "donor": ("in", frozenset({user.profile.donor_id}))}])
    if role == UserProfile.Role.MONITOR:
        governorates = frozenset(user.profile.governorates.values_list("pk", flat=True))
        return _Cells([{**every, "governorate": ("in", governorates)}] if governorates else [])
    if role == UserProfile.Role.MANAGER:
        programmes = frozenset(user.profile.programmes.values_list("pk", flat=True))
        governorates = frozenset(user.profile.governorates.values_list("pk", flat=True))
        terms = []
        if programmes:
            terms.append({**every, "programme": ("in", programmes)})
        if governorates:
            terms.append(
                {**every, "governorate": ("in", governorates), "programme": ("notin", programmes)}
            )
        return _Cells(terms)
    return _Cells([])


def values_for_user(user):
    """The indicator values ``user`` may read, whatever the page: the cells of
    ``_user_cells`` (a donor: only the cells of their organisation; a manager:
    their programmes, and their governorates outside those programmes; a
    monitor: their governorates). For the API and the exports; a donor's
    output must still show small counts as "<5" (``small_count_hidden``)."""
    return IndicatorValue.objects.filter(_user_cells(user).q())


def small_count_hidden(value) -> bool:
    """Whether a donor-facing output shows ``value`` as "<5" (from 1 to 4)."""
    return _suppressed(value, protect=True)


def _latest(definitions: list[IndicatorDefinition], q: Q, as_of: dt.date) -> list[dict]:
    """The running totals as of ``as_of`` of every cell matching ``q``: per
    cell, the latest row on or before that date. One query."""
    if not definitions:
        return []
    return list(
        IndicatorValue.objects.filter(
            q,
            definition__in=[d.pk for d in definitions],
            period_type=IndicatorValue.PeriodType.CUMULATIVE,
            period_end__lte=as_of,
        )
        .order_by("definition_id", "governorate_id", "programme_id", "donor_id", "-period_end")
        .distinct("definition_id", "governorate_id", "programme_id", "donor_id")
        .values(
            "definition_id",
            "governorate_id",
            "programme_id",
            "donor_id",
            "period_end",
            "value",
            "multiplier_value",
            "computed_at",
            *SPLIT_FIELDS,
        )
    )


def _suppressed(value: Decimal | int | None, *, protect: bool) -> bool:
    return protect and value is not None and 0 < value < SMALL_COUNT


def _figure(value, *, usd: bool = False, protect: bool = False) -> dict:
    """A number as the page shows it: ``value`` for charts (None when hidden)
    and ``display``, the formatted text ("<5" for a small count a donor sees)."""
    if value is None:
        return {"value": None, "display": "–", "suppressed": False}
    if not usd and _suppressed(value, protect=protect):
        return {"value": None, "display": f"<{SMALL_COUNT}", "suppressed": True}
    number = float(value)
    text = number_format(round(number), decimal_pos=0, force_grouping=True)
    return {"value": number, "display": f"US$ {text}" if usd else text, "suppressed": False}


def _figures(values: dict, *, protect: bool) -> dict:
    """``_figure`` for each of a set of counts that add up to a shown total:
    when exactly one is hidden, the smallest other one is hidden too, so that
    the total minus the others does not give it away."""
    shown = {key: _figure(v, protect=protect) for key, v in values.items()}
    hidden = [key for key, f in shown.items() if f["suppressed"]]
    if len(hidden) == 1:
        others = sorted((v, key) for key, v in values.items() if key not in hidden and v and v > 0)
        if others:
            shown[others[0][1]] = {"value": None, "display": _("not shown"), "suppressed": True}
    return shown


def _choices(user, role) -> dict:
    """The filter choices ``user`` has: the programmes in their scope, the
    donors (a donor user: their own only) and the 18 governorates."""
    if role == UserProfile.Role.DONOR:
        donors = [user.profile.donor]
    else:
        donors = list(Donor.objects.order_by("name"))
    return {
        "programmes": list(programmes_for_user(user).order_by("code")),
        "donors": donors,
        "governorates": list(Governorate.objects.order_by("name_iom")),
    }


def _resolve(query: DashboardQuery, choices: dict) -> tuple[dict, list[str]]:
    """The chosen programme, donor and governorate (or None), and the names of
    the filters that were asked for but are unknown or outside the user's scope
    (they are ignored, never widened)."""
    chosen, ignored = {}, []
    for name, attr in (("programme", "code"), ("donor", "code"), ("governorate", "pcode")):
        wanted = getattr(query, name)
        found = next((o for o in choices[name + "s"] if getattr(o, attr) == wanted), None)
        if wanted and found is None:
            ignored.append(name)
        chosen[name] = found
    if query.as_of is not None and quarter_end(query.as_of) != query.as_of:
        ignored.append("as_of")
    return chosen, ignored


def _dashboard(*, user, query: DashboardQuery, choices: dict, chosen: dict) -> dict:
    """The figures both dashboards show, for ``user``'s cells narrowed by the
    ``chosen`` programme, donor and governorate (see ``mission_dashboard``)."""
    role = user_role(user)
    protect = role == UserProfile.Role.DONOR
    programme, donor, governorate = chosen["programme"], chosen["donor"], chosen["governorate"]
    definitions = {
        d.code: d
        for d in IndicatorDefinition.objects.filter(
            is_active=True,
            code__in={*HEADLINE_CODES, *PROJECT_STATUS_CODES.values(), MAP_CODE, SPLITS_CODE},
        )
    }
    cells = _user_cells(user)
    cells = cells.narrowed("programme", programme.pk if programme else None)
    cells = cells.narrowed("donor", donor.pk if donor else None)
    map_cells = cells
    cells = cells.narrowed("governorate", governorate.pk if governorate else None)

    # The quarters with data (per quarter values of the series definition),
    # for the as-of choices, the default as-of date and the chart.
    series_def = definitions.get(SERIES_CODE)
    quarters = []
    if series_def is not None:
        quarters = list(
            IndicatorValue.objects.filter(
                cells.q(),
                definition=series_def,
                period_type=IndicatorValue.PeriodType.QUARTER,
            )
            .values("period_end")
            .annotate(total=Sum("value"))
            .order_by("period_end")
        )
    today = timezone.localdate()
    # By default the last complete quarter, the same on every page and for
    # every filter, so that figures side by side are as of the same date.
    as_of = query.as_of if query.as_of and quarter_end(query.as_of) == query.as_of else None
    as_of = as_of or default_as_of(today)
    shown_as_of = min(as_of, today)

    rows = _latest(list(definitions.values()), cells.q(), as_of)
    by_definition: dict[int, list[dict]] = {}
    for row in rows:
        by_definition.setdefault(row["definition_id"], []).append(row)
    computed = [row["computed_at"] for row in rows]

    def total(code: str) -> Decimal | None:
        d = definitions.get(code)
        found = by_definition.get(d.pk) if d else None
        return sum((r["value"] for r in found), Decimal(0)) if found else None

    headlines = []
    for code in HEADLINE_CODES:
        d = definitions.get(code)
        if d is None or (code == CONTRIBUTIONS_CODE and governorate is not None):
            continue  # contributions are recorded per programme, not per governorate
        found = by_definition.get(d.pk, [])
        value = total(code)
        usd = d.measure == IndicatorDefinition.Measure.USD
        multiplier = next((r["multiplier_value"] for r in found if r["multiplier_value"]), None)
        headlines.append(
            {
                "code": code,
                "name": d.name,
                "starred": d.apply_multiplier,
                "multiplier": (d.multiplier or multiplier or None) if d.apply_multiplier else None,
                "as_of": shown_as_of,
                **_figure(value if value is not None else 0, usd=usd, protect=protect),
                "has_data": value is not None,
                # A card has room for "US$ 19.3 million", not for every digit
                # (below a million, intword gives the bare digits: no short form).
                "short": f"US$ {intword(int(value))}" if usd and value and value >= 10**6 else None,
            }
        )

    # Split of the direct recipients by sex and by population group.
    splits = {}
    split_def = definitions.get(SPLITS_CODE)
    split_rows = by_definition.get(split_def.pk, []) if split_def else []
    for dimension in ("sex", "population_group", "age_group"):
        columns = SPLIT_COLUMNS[dimension]
        sums = {
            code: sum((r[column] or 0 for r in split_rows), 0) for code, column in columns.items()
        }
        shown = _figures(sums, protect=protect)
        splits[dimension] = {
            "categories": [
                {
                    "code": code,
                    "label": str(IndicatorValue._meta.get_field(column).verbose_name),
                    **shown[code],
                }
                for code, column in columns.items()
            ],
            "has_data": any(sums.values()),
        }

    # Projects by status: the projects definitions (all, completed, ongoing).
    project_totals = {key: total(code) for key, code in PROJECT_STATUS_CODES.items()}
    by_status = None
    if project_totals["all"] is not None:
        completed = project_totals["completed"] or 0
        ongoing = project_totals["ongoing"] or 0
        other = max(project_totals["all"] - completed - ongoing, 0)
        shown = _figures(
            {"completed": completed, "ongoing": ongoing, "other": other}, protect=protect
        )
        labels = {
            "completed": _("Completed"),
            "ongoing": _("Ongoing"),
            "other": _("In preparation"),
        }
        by_status = [{"code": key, "label": labels[key], **shown[key]} for key in labels]

    # The map: the map definition by governorate (whatever the governorate filter).
    map_def = definitions.get(MAP_CODE)
    map_values: dict[int, Decimal] = {}
    if map_def is not None:
        for row in _latest([map_def], map_cells.q(by="governorate"), as_of):
            if row["governorate_id"] is not None:
                map_values[row["governorate_id"]] = (
                    map_values.get(row["governorate_id"], Decimal(0)) + row["value"]
                )
                computed.append(row["computed_at"])
    governorates = sorted(choices["governorates"], key=lambda g: g.pcode)
    map_shown = _figures({g.pk: map_values.get(g.pk, 0) for g in governorates}, protect=protect)
    areas = [
        {"pcode": g.pcode, "name": g.name_iom, "selected": g == governorate, **map_shown[g.pk]}
        for g in governorates
    ]

    # Contributions by donor (a donor sees their own, by programme).
    contributions = []
    contributions_def = definitions.get(CONTRIBUTIONS_CODE)
    by = "programme" if protect else "donor"
    if contributions_def is not None and governorate is None:
        sums: dict[int, Decimal] = {}
        for row in _latest([contributions_def], cells.q(by=by), as_of):
            key = row[_DIMENSIONS[by]]
            if key is not None:
                sums[key] = sums.get(key, Decimal(0)) + row["value"]
                computed.append(row["computed_at"])
        names = {o.pk: o.name for o in choices[by + "s"]}
        grand = sum(sums.values(), Decimal(0))
        for key, amount in sorted(sums.items(), key=lambda item: -item[1]):
            contributions.append(
                {
                    "name": names.get(key, "?"),
                    "share": float(amount / grand * 100) if grand else 0.0,
                    **_figure(amount, usd=True),
                }
            )

    # People reached per quarter and cumulatively, up to the as-of date.
    series = []
    running = Decimal(0)
    for quarter in quarters:
        running += quarter["total"]
        if quarter["period_end"] > as_of:
            break
        series.append(
            {
                "quarter": quarter["period_end"],
                "per_quarter": _figure(quarter["total"], protect=protect),
                "cumulative": _figure(running, protect=protect),
            }
        )

    return {
        "role": role,
        "protect": protect,
        "as_of": as_of,
        "shown_as_of": shown_as_of,
        "quarter_in_progress": as_of > today,
        "as_of_options": _quarter_options(quarters, as_of, today),
        "headlines": headlines,
        "splits": splits,
        "projects_by_status": by_status,
        "areas": areas,
        "contributions": contributions,
        "contributions_by": by,
        "series": series,
        "series_name": series_def.name if series_def else "",
        "map_name": map_def.name if map_def else "",
        "computed_at": max(computed) if computed else None,
        "has_data": bool(rows),
    }


def default_as_of(today: dt.date) -> dt.date:
    """The end of the last complete quarter before ``today``."""
    return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - dt.timedelta(days=1)


def _quarter_options(quarters: list[dict], as_of: dt.date, today: dt.date) -> list[dt.date]:
    """Every quarter end from the first quarter with data (or the chosen one)
    to the current quarter's (in progress), newest first."""
    ends = {q["period_end"] for q in quarters} | {as_of, quarter_end(today)}
    first, last = min(ends), max(ends)
    options, day = [], last
    while day >= first:
        options.append(day)
        day = quarter_end(day.replace(day=1) - dt.timedelta(days=80))
    return options


def mission_dashboard(*, user, query: DashboardQuery) -> dict:
    """Everything the mission overview shows ``user``, read from the value
    table and reference tables (never the records): headline figures as of
    ``query.as_of`` (the latest quarter with data by default), each with its
    "as of" date and, for people counted as households × household size, the
    multiplier; people reached by governorate (all 18, keyed by P-code);
    contributions by donor with their share (a donor user: their own, by
    programme); people reached per quarter and cumulatively; the direct
    recipients by sex, population group and age group; projects by status;
    when the values were computed; the filter choices and the filters
    ignored. Only the cells ``user`` may see (programmes.access rules); for a
    donor, counts from 1 to 4 show as "<5". About ten queries."""
    role = user_role(user)
    choices = _choices(user, role)
    chosen, ignored = _resolve(query, choices)
    data = _dashboard(user=user, query=query, choices=choices, chosen=chosen)
    return {**data, "choices": choices, "chosen": chosen, "ignored": ignored}


def governorate_dashboard(*, user, pcode: str, query: DashboardQuery) -> dict | None:
    """``mission_dashboard`` cut to the governorate ``pcode`` (None when there
    is no such governorate), with the projects in it that ``user`` may see
    (at most PROJECTS_LIMIT, with their status, from the project table) and
    whether there are more. Contributions are recorded per programme, so this
    page has none."""
    role = user_role(user)
    choices = _choices(user, role)
    governorate = next((g for g in choices["governorates"] if g.pcode == pcode), None)
    if governorate is None:
        return None
    chosen, ignored = _resolve(query, choices)
    chosen["governorate"] = governorate
    data = _dashboard(user=user, query=query, choices=choices, chosen=chosen)
    projects = projects_for_user(user).filter(governorate=governorate)
    if chosen["programme"]:
        projects = projects.filter(programme=chosen["programme"])
    if chosen["donor"]:
        projects = projects.filter(donor=chosen["donor"])
    found = list(
        projects.select_related("programme", "sector", "donor").order_by("status", "code")[
            : PROJECTS_LIMIT + 1
        ]
    )
    return {
        **data,
        "choices": choices,
        "chosen": chosen,
        "ignored": [name for name in ignored if name != "governorate"],
        "governorate": governorate,
        "projects": found[:PROJECTS_LIMIT],
        "projects_more": len(found) > PROJECTS_LIMIT,
    }


def programme_dashboard(*, user, code: str, query: DashboardQuery) -> dict | None:
    """``mission_dashboard`` cut to the programme ``code`` (None when there is
    no such programme or ``user`` may not see it: a donor sees only the
    programmes their organisation funds), with its contributions by donor (a
    donor user: their own) and its budget: the sum of the budgets of its
    projects in ``user``'s scope started by the as-of date, under the
    donor and governorate filters, next to its contributions. Contributions
    are recorded per programme, so a governorate filter leaves them out. For
    a donor, a project count from 1 to 4 shows as "<5". About ten queries."""
    role = user_role(user)
    choices = _choices(user, role)
    programme = next((p for p in choices["programmes"] if p.code == code), None)
    if programme is None:
        return None
    chosen, ignored = _resolve(query, choices)
    chosen["programme"] = programme
    data = _dashboard(user=user, query=query, choices=choices, chosen=chosen)

    projects = projects_for_user(user).filter(programme=programme, start_date__lte=data["as_of"])
    if chosen["donor"]:
        projects = projects.filter(donor=chosen["donor"])
    if chosen["governorate"]:
        projects = projects.filter(governorate=chosen["governorate"])
    found = projects.aggregate(budget=Sum("budget_usd"), count=Count("pk"))
    budget = found["budget"] or Decimal(0)
    per_governorate = chosen["governorate"] is not None
    contributed = None if per_governorate else sum((c["value"] for c in data["contributions"]), 0.0)
    return {
        **data,
        "choices": choices,
        "chosen": chosen,
        "ignored": [name for name in ignored if name != "programme"],
        "programme": programme,
        "budget": {
            "budget": _figure(budget, usd=True),
            "contributions": _figure(contributed, usd=True),
            "projects": _figure(found["count"], protect=data["protect"]),
            # How much of the projects' budgets the contributions cover.
            "covered": contributed / float(budget) * 100 if budget and contributed else None,
            "has_data": bool(found["count"]) or bool(data["contributions"]),
        },
    }
