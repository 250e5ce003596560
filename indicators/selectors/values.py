"""Reads of indicator values: the values of a user's cells narrowed as a page
narrows them (the cells themselves: ``indicators.access``), the latest running totals, and numbers as a page shows them (with the donor
small-count rule). Pages and exports ask these, never the table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from indicators.access import cells_for_user
from indicators.cells import Cells
from indicators.models import (
    NOT_RECORDED,
    SPLIT_COLUMNS,
    SPLIT_FIELDS,
    IndicatorDefinition,
    IndicatorValue,
    not_recorded,
)
from indicators.periods import quarter_start
from programmes.l10n import number_text

SMALL_COUNT = 5  # counts from 1 to SMALL_COUNT - 1 are shown to donors as "<5"


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


def default_as_of(today: dt.date) -> dt.date:
    """The end of the last complete quarter before ``today``."""
    return quarter_start(today) - dt.timedelta(days=1)


# --- Cells ----------------------------------------------------------------------
#
# Which cells a user may read is an access rule (``indicators.access``); the
# algebra of cells is ``indicators.cells``.


def values_in_cells(
    user, *, governorate=None, programme=None, donor=None, by: str | None = None
) -> QuerySet[IndicatorValue]:
    """The indicator values ``user`` may read (``values_for_user``), narrowed
    to one governorate, programme and donor (None: not narrowed) and with the
    "all" cells of dimension ``by`` listed by its values, as the dashboards
    narrow them. Disjoint cells: their values add up to the figure."""
    # With nothing narrowed this is values_for_user(user); narrowing uses the
    # dashboards' own cell algebra, so the API's figures are theirs.
    cells = cells_for_user(user)
    for dimension, chosen in (
        ("programme", programme),
        ("donor", donor),
        ("governorate", governorate),
    ):
        cells = cells.narrowed(dimension, chosen.pk if chosen is not None else None)
    return IndicatorValue.objects.filter(cells.q(by=by))


_LATEST_COLUMNS = (
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


def latest_values(definitions: list[IndicatorDefinition], q: Q, as_of: dt.date) -> list[dict]:
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
        .values(*_LATEST_COLUMNS)
    )


def latest_value_parts(
    parts: dict[str, tuple[list[IndicatorDefinition], Cells, str | None]], as_of: dt.date
) -> dict[str, list[dict]]:
    """``latest_values`` for several (definitions, cells, by) at once, in one query:
    the rows of each part by its name (a row may belong to several parts)."""
    found: dict[str, list[dict]] = {name: [] for name in parts}
    parts = {name: part for name, part in parts.items() if part[0] and part[1].terms}
    if not parts:
        return found
    q = Q(pk__in=[])
    for definitions, cells, by in parts.values():
        q |= Q(cells.q(by), definition__in=[d.pk for d in definitions])
    every = {d.pk: d for definitions, _c, _b in parts.values() for d in definitions}
    rows = latest_values(list(every.values()), q, as_of)
    for name, (definitions, cells, by) in parts.items():
        wanted = {d.pk for d in definitions}
        found[name] = [
            row for row in rows if row["definition_id"] in wanted and cells.matches(row, by)
        ]
    return found


# --- Numbers as shown -------------------------------------------------------------


def is_hidden_small(value: Decimal | int | None, *, protect: bool) -> bool:
    return protect and value is not None and 0 < value < SMALL_COUNT


def small_count_hidden(value) -> bool:
    """Whether a donor-facing output shows ``value`` as "<5" (from 1 to 4)."""
    return is_hidden_small(value, protect=True)


def _hidden(display=None) -> dict:
    return {"value": None, "display": display or _("not shown"), "suppressed": True}


def figure_shown(value, *, usd: bool = False, protect: bool = False) -> dict:
    """A number as the page shows it: ``value`` for charts (None when hidden)
    and ``display``, the formatted text ("<5" for a small count a donor sees)."""
    if value is None:
        return {"value": None, "display": "–", "suppressed": False}
    if not usd and is_hidden_small(value, protect=protect):
        return _hidden(f"<{SMALL_COUNT}")
    number = float(value)
    text = number_text(round(number), decimal_pos=0)
    return {"value": number, "display": f"US$ {text}" if usd else text, "suppressed": False}


def small_counts_hidden(values: dict) -> set:
    """The keys of ``values``, counts that add up to a total shown elsewhere,
    that a donor does not see: those from 1 to 4, and when exactly one is,
    the smallest other positive one too, so that the total minus the others
    does not give it away. The one rule of the dashboards, the API, the
    exports and the snapshots."""
    hidden = {key for key, v in values.items() if small_count_hidden(v)}
    if len(hidden) == 1:
        others = sorted((v, key) for key, v in values.items() if key not in hidden and v and v > 0)
        if others:
            hidden.add(others[0][1])
    return hidden


def figures_shown(values: dict, *, protect: bool) -> dict:
    """``figure_shown`` for each of a set of counts that add up to a shown total,
    by ``small_counts_hidden`` for a donor (``protect``)."""
    shown = {key: figure_shown(v, protect=protect) for key, v in values.items()}
    if protect:
        for key in small_counts_hidden(values):
            if not shown[key]["suppressed"]:
                shown[key] = _hidden()
    return shown


def split_shown(total, splits: dict, dimension: str, *, protect: bool) -> dict:
    """A split of ``total`` people along ``dimension`` as pages show it:
    ``categories``, each category then "not recorded" (what the records left
    unsplit, never spread over the categories) with its figure and ``share``
    of the total in percent (None when hidden or nothing to share); and
    ``has_data``, whether any category was recorded. ``splits`` maps the
    value table's split columns to people."""
    columns = SPLIT_COLUMNS[dimension]
    counts = {code: splits.get(column) or 0 for code, column in columns.items()}
    counts[NOT_RECORDED] = not_recorded(total, splits, dimension)
    whole = sum(counts.values())
    shown = figures_shown(counts, protect=protect)
    labels = {
        **{
            code: IndicatorValue._meta.get_field(column).verbose_name
            for code, column in columns.items()
        },
        NOT_RECORDED: _("Not recorded"),
    }
    return {
        "categories": [
            {
                "code": code,
                "label": str(labels[code]),
                **shown[code],
                "share": (
                    round(100 * count / whole)
                    if whole and shown[code]["value"] is not None
                    else None
                ),
            }
            for code, count in counts.items()
        ],
        "has_data": any(count for code, count in counts.items() if code != NOT_RECORDED),
    }


