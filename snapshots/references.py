"""Live references to figures, as a reporting officer writes them in a
snapshot's texts and figure choices.

A reference is ``{code key=value ...}`` inside a text (or the same without
braces in a figures item's ``ref``): ``code`` is an indicator definition's
code, the keys cut the figure (``governorate``, ``district``, ``programme``,
``project``, ``activity``, ``donor``) or say what to show (``show`` =
``cumulative``, the default, ``period``, ``change`` since the previous
snapshot, or ``previous``, the value as of the previous snapshot's day).
A value holding spaces is quoted (``district="Al Qayyarah"``); ``{{`` prints
a literal ``{`` (and ``}}`` a ``}``). A reference may not span lines.

``parse_text`` and ``parse_reference`` read the syntax (no database);
``resolve_references`` turns references into figures (``Resolved``) with
``figures()`` and its exact as-of-day values, or into positioned,
translated ``ReferenceError`` values: it never raises on what an officer
wrote, and never gives a blank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from beneficiaries.models import ActivityType
from indicators import sources
from indicators.models import IndicatorDefinition
from indicators.selectors import FigureQuery, figure_shown, figures
from programmes.models import (
    District,
    Donor,
    Governorate,
    Programme,
    Project,
    normalise_place_name,
)
from programmes.places import DISTRICT, place_index, place_resolve
from programmes.selectors import governorate_resolve
from snapshots.reference_syntax import (
    CUTS,
    FINE_CUTS,
    NOT_AVAILABLE,
    SHOWS,
    STAR,
    Reference,
    ReferenceError,
    canonical_key,
    parse_reference,
    parse_text,
    reference_error,
)

__all__ = [
    "NOT_AVAILABLE",
    "SHOWS",
    "STAR",
    "FigureContext",
    "Reference",
    "ReferenceError",
    "Resolved",
    "parse_reference",
    "parse_text",
    "percent_display",
    "resolve_references",
]

Measure = IndicatorDefinition.Measure

# --- Resolution -------------------------------------------------------------------


@dataclass(frozen=True)
class FigureContext:
    """What references are resolved against: the portfolio (``programmes``,
    () = every programme), the period (``period_start`` to ``as_of``), the
    previous published snapshot of the series (its as-of day and its frozen
    resolved references, by key) and the words completing a marker
    (``compared_label``, "since last month")."""

    programmes: tuple[int, ...]
    period_start: dt.date | None
    as_of: dt.date
    previous_as_of: dt.date | None = None
    previous_references: dict[str, dict] = field(default_factory=dict, compare=False, hash=False)
    compared_label: str = ""


@dataclass(frozen=True)
class Resolved:
    """A reference's figure, ready for the page and the payload.

    ``key`` is the reference's; ``figure`` the canonical key of the figure
    itself (places as P-codes, programmes, projects and donors by code, no
    ``show``), the same however the place was spelt. Numbers are raw (int,
    or float for US$) and None where a donor must not see them (a count from
    1 to 4 in a fine cut); ``display`` and ``period_display`` are formatted
    ("1,234", "US$ 1,234", "<5") without the star, which the figures block
    prints from ``starred``; ``shown`` is what the text prints (what ``show``
    asks for, with the star). ``previous`` is the value the previous
    snapshot froze (None when it had no such figure); ``before`` the figure
    as of the previous snapshot's day, recomputed now; ``base`` what the
    change is counted from and ``show=previous`` prints: ``previous`` when
    there is one (so "rose by 12%" agrees with "was 4,275"), else
    ``before``; ``change`` the percent change from ``base`` (rounded, None
    without a previous snapshot, from 0, or where a number is hidden);
    ``marker`` "corrected" (``before`` differs from ``previous``: a period
    the previous snapshot covered has changed since), else "increased"
    (grew since ``previous``), else None."""

    key: str
    figure: str
    code: str
    label: str
    place: str | None
    scope: str | None
    unit: str
    starred: bool
    show: str
    value: int | float | None
    display: str
    period_value: int | float | None
    period_display: str
    before: int | float | None
    base: int | float | None
    change: int | None
    marker: str | None
    previous: int | float | None
    shown: str
    # The people of the cumulative value by split column ("sex_f", "pop_idp"...),
    # raw, for definitions with splits ({} otherwise): the gender and
    # population-group blocks show them with the small-count rule.
    splits: dict = field(default_factory=dict, hash=False, compare=False)

    def as_dict(self) -> dict:
        return asdict(self)


def _districts(values: set[str]) -> dict[str, District | None]:
    """The district each spelling names (P-code, English or Arabic name,
    alias, as ``programmes.places`` matches them), or None when none or
    several do. A sub-district's name is not its district: figures are cut
    by district. A few queries, whatever the number of spellings."""
    if not values:
        return {}
    index = place_index()
    found: dict[str, District | None] = {}
    for value in values:
        try:
            place = place_resolve(value, levels=(DISTRICT,), index=index)
        except ValidationError:
            place = None
        found[value] = place
    ids = {d.pk for d in found.values() if d is not None}
    loaded = {
        d.pk: d
        for d in District.objects.filter(pk__in=ids)
        .select_related("governorate")
        .defer("boundary", "governorate__boundary")
    }
    return {value: loaded.get(d.pk) if d else None for value, d in found.items()}


def _governorates() -> dict[str, Governorate]:
    """Every spelling of every governorate, normalised (as
    ``governorate_lookup``, without loading the boundaries). One query."""
    return {
        normalise_place_name(name): governorate
        for governorate in Governorate.objects.defer("boundary")
        for name in governorate.names()
        if name
    }


def _by(queryset, values: set[str], *fields: str, pk: bool = False) -> dict[str, object]:
    """The rows whose ``fields`` (case-insensitive), or pk when ``pk``, is
    one of ``values``, by every such spelling in capitals; a spelling that
    is a field of one row and the pk of another is the field's. One query
    (none when nothing is asked)."""
    if not values:
        return {}
    upper = {v.upper() for v in values}
    pks = {int(v) for v in values if pk and v.isdigit()}
    annotations = {f"_{name}": Upper(name) for name in fields}
    condition = Q(pk__in=pks)
    for name in fields:
        condition |= Q(**{f"_{name}__in": upper})
    rows = list(queryset.annotate(**annotations).filter(condition))
    found: dict[str, object] = {str(row.pk): row for row in rows if row.pk in pks}
    for row in rows:
        for name in fields:
            found[getattr(row, f"_{name}")] = row
    return found


class _Lookups:
    """The reference data a batch of references names, loaded once."""

    def __init__(self, references: list[Reference]):
        wanted: dict[str, set[str]] = {name: set() for name in CUTS}
        for reference in references:
            for name, value in reference.params:
                wanted[name].add(value)
        self.governorates = _governorates() if wanted["governorate"] else {}
        self.programmes = _by(Programme.objects.all(), wanted["programme"], "code")
        self.projects = _by(Project.objects.all(), wanted["project"], "code")
        self.activities = _by(
            ActivityType.objects.all(), wanted["activity"], "code", "name", pk=True
        )
        self.donors = _by(Donor.objects.all(), wanted["donor"], "code", "name", pk=True)
        self.districts = _districts(wanted["district"])


@dataclass
class _Cut:
    """A reference's cut, ready for ``FigureQuery``."""

    query: dict
    figure: str
    place: str | None
    scope: str | None
    fine: bool


