"""Reads of the portfolio's reference data."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from programmes.models import (
    USD,
    Contribution,
    District,
    ExchangeRate,
    Governorate,
    Portfolio,
    ProjectPlace,
    normalise_place_name,
)


def governorate_lookup() -> dict[str, Governorate]:
    """A map from every known spelling of every governorate (P-code, ISO code,
    English, Arabic and IOM names, aliases), normalised, to the governorate.
    One query; build it once per import, not once per row."""
    lookup: dict[str, Governorate] = {}
    for governorate in Governorate.objects.all():
        for name in governorate.names():
            if name:
                lookup[normalise_place_name(name)] = governorate
    return lookup


def governorate_resolve(
    name: str, *, lookup: dict[str, Governorate] | None = None
) -> Governorate | None:
    """The governorate a report calls ``name`` ("Dahuk", "Nineveh", "IQG17",
    "ذي قار"), or None when no spelling matches. Halabja, which the OCHA
    boundaries count inside Al-Sulaymaniyah, resolves to it (IQG06)."""
    if lookup is None:
        lookup = governorate_lookup()
    key = normalise_place_name(name)
    if key in ("halabja", "halabcha", "حلبجة"):
        key = normalise_place_name("IQG06")
    return lookup.get(key)


def district_boundaries(pcode: str) -> dict | None:
    """The districts of the governorate ``pcode`` as a GeoJSON FeatureCollection
    (feature ``id`` and ``properties.pcode`` the district's P-code, with its
    English and Arabic names), or None when there is no such governorate. Two
    queries."""
    governorate = Governorate.objects.filter(pcode=pcode).only("pk").first()
    if governorate is None:
        return None
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": d.pcode,
                "properties": {"pcode": d.pcode, "name_en": d.name_en, "name_ar": d.name_ar},
                "geometry": d.boundary,
            }
            for d in District.objects.filter(governorate=governorate).order_by("pcode")
        ],
    }


def exchange_rate_on(*, currency: str, day) -> Decimal | None:
    """US$ per unit of ``currency`` in force on ``day``: the rate of the
    latest ``valid_from`` on or before it; 1 for US dollars; None when the
    currency has no rate yet on that day."""
    if currency == USD:
        return Decimal(1)
    return (
        ExchangeRate.objects.filter(currency=currency, valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("usd_per_unit", flat=True)
        .first()
    )


def portfolio_contributions(*, programme_ids) -> QuerySet[Contribution]:
    """The contributions to the portfolio of exactly ``programme_ids`` (no
    more, no fewer programmes): what a portfolio's figures add to its
    programmes' (``Contribution`` says where each kind counts). Lazy: one
    query when evaluated."""
    ids = sorted(set(programme_ids))
    portfolios = (
        Portfolio.objects.annotate(
            held=Count("programmes", distinct=True),
            inside=Count("programmes", filter=Q(programmes__in=ids), distinct=True),
        )
        .filter(held=len(ids), inside=len(ids))
        .values("pk")
    )
    return Contribution.objects.filter(portfolio__in=portfolios)


def usd_by_donor(contributions: QuerySet[Contribution], *, as_of) -> dict[int, Decimal]:
    """US$ by donor id of ``contributions`` dated on or before ``as_of``. One query."""
    return dict(
        contributions.filter(date__lte=as_of)
        .values("donor_id")
        .annotate(usd=Sum("amount_usd"))
        .values_list("donor_id", "usd")
    )


def projects_covering(projects: QuerySet, governorate: Governorate) -> QuerySet:
    """Those of ``projects`` that cover ``governorate`` or a district of it
    (its one place, or one of the places of their coverage). No query."""
    covered = ProjectPlace.objects.filter(governorate=governorate).values("project_id")
    return projects.filter(Q(governorate=governorate) | Q(pk__in=covered))


def coverage_prefetch() -> Prefetch:
    """The prefetch of projects' coverage rows with their places' P-codes
    (one query for a page of projects), for ``project.coverage.all()``."""
    rows = ProjectPlace.objects.select_related("governorate", "district")
    return Prefetch(
        "coverage", queryset=rows.only("project_id", "district__pcode", "governorate__pcode")
    )