def series_figures_shown(per_quarter: list[Decimal], *, protect: bool) -> list[tuple[dict, dict]]:
    """The figures of a quarterly series and of its running total, as
    (per quarter, cumulative) pairs, for quarters given oldest first.

    For a donor (``protect``), no quarter's hidden value can be worked out
    from what the chart shows, the headline included (the last running total
    is the page's headline figure, so it counts as known unless it is itself
    from 1 to 4):

    1. a quarter's value from 1 to 4 is hidden ("<5"), and so is the running
       total at that quarter's end (else it minus the one before gives the
       quarter away); a running total from 1 to 4 is hidden too;
    2. between two running totals that are shown, the quarters whose value
       is hidden only give away their sum; when there is exactly one such
       quarter, the smallest non-zero value of the other quarters in between
       is hidden as well ("not shown"), as for the parts of any total
       (``figures_shown``); when there is none, the running total opening the
       stretch is hidden, which joins it to the stretch before.

    What remains known is the sum of two or more hidden quarters. The rule
    holds within one page; the headline as of an earlier quarter end is the
    running total published for that date, as in the snapshots."""
    n = len(per_quarter)
    totals, running = [], Decimal(0)
    for value in per_quarter:
        running += value
        totals.append(running)
    if not protect:
        return [
            (figure_shown(q), figure_shown(c)) for q, c in zip(per_quarter, totals, strict=True)
        ]
    hide_q = [is_hidden_small(q, protect=True) for q in per_quarter]
    secondary = [False] * n
    hide_c = [hide_q[k] or is_hidden_small(totals[k], protect=True) for k in range(n)]
    changed = True
    while changed:
        changed = False
        # Known running totals: the start (before the first quarter, 0), the
        # shown ones and the last one (the headline), unless it is small.
        known = [-1] + [k for k in range(n - 1) if not hide_c[k]]
        if n and not is_hidden_small(totals[-1], protect=True):
            known.append(n - 1)
        for left, right in zip(known, known[1:], strict=False):
            stretch = range(left + 1, right + 1)
            if sum(1 for k in stretch if hide_q[k] or secondary[k]) != 1:
                continue
            others = sorted(
                (per_quarter[k], k)
                for k in stretch
                if not (hide_q[k] or secondary[k]) and per_quarter[k] > 0
            )
            if others:
                secondary[others[0][1]] = True
            elif left >= 0:
                hide_c[left] = True
            else:
                continue  # the whole sum is the first known total, itself hidden
            changed = True
            break
    result = []
    for k in range(n):
        q = _hidden() if secondary[k] else figure_shown(per_quarter[k], protect=True)
        c = figure_shown(totals[k], protect=True)
        if hide_c[k] and k < n - 1 and not c["suppressed"]:
            c = _hidden()
        result.append((q, c))
    return result