def _cut(
    reference: Reference,
    definition: IndicatorDefinition,
    lookups: _Lookups,
    context: FigureContext,
) -> _Cut | str:
    """The cut ``reference`` asks for, or a translated message saying why
    it cannot be read."""
    asked = dict(reference.params)
    for name in asked:
        source = sources.get(definition.source)
        placeless = not source.by_project and name in FINE_CUTS
        activity = name == "activity" and not source.by_activity_type
        if placeless or activity:
            return _('"%(figure)s" cannot be cut by %(key)s.') % {
                "figure": definition.name,
                "key": name,
            }
    query: dict = {"programmes": tuple(context.programmes)}
    canonical: list[tuple[str, str]] = []
    place, scope = None, []
    if "governorate" in asked:
        governorate = governorate_resolve(asked["governorate"], lookup=lookups.governorates)
        if governorate is None:
            return _('Unknown governorate "%(value)s".') % {"value": asked["governorate"]}
        query["governorate"] = governorate.pcode
        canonical.append(("governorate", governorate.pcode))
        place = _place_name(governorate, governorate.name_iom)
    if "district" in asked:
        district = lookups.districts.get(asked["district"])
        if district is None:
            return _('Unknown district "%(value)s".') % {"value": asked["district"]}
        if "governorate" in query and query["governorate"] != district.governorate.pcode:
            return _("%(district)s is not in %(governorate)s.") % {
                "district": district.name_en,
                "governorate": place,
            }
        query["district"] = district.pcode
        canonical.append(("district", district.pcode))
        place = _place_name(district, district.name_en)
    if "programme" in asked:
        programme = lookups.programmes.get(asked["programme"].upper())
        if programme is None:
            return _('Unknown programme "%(value)s".') % {"value": asked["programme"]}
        if context.programmes and programme.pk not in context.programmes:
            return _("%(programme)s is not one of this snapshot's programmes.") % {
                "programme": programme.code
            }
        query["programmes"] = (programme.pk,)
        canonical.append(("programme", programme.code))
        scope.append(programme.code)
    if "project" in asked:
        project = lookups.projects.get(asked["project"].upper())
        if project is None:
            return _('Unknown project "%(value)s".') % {"value": asked["project"]}
        if context.programmes and project.programme_id not in context.programmes:
            return _("Project %(project)s is not in this snapshot's programmes.") % {
                "project": project.code
            }
        query["project"] = project.pk
        canonical.append(("project", project.code))
        scope.append(project.name)
    for name, rows, attribute in (
        ("activity", lookups.activities, "activity_type"),
        ("donor", lookups.donors, "donor"),
    ):
        if name in asked:
            row = rows.get(asked[name].upper())
            if row is None:
                message = (
                    _('Unknown activity type "%(value)s".')
                    if name == "activity"
                    else _('Unknown donor "%(value)s".')
                )
                return message % {"value": asked[name]}
            query[attribute] = row.pk
            canonical.append((name, row.code))
            scope.append(row.name)
    return _Cut(
        query=query,
        figure=canonical_key(reference.code, canonical),
        place=place,
        scope=", ".join(scope) or None,
        fine=bool(FINE_CUTS & asked.keys()),
    )


