"""The governorate page's districts: its map and table, keyed by P-code.

The value table has no district, so people reached come from the records
(``figures``, exact to the as-of day) within the cells the user may read on
that governorate's page; projects and budgets from the project table, as the
governorate map's US$ series.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from indicators.models import IndicatorDefinition
from indicators.selectors.figures import FigureQuery, figures
from indicators.selectors.values import figure_shown, figures_shown
from programmes.access import profile_scope, user_role
from programmes.models import District, Governorate, UserProfile
from programmes.places import place_name

Role = UserProfile.Role


def _people_cut(user, governorate: Governorate, chosen: dict) -> dict | None:
    """The ``FigureQuery`` cut (programmes, donor) of the records ``user`` may
    count on ``governorate``'s page under the chosen programme and donor, as
    ``cells_for_user`` reads the value table: an administrator everything; a
    donor their organisation's; a monitor everything in their governorates; a
    manager everything in their governorates and their programmes elsewhere.
    None: nothing."""
    role = user_role(user)
    programmes: frozenset | None = None  # None: every programme
    donor = chosen["donor"].pk if chosen["donor"] else None
    if role == Role.DONOR:
        if donor is not None and donor != user.profile.donor_id:
            return None
        donor = user.profile.donor_id
    elif role in (Role.MONITOR, Role.MANAGER):
        # The scope read with the request's user: no query.
        own_programmes, own_governorates = profile_scope(user)
        if governorate.pk not in own_governorates:
            if role == Role.MONITOR:
                return None
            programmes = own_programmes
            if not programmes:
                return None
    elif role != Role.ADMIN:
        return None
    if chosen["programme"]:
        if programmes is not None and chosen["programme"].pk not in programmes:
            return None
        programmes = frozenset({chosen["programme"].pk})
    return {"programmes": tuple(sorted(programmes or ())), "donor": donor}


def governorate_districts(
    *,
    user,
    governorate: Governorate,
    chosen: dict,
    projects,
    as_of: dt.date,
    people_definition: IndicatorDefinition | None,
    protect: bool,
) -> dict:
    """Every district of ``governorate`` (by P-code, with its names) and, as of
    ``as_of``: the people reached (``people_definition``'s figure, None
    without one) and the number and budgets of ``projects`` (the page's
    projects in scope) started by then, a project in each district it covers
    (its own, or one of its coverage). ``unplaced`` counts those projects
    that name no district of ``governorate`` (a whole governorate covered, a
    national project). For a donor (``protect``), counts from 1 to 4 show
    as "<5", with the district that would give one away. One query; when a
    project in scope names a district or has no place of its own (national
    or several places: its records each have theirs), at most two more and
    ``figures``' (about a dozen, whatever the number of districts and records)."""
    started = Q(start_date__lte=as_of)
    projects = projects.order_by()

    def per_district(function: str, value, output_field):
        # A project has at most one coverage row per district: no row twice.
        # An aggregate of the whole subquery (no GROUP BY: a project counts
        # in a district by its own district or by its coverage's).
        rows = projects.filter(Q(district=OuterRef("pk")) | Q(coverage__district=OuterRef("pk")))
        total = Func(value, function=function, output_field=output_field)
        return Subquery(rows.annotate(total=total).values("total"))

    # The districts with their projects' counts and budgets, and the projects
    # that name no district (run once: it refers to no district), together.
    unplaced = (
        projects.filter(started)
        .exclude(district__governorate=governorate)
        .exclude(coverage__district__governorate=governorate)
    )

    def count(rows):
        return Subquery(rows.annotate(total=Func(F("pk"), function="COUNT")).values("total"))

    districts = list(
        District.objects.filter(governorate=governorate)
        .defer("boundary")
        .annotate(
            n=per_district("COUNT", Case(When(started, then=Value(1))), IntegerField()),
            usd=per_district("SUM", Case(When(started, then=F("budget_usd"))), DecimalField()),
            any=per_district("COUNT", F("pk"), IntegerField()),
            unplaced=count(unplaced),
            spread=count(projects.filter(governorate=None)),
        )
        .order_by("pcode")
    )
    by_district = {d.pk: {"n": d.n or 0, "usd": d.usd, "any": d.any} for d in districts if d.any}
    spread = bool(districts and districts[0].spread)
    unplaced = districts[0].unplaced or 0 if districts else unplaced.count()

    # Records belong to projects: a district with no project in scope reached
    # nobody, unless a project has no place of its own (its records have theirs).
    people: dict[int, Decimal] = {}
    asked_districts = [d for d in districts if spread or d.pk in by_district]
    cut = None
    if people_definition and asked_districts:
        cut = _people_cut(user, governorate, chosen)
    if cut is not None:
        asked = {
            d.pk: FigureQuery(
                definition=people_definition.code,
                as_of=as_of,
                governorate=governorate.pcode,
                district=d.pcode,
                **cut,
            )
            for d in asked_districts
        }
        answers = figures(asked.values())
        people = {pk: answers[query].cumulative for pk, query in asked.items()}

    shown_people = figures_shown({d.pk: people.get(d.pk, 0) for d in districts}, protect=protect)
    shown_projects = figures_shown(
        {d.pk: by_district.get(d.pk, {}).get("n", 0) for d in districts}, protect=protect
    )
    rows = [
        {
            "pcode": d.pcode,
            "name": place_name(d),
            "name_ar": d.name_ar,
            "people": shown_people[d.pk] if people_definition else figure_shown(None),
            "projects": shown_projects[d.pk],
            "usd": figure_shown(by_district.get(d.pk, {}).get("usd") or 0, usd=True),
        }
        for d in districts
    ]
    return {
        "districts": rows,
        "people_label": people_definition.name if people_definition else _("People reached"),
        "unplaced": figure_shown(unplaced, protect=protect),
        "has_data": any(people.values()) or any(row["n"] for row in by_district.values()),
    }
