"""The cover pages of a snapshot's document: the donors' contributions and
the map's figure by governorate, exact to the as-of day, from one
``figures()`` call."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Exists, Q

from indicators.models import IndicatorDefinition
from indicators.selectors import FigureQuery, figures, figures_shown
from programmes.models import Contribution, Donor, Governorate
from programmes.selectors import portfolio_contributions, usd_by_donor

Role = IndicatorDefinition.DashboardRole


def cover_figures(*, programmes: tuple[int, ...], as_of: dt.date) -> dict:
    """``{"contributions", "areas", "areas_hidden"}`` of the portfolio
    ``programmes`` as of ``as_of`` (payload version 2's ``contributions`` and
    ``areas``; ``areas_hidden`` whether a governorate's small count is shown
    as "<5"). Unnamed or grouped donors are one slice without a name. The
    contributions to the portfolio itself count with its programmes' (see
    ``Contribution``). About ten queries."""
    roles = dict(
        IndicatorDefinition.objects.filter(
            is_active=True, dashboard_role__in=[Role.CONTRIBUTIONS, Role.MAP]
        ).values_list("dashboard_role", "code")
    )
    names = dict(
        IndicatorDefinition.objects.filter(code__in=roles.values()).values_list("code", "name")
    )
    money, mapped = roles.get(Role.CONTRIBUTIONS), roles.get(Role.MAP)
    to_portfolio = portfolio_usd(money, programmes, as_of) if money else {}
    donors = list(
        Donor.objects.filter(
            Q(pk__in=Contribution.objects.filter(programme_id__in=programmes).values("donor_id"))
            | Q(pk__in=list(to_portfolio))
        ).order_by("name")
    )
    governorates = list(Governorate.objects.defer("boundary").order_by("pcode"))
    donor_queries = {
        d.pk: FigureQuery(money, as_of, programmes=programmes, donor=d.pk) for d in donors if money
    }
    area_queries = {
        g.pk: FigureQuery(mapped, as_of, programmes=programmes, governorate=g.pcode)
        for g in governorates
        if mapped
    }
    found = figures([*donor_queries.values(), *area_queries.values()])
    areas, hidden = _areas(names.get(mapped, ""), governorates, area_queries, found)
    return {
        "contributions": _contributions(donors, donor_queries, found, to_portfolio),
        "areas": areas,
        "areas_hidden": hidden,
    }


def portfolio_usd(code: str, programmes, as_of: dt.date) -> dict[int, Decimal]:
    """US$ by donor of the contributions to the portfolio of exactly
    ``programmes`` by ``as_of``, as the definition ``code`` counts them: none
    when it counts contributions (not US$) or only some programmes'. One query."""
    chosen = IndicatorDefinition.programmes.through.objects.filter(indicatordefinition__code=code)
    return usd_by_donor(
        portfolio_contributions(programme_ids=programmes).filter(
            ~Exists(chosen),
            Exists(
                IndicatorDefinition.objects.filter(
                    code=code, measure=IndicatorDefinition.Measure.USD
                )
            ),
        ),
        as_of=as_of,
    )


def _contributions(donors, queries, found, to_portfolio) -> dict:
    sums = {pk: found[q].cumulative for pk, q in queries.items() if found[q].cumulative}
    for pk, amount in to_portfolio.items():
        sums[pk] = sums.get(pk, Decimal(0)) + amount
    if not sums:
        return {"total_usd": 0.0, "donors": []}
    # Unnamed or grouped donors are one slice without a name (key 0).
    unnamed = {d.pk for d in donors if not d.named}
    grouped: dict[int, Decimal] = {}
    for pk, amount in sums.items():
        key = 0 if pk in unnamed else pk
        grouped[key] = grouped.get(key, Decimal(0)) + amount
    total = sum(grouped.values(), Decimal(0))
    names = {d.pk: d.name for d in donors} | {0: ""}
    return {
        "total_usd": round(float(total), 2),
        "donors": [
            {
                "name": names[pk],
                "usd": round(float(amount), 2),
                "share": round(float(amount / total * 100), 2) if total else 0.0,
            }
            for pk, amount in sorted(grouped.items(), key=lambda i: (-i[1], names[i[0]]))
        ],
    }


def _areas(name: str, governorates, queries, found) -> tuple[dict, bool]:
    values = {pk: found[q].cumulative for pk, q in queries.items()}
    shown = figures_shown({g.pk: values.get(g.pk, 0) for g in governorates}, protect=True)
    return (
        {
            "name": name,
            "values": [
                {
                    "pcode": g.pcode,
                    "name": g.name_iom,
                    "name_ar": g.name_ar,
                    "value": shown[g.pk]["value"],
                    "display": str(shown[g.pk]["display"]),
                }
                for g in governorates
            ],
        },
        any(v["value"] is None for v in shown.values()),
    )
