"""The dashboards' reads: one selector per page builds everything it shows.

A dashboard reads the derived value table and small reference tables (the
project table among them); the governorate page also reads, for that one
governorate, its latest visits, open referrals and feedback answers
(``indicators.selectors.field``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intword
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators import sources
from indicators.access import cells_for_user
from indicators.breakdowns import STATUSES, project_breakdown
from indicators.cells import CELL_DIMENSIONS
from indicators.models import SPLIT_COLUMNS, IndicatorDefinition, IndicatorValue
from indicators.periods import quarter_end
from indicators.selectors.districts import governorate_districts
from indicators.selectors.field import (
    feedback_panel,
    governorate_field_data,
    governorate_projects,
)
from indicators.selectors.together import instances_together
from indicators.selectors.values import (
    default_as_of,
    figure_shown,
    figures_shown,
    latest_value_parts,
    series_figures_shown,
    split_shown,
)
from programmes.access import programmes_for_user, projects_for_user, user_role
from programmes.models import Donor, Governorate, Project, UserProfile
from programmes.places import place_name

Role = IndicatorDefinition.DashboardRole
# Projects by status: the role of each status's definition.
PROJECT_STATUS_ROLES = {
    "all": Role.PROJECTS,
    "completed": Role.PROJECTS_COMPLETED,
    "ongoing": Role.PROJECTS_ONGOING,
}
PROJECTS_LIMIT = 50
# The map's series, the first the default: people reached (the map role), projects
# (the projects role), both from the value table, and US$: the
# budgets of the projects started by the as-of date, from the project table
# (contributions are recorded per programme, not per governorate).
MAP_SERIES = ("people", "projects", "usd")
STATUS_LABELS = {
    Project.Status.COMPLETED: _("Completed"),
    Project.Status.ONGOING: _("Ongoing"),
    Project.Status.PREPARATION: _("In preparation"),
}


@dataclass(frozen=True)
class DashboardQuery:
    """What a dashboard's query string asks for, as written in the URL:
    ``as_of`` a quarter end (None: the last complete quarter), a programme
    code, a donor code and a governorate P-code (None: all), and ``map`` the
    map's series (one of MAP_SERIES; None: people reached)."""

    as_of: dt.date | None = None
    programme: str | None = None
    donor: str | None = None
    governorate: str | None = None
    map: str | None = None


def _reference(user, role) -> tuple[dict, DashboardSlots]:
    """The filter choices ``user`` has: the programmes in their scope, the
    donors (a donor user: their own only) and the 18 governorates; and the
    definitions the dashboards show (``dashboard_slots``). One query."""
    if role == UserProfile.Role.DONOR:
        donors = Donor.objects.filter(pk=user.profile.donor_id)
    else:
        donors = Donor.objects.order_by("name")
    found = instances_together(
        {
            "programmes": programmes_for_user(user).order_by("code"),
            "donors": donors,
            # Not the boundaries: the map reads the shipped GeoJSON file.
            "governorates": Governorate.objects.defer("boundary", "aliases").order_by("name_iom"),
            "definitions": _slot_definitions(),
        }
    )
    return (
        {name: found[name] for name in ("programmes", "donors", "governorates")},
        _slots(found["definitions"]),
    )


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
    if query.map and query.map not in MAP_SERIES:
        ignored.append("map")
    return chosen, ignored


def _scoped_projects(user, chosen: dict, *, governorate: bool):
    """The projects in ``user``'s scope under the chosen programme and donor
    (and, with ``governorate``, the chosen governorate). No query."""
    projects = projects_for_user(user)
    if chosen["programme"]:
        projects = projects.filter(programme=chosen["programme"])
    if chosen["donor"]:
        projects = projects.filter(donor=chosen["donor"])
    if governorate and chosen["governorate"]:
        projects = projects.filter(governorate=chosen["governorate"])
    return projects