def _place_name(place, english: str) -> str:
    """A governorate's or district's name in the active language: the
    gazetteer's Arabic name in an Arabic document."""
    if translation.get_language() == "ar" and place.name_ar:
        return place.name_ar
    return english


def _number(value: Decimal | None, *, usd: bool) -> int | float | None:
    if value is None:
        return None
    return round(float(value), 2) if usd else int(value)


def _shown(value: Decimal | None, *, usd: bool, protect: bool) -> tuple[int | float | None, str]:
    """A number as a donor may see it: the raw number (None where hidden)
    and its display."""
    shown = figure_shown(value, usd=usd, protect=protect)
    return (None if shown["suppressed"] else _number(value, usd=usd)), str(shown["display"])


def percent_display(change: int | None) -> str:
    """A percent change as printed: "12%", "-5%", or "—" when there is none."""
    if change is None:
        return NOT_AVAILABLE
    number = number_format(abs(change), decimal_pos=0, force_grouping=True)
    text = _("%(number)s%%") % {"number": number}
    return f"-{text}" if change < 0 else text


def _change(value: Decimal, before: Decimal | None) -> int | None:
    if not before:
        return None
    percent = (value - before) * 100 / before
    return int(percent.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _frozen(context: FigureContext) -> dict[str, dict]:
    """The previous snapshot's frozen references by their figure's key."""
    return {
        found["figure"]: found
        for found in context.previous_references.values()
        if isinstance(found, dict) and found.get("figure") and not found.get("error")
    }


def resolve_references(
    references: Iterable[Reference | ReferenceError], context: FigureContext
) -> dict[str, Resolved | ReferenceError]:
    """Every reference's figure (``Resolved``) or error, by key (the first
    occurrence of a key stands for all). Errors given (syntax errors from
    ``parse_text``) are kept, keyed by their ``key``. Approved records only,
    exact to the day (``figures()``, one call for every figure and its
    value as of the previous snapshot's day). At most six queries for the
    reference data named, plus ``figures()``' own (two statements per
    definition), whatever the number of references. Never raises on what
    an officer wrote."""
    answers: dict[str, Resolved | ReferenceError] = {}
    wanted: list[Reference] = []
    seen: set[str] = set()
    for reference in references:
        if reference.key in seen:
            continue
        seen.add(reference.key)
        if isinstance(reference, ReferenceError):
            answers[reference.key] = reference
        else:
            wanted.append(reference)
    if not wanted:
        return answers
    definitions = {
        d.code: d
        for d in IndicatorDefinition.objects.filter(code__in={r.code for r in wanted}).only(
            "code", "name", "source", "measure", "apply_multiplier"
        )
    }
    lookups = _Lookups([r for r in wanted if r.code in definitions])
    cuts: dict[str, _Cut] = {}
    for reference in wanted:
        definition = definitions.get(reference.code)
        position = (reference.offset, reference.line, reference.column)
        if definition is None:
            message = _('Unknown figure "%(code)s".') % {"code": reference.code}
            answers[reference.key] = reference_error(
                message, reference.source, position, reference.key
            )
            continue
        cut = _cut(reference, definition, lookups, context)
        if isinstance(cut, str):
            answers[reference.key] = reference_error(cut, reference.source, position, reference.key)
        else:
            cuts[reference.key] = cut
    queries = {}
    for reference in wanted:
        if reference.key not in cuts:
            continue
        cut = cuts[reference.key]
        now = FigureQuery(
            reference.code, context.as_of, period_start=context.period_start, **cut.query
        )
        before = (
            FigureQuery(reference.code, context.previous_as_of, **cut.query)
            if context.previous_as_of
            else None
        )
        queries[reference.key] = (now, before)
    found = figures(q for pair in queries.values() for q in pair if q is not None)
    frozen = _frozen(context)
    for reference in wanted:
        if reference.key not in queries:
            continue
        now, before = queries[reference.key]
        old = context.previous_references.get(reference.key)
        if not isinstance(old, dict) or old.get("error"):
            old = frozen.get(cuts[reference.key].figure)
        answers[reference.key] = _resolved(
            reference,
            definitions[reference.code],
            cuts[reference.key],
            found[now],
            found[before] if before else None,
            old,
            context,
        )
    return answers


def _resolved(reference, definition, cut, now, before, old, context) -> Resolved:
    usd = definition.measure == Measure.USD
    protect = cut.fine
    value, display = _shown(now.cumulative, usd=usd, protect=protect)
    period_value, period_display = _shown(now.period, usd=usd, protect=protect)
    raw_before = before.cumulative if before is not None else None
    before_value, _display = _shown(raw_before, usd=usd, protect=protect)
    marker, previous = None, None
    if old is not None:
        previous = old.get("value")
        current = _number(now.cumulative, usd=usd)
        again = _number(raw_before, usd=usd)
        if previous is not None and again is not None and again != previous:
            marker = "corrected"
        elif previous is not None and current > previous:
            marker = "increased"
    # What the change is counted from: the figure as the previous snapshot
    # printed it, so that "rose by 12%" agrees with "(was 4,275)"; else the
    # figure as of its day, recomputed now.
    raw_base = Decimal(str(previous)) if previous is not None else raw_before
    base, base_display = _shown(raw_base, usd=usd, protect=protect)
    hidden = value is None or (raw_base is not None and base is None)
    change = None if hidden else _change(now.cumulative, raw_base)
    if reference.show == "change":
        shown = percent_display(change)
    else:
        shown = {
            "cumulative": display,
            "period": period_display,
            "previous": base_display if context.previous_as_of else NOT_AVAILABLE,
        }[reference.show]
        if definition.apply_multiplier and shown not in (NOT_AVAILABLE, "–"):
            shown += STAR
    return Resolved(
        key=reference.key,
        figure=cut.figure,
        code=definition.code,
        label=definition.name,
        place=cut.place,
        scope=cut.scope,
        unit=sources.unit(definition),
        starred=definition.apply_multiplier,
        show=reference.show,
        value=value,
        display=display,
        period_value=period_value,
        period_display=period_display,
        before=before_value,
        base=base,
        change=change,
        marker=marker,
        previous=previous,
        shown=shown,
        splits={k: int(v) for k, v in (now.splits or {}).items() if v is not None},
    )