@dataclass(frozen=True)
class DashboardSlots:
    """The active definitions the dashboards show: ``headlines``, the
    headline cards in position order; ``roles``, the definition of each
    dashboard role that has one (``IndicatorDefinition.DashboardRole``)."""

    headlines: list[IndicatorDefinition]
    roles: dict[str, IndicatorDefinition]


def dashboard_slots() -> DashboardSlots:
    """Where each active definition appears on the dashboards, from the
    definitions themselves (so a renamed code keeps its card). One query."""
    return _slots(_slot_definitions())


def _slot_definitions():
    return (
        IndicatorDefinition.objects.filter(is_active=True)
        .filter(Q(headline=True) | ~Q(dashboard_role=""))
        .order_by("position", "code")
    )


def _slots(definitions) -> DashboardSlots:
    headlines, roles = [], {}
    for d in definitions:
        if d.headline:
            headlines.append(d)
        if d.dashboard_role:
            roles[d.dashboard_role] = d
    return DashboardSlots(headlines=headlines, roles=roles)


def _dashboard(
    *, user, query: DashboardQuery, choices: dict, chosen: dict, slots: DashboardSlots
) -> dict:
    """The figures every dashboard shows, for ``user``'s cells narrowed by the
    ``chosen`` programme, donor and governorate (see ``mission_dashboard``)."""
    role = user_role(user)
    protect = role == UserProfile.Role.DONOR
    programme, donor, governorate = chosen["programme"], chosen["donor"], chosen["governorate"]
    roles = slots.roles
    definitions = {d.code: d for d in [*slots.headlines, *roles.values()]}
    cells = cells_for_user(user)
    cells = cells.narrowed("programme", programme.pk if programme else None)
    cells = cells.narrowed("donor", donor.pk if donor else None)
    map_cells = cells
    cells = cells.narrowed("governorate", governorate.pk if governorate else None)

    # The quarters with data (per quarter values of the series definition),
    # for the as-of choices and the chart.
    series_def = roles.get(Role.MAP)
    quarters = []
    if series_def is not None and cells.terms:
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

    # Every running total the page shows, in one query: the cells' own, the
    # map's by governorate and the contributions by donor (a donor: by programme).
    map_def, projects_def = roles.get(Role.MAP), roles.get(Role.PROJECTS)
    contributions_def = roles.get(Role.CONTRIBUTIONS)
    by = "programme" if protect else "donor"
    parts = latest_value_parts(
        {
            "cells": (list(definitions.values()), cells, None),
            "map": ([d for d in (map_def, projects_def) if d], map_cells, "governorate"),
            "contributions": (
                [contributions_def] if contributions_def and governorate is None else [],
                cells,
                by,
            ),
            # A donor's total, with what they gave to no one programme.
            "contributions_total": (
                [contributions_def]
                if contributions_def and governorate is None and protect
                else [],
                cells,
                None,
            ),
        },
        as_of,
    )
    rows = parts["cells"]
    by_definition: dict[int, list[dict]] = {}
    for row in rows:
        by_definition.setdefault(row["definition_id"], []).append(row)
    computed = [row["computed_at"] for part in parts.values() for row in part]

    def total(d: IndicatorDefinition | None) -> Decimal | None:
        found = by_definition.get(d.pk) if d else None
        return sum((r["value"] for r in found), Decimal(0)) if found else None

    headlines = []
    for d in slots.headlines:
        if governorate is not None and not sources.get(d.source).by_project:
            continue  # e.g. contributions: recorded per programme, not per governorate
        found = by_definition.get(d.pk, [])
        value = total(d)
        if not value:
            # No data for this page, or only zeros (a portfolio that reports
            # packages counts no people): no card rather than a "0*".
            continue
        code = d.code
        usd = d.measure == IndicatorDefinition.Measure.USD
        multiplier = next((r["multiplier_value"] for r in found if r["multiplier_value"]), None)
        headlines.append(
            {
                "code": code,
                "name": d.name,
                "starred": d.apply_multiplier,
                "multiplier": (d.multiplier or multiplier or None) if d.apply_multiplier else None,
                "as_of": shown_as_of,
                **figure_shown(value if value is not None else 0, usd=usd, protect=protect),
                "has_data": value is not None,
                # A card has room for "US$ 19.3 million", not for every digit
                # (below a million, intword gives the bare digits: no short form).
                "short": f"US$ {intword(int(value))}" if usd and value and value >= 10**6 else None,
            }
        )

    # Split of the direct recipients by sex, by population group and by age,
    # with the people the records did not split as "not recorded".
    splits = {}
    split_def = roles.get(Role.SPLITS)
    split_rows = by_definition.get(split_def.pk, []) if split_def else []
    split_total = sum((r["value"] or 0 for r in split_rows), 0)
    split_sums = {
        column: sum((r[column] or 0 for r in split_rows), 0)
        for columns in SPLIT_COLUMNS.values()
        for column in columns.values()
    }
    for dimension in ("sex", "population_group", "age_group"):
        splits[dimension] = split_shown(split_total, split_sums, dimension, protect=protect)

    # Projects by status: the projects definitions (all, completed, ongoing).
    project_totals = {key: total(roles.get(role)) for key, role in PROJECT_STATUS_ROLES.items()}
    by_status = None
    if project_totals["all"] is not None:
        completed = project_totals["completed"] or 0
        ongoing = project_totals["ongoing"] or 0
        other = max(project_totals["all"] - completed - ongoing, 0)
        shown = figures_shown(
            {"completed": completed, "ongoing": ongoing, "other": other}, protect=protect
        )
        labels = {
            "completed": STATUS_LABELS[Project.Status.COMPLETED],
            "ongoing": STATUS_LABELS[Project.Status.ONGOING],
            "other": STATUS_LABELS[Project.Status.PREPARATION],
        }
        by_status = [{"code": key, "label": labels[key], **shown[key]} for key in labels]

    # Projects by sector × status and budgets by governorate: the project
    # table (projects started by the as-of date, all governorates), one query.
    breakdown = project_breakdown(
        _scoped_projects(user, chosen, governorate=False).filter(start_date__lte=as_of)
    )
    by_sector = _sector_status(
        breakdown.by_sector_status(governorate.pk if governorate else None), protect=protect
    )

    # The map: its series by governorate (whatever the governorate filter).
    governorates = sorted(choices["governorates"], key=lambda g: g.pcode)
    map_values: dict[str, dict[int, Decimal]] = {"people": {}, "projects": {}}
    for row in parts["map"]:
        key = "people" if map_def and row["definition_id"] == map_def.pk else "projects"
        found = map_values[key]
        found[row["governorate_id"]] = found.get(row["governorate_id"], Decimal(0)) + row["value"]
    budgets = breakdown.budget_by_governorate()
    shown_series = {
        key: figures_shown(
            {g.pk: map_values[key].get(g.pk, 0) for g in governorates}, protect=protect
        )
        for key in ("people", "projects")
    }
    shown_series["usd"] = {g.pk: figure_shown(budgets.get(g.pk, 0), usd=True) for g in governorates}
    areas = [
        {
            "pcode": g.pcode,
            "name": place_name(g),
            "selected": g == governorate,
            **shown_series["people"][g.pk],
            "series": {key: shown_series[key][g.pk] for key in MAP_SERIES},
        }
        for g in governorates
    ]
    map_series = [
        {"code": "people", "label": map_def.name if map_def else _("People reached")},
        {"code": "projects", "label": projects_def.name if projects_def else _("Projects")},
        {"code": "usd", "label": _("Budget of the projects (US$)")},
    ]

    # Contributions by donor (a donor sees their own, by programme).
    contributions = []
    if parts["contributions"]:
        # Unnamed or grouped donors are one slice without a name (key 0).
        unnamed = {o.pk for o in choices["donors"] if not o.named} if by == "donor" else set()
        sums: dict[int, Decimal] = {}
        for row in parts["contributions"]:
            key = row[CELL_DIMENSIONS[by]]
            if key is not None:
                key = 0 if key in unnamed else key
                sums[key] = sums.get(key, Decimal(0)) + row["value"]
        names = {o.pk: o.name for o in choices[by + "s"]} | {0: ""}
        if by == "programme":
            # To a portfolio or unearmarked: in the donor's total, in no programme's.
            total = sum((row["value"] for row in parts["contributions_total"]), Decimal(0))
            elsewhere = total - sum(sums.values(), Decimal(0))
            if elsewhere > 0:
                sums[-1] = elsewhere
                names[-1] = _("To no single programme (portfolio or unearmarked)")
        grand = sum(sums.values(), Decimal(0))
        for key, amount in sorted(sums.items(), key=lambda item: -item[1]):
            contributions.append(
                {
                    "name": names.get(key, "?"),
                    "share": float(amount / grand * 100) if grand else 0.0,
                    **figure_shown(amount, usd=True),
                }
            )

    # People reached per quarter and cumulatively, up to the as-of date.
    shown_quarters = [q for q in quarters if q["period_end"] <= as_of]
    series = [
        {"quarter": q["period_end"], "per_quarter": per, "cumulative": running}
        for q, (per, running) in zip(
            shown_quarters,
            series_figures_shown([q["total"] for q in shown_quarters], protect=protect),
            strict=True,
        )
    ]

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
        "projects_by_sector": by_sector,
        "breakdown": breakdown,
        "areas": areas,
        "map": query.map if query.map in MAP_SERIES else MAP_SERIES[0],
        "map_series": map_series,
        "contributions": contributions,
        "contributions_by": by,
        "series": series,
        "series_name": series_def.name if series_def else "",
        "map_name": map_def.name if map_def else "",
        "map_definition": map_def,
        "computed_at": max(computed) if computed else None,
        "has_data": bool(rows),
    }


def _sector_status(sectors: list[dict], *, protect: bool) -> dict:
    """Projects by sector × status as the page shows them. For a donor, a
    count from 1 to 4 shows as "<5"; the page also shows the total of each
    status (projects by status), so within a status, one hidden sector hides
    the smallest other one too (``figures_shown``)."""
    columns = {
        status: figures_shown({s["sector"]: s[status] for s in sectors}, protect=protect)
        for status in STATUSES
    }
    return {
        "statuses": [{"code": status, "label": STATUS_LABELS[status]} for status in STATUSES],
        "sectors": [
            {"sector": s["sector"], **{status: columns[status][s["sector"]] for status in STATUSES}}
            for s in sectors
        ],
        "has_data": any(s[status] for s in sectors for status in STATUSES),
    }


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
    ``query.as_of`` (the last complete quarter by default), each with its
    "as of" date and, for people counted as households × household size, the
    multiplier; the map's three series by governorate (all 18, keyed by
    P-code: people reached, projects, and US$ of project budgets); the
    contributions by donor with their share (a donor user: their own, by
    programme); people reached per quarter and cumulatively; the direct
    recipients by sex, population group and age group; projects by status
    and by sector × status; when the values were computed; the filter
    choices and the filters ignored. Only the cells ``user`` may see
    (programmes.access rules); for a donor, counts from 1 to 4 show as "<5",
    with the cells that would give them away (``figures_shown``,
    ``series_figures_shown``). ``feedback`` and ``feedback_since``: the
    feedback panel of the projects under the filters (``feedback_panel``).
    Five queries (the reference tables, the quarters, the running totals,
    the projects, the feedback); a page adds the session, the user and the
    data stamp (``dashboards.cache``)."""
    role = user_role(user)
    choices, slots = _reference(user, role)
    chosen, ignored = _resolve(query, choices)
    data = _dashboard(user=user, query=query, choices=choices, chosen=chosen, slots=slots)
    feedback = feedback_panel(
        projects=_scoped_projects(user, chosen, governorate=True),
        until=data["as_of"],
        protect=data["protect"],
    )
    return {**data, **feedback, "choices": choices, "chosen": chosen, "ignored": ignored}


def governorate_dashboard(*, user, pcode: str, query: DashboardQuery) -> dict | None:
    """``mission_dashboard`` cut to the governorate ``pcode`` (None when there
    is no such governorate), with the projects working in it that ``user``
    may see (``governorate_projects``: covering it, or national with a visit
    or record there; at most PROJECTS_LIMIT, with their status) and
    whether there are more, and what ``governorate_field_data`` gives: for
    staff, the latest visits with their photos and the referrals still open;
    for everyone, the feedback distributions (a donor: with small counts
    hidden). Contributions are recorded per programme, so this page has none.
    ``districts``: its districts by P-code with people reached, projects and
    budgets (``governorate_districts``).
    Eight queries (``mission_dashboard``'s, the projects list, the visits
    with the open referrals, the districts), nine when the quarter has no
    visit to carry the referrals; when a project names a district,
    ``governorate_districts``' figures on top."""
    role = user_role(user)
    choices, slots = _reference(user, role)
    governorate = next((g for g in choices["governorates"] if g.pcode == pcode), None)
    if governorate is None:
        return None
    chosen, ignored = _resolve(query, choices)
    chosen["governorate"] = governorate
    data = _dashboard(user=user, query=query, choices=choices, chosen=chosen, slots=slots)
    scoped = _scoped_projects(user, chosen, governorate=False)
    projects = governorate_projects(user, scoped, governorate)
    found = list(
        projects.select_related("programme", "sector", "donor").order_by("status", "code")[
            : PROJECTS_LIMIT + 1
        ]
    )
    field = governorate_field_data(
        user=user,
        projects=scoped,
        governorate=governorate,
        until=data["as_of"],
        protect=data["protect"],
    )
    districts = governorate_districts(
        user=user,
        governorate=governorate,
        chosen=chosen,
        projects=projects,
        as_of=data["as_of"],
        people_definition=data["map_definition"],
        protect=data["protect"],
    )
    return {
        **data,
        **field,
        "districts": districts,
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
    a donor, a project count from 1 to 4 shows as "<5"; with the programme's
    feedback panel. As many queries as the mission overview."""
    role = user_role(user)
    choices, slots = _reference(user, role)
    programme = next((p for p in choices["programmes"] if p.code == code), None)
    if programme is None:
        return None
    chosen, ignored = _resolve(query, choices)
    chosen["programme"] = programme
    data = _dashboard(user=user, query=query, choices=choices, chosen=chosen, slots=slots)
    feedback = feedback_panel(
        projects=_scoped_projects(user, chosen, governorate=True),
        until=data["as_of"],
        protect=data["protect"],
    )

    # The breakdown holds the programme's projects started by the as-of date.
    governorate = chosen["governorate"]
    count, budget = data["breakdown"].total(governorate.pk if governorate else None)
    contributed = None if governorate else sum((c["value"] for c in data["contributions"]), 0.0)
    return {
        **data,
        **feedback,
        "choices": choices,
        "chosen": chosen,
        "ignored": [name for name in ignored if name != "programme"],
        "programme": programme,
        "budget": {
            "budget": figure_shown(budget, usd=True),
            "contributions": figure_shown(contributed, usd=True),
            "projects": figure_shown(count, protect=data["protect"]),
            # How much of the projects' budgets the contributions cover.
            "covered": contributed / float(budget) * 100 if budget and contributed else None,
            "has_data": bool(count) or bool(data["contributions"]),
        },
    }
