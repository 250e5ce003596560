"""The indicator values download."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from exports.selectors.base import (
    TOTAL,
    Column,
    ExportQueryError,
    Role,
    Table,
    _choice,
    _code_q,
    _codes,
    _date,
)
from indicators.access import values_for_user, values_readable_by
from indicators.models import (
    NOT_RECORDED_FIELDS,
    SPLIT_COLUMNS,
    IndicatorDefinition,
    IndicatorValue,
)
from indicators.selectors import (
    SMALL_COUNT,
    small_count_hidden,
    small_counts_hidden,
)
from programmes.access import user_role
from programmes.names import localised


def _split_labels() -> dict[str, str]:
    return {
        column: IndicatorValue._meta.get_field(column).verbose_name
        for columns in SPLIT_COLUMNS.values()
        for column in columns.values()
    }


# Beside each dimension's categories: the people it leaves unsplit.
_NOT_RECORDED_LABELS = {
    "sex": _("sex not recorded"),
    "age_group": _("age group not recorded"),
    "population_group": _("population group not recorded"),
}


def _split_columns() -> list[Column]:
    """Each dimension's categories, then its "not recorded"."""
    labels = _split_labels()
    columns = []
    for dimension, columns_of_split in SPLIT_COLUMNS.items():
        columns += [Column(column, labels[column]) for column in columns_of_split.values()]
        columns.append(Column(NOT_RECORDED_FIELDS[dimension], _NOT_RECORDED_LABELS[dimension]))
    return columns


def _whole(value):
    """A Decimal without its ".00" when it is a whole number (people, records)."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _protected_splits(values: list) -> list:
    """One split (sex, age or population group) as a donor sees it: 1 to 4
    shows as "<5" and, when exactly one count is hidden, the smallest other
    one too, so that the value minus the others does not give it away (the
    dashboards' rule)."""
    hidden = small_counts_hidden(dict(enumerate(values)))
    not_shown = str(_("not shown"))
    return [
        (f"<{SMALL_COUNT}" if small_count_hidden(v) else not_shown) if i in hidden else v
        for i, v in enumerate(values)
    ]


def _donor_values(user, params: QueryDict) -> QuerySet[IndicatorValue]:
    """A donor's rows: the cells their dashboards show, i.e. their
    organisation's values for all governorates and programmes
    (``values_for_user``), or, under a ``governorate`` or ``programme``
    filter, for the ones picked, never finer. Counts shown as "<5" in a
    finer cut could otherwise be worked out from the cuts around them."""
    values = values_for_user(user)
    cut = {}
    for name, column in (("governorate", "governorate__pcode"), ("programme", "programme__code")):
        codes = [code for code in _codes(params, name) if code != TOTAL]
        if codes:
            cut[name] = Q(**{f"{column}__in": codes})
    if cut:
        # The same organisation, with the picked governorate or programme in
        # place of "all".
        values = values_readable_by(user)
        for name in ("governorate", "programme"):
            values = values.filter(cut.get(name, Q(**{f"{name}__isnull": True})))
    return values


def indicator_values_table(*, user, params: QueryDict) -> Table:
    """The values of the active indicator definitions ``user`` may read,
    filtered by ``definition`` (code), ``period_type``, ``period_end_after``
    and ``period_end_before`` (inclusive), ``governorate`` (P-code), ``programme`` and ``donor``
    (codes). For staff, every cut they may read (``values_readable_by``):
    a filter keeps the rows of that governorate, programme or donor, and the
    value ``all`` keeps the "all" cells (the total over every governorate,
    programme or donor: a blank cell in the download). A donor gets their
    organisation's totals, or those of the governorate or programme they
    pick (``_donor_values``), and counts from 1 to 4 as "<5" (US$ never).
    Raises ExportQueryError for an unreadable filter."""
    errors: list = []
    period_types = _choice(params, "period_type", IndicatorValue.PeriodType, errors)
    after = _date(params, "period_end_after", errors)
    before = _date(params, "period_end_before", errors)
    if errors:
        raise ExportQueryError(errors)

    protect = user_role(user) == Role.DONOR
    if protect:
        values = _donor_values(user, params)
        if codes := _codes(params, "donor"):
            values = values.filter(_code_q("donor__code", codes))
    else:
        values = values_readable_by(user)
        for name, column in (
            ("governorate", "governorate__pcode"),
            ("programme", "programme__code"),
            ("donor", "donor__code"),
        ):
            if codes := _codes(params, name):
                values = values.filter(_code_q(column, codes, total=True))
    # As on the dashboards: the figures of the definitions in use.
    values = values.filter(definition__is_active=True)
    if codes := _codes(params, "definition"):
        values = values.filter(definition__code__in=codes)
    if period_types:
        values = values.filter(period_type__in=period_types)
    if after:
        values = values.filter(period_end__gte=after)
    if before:
        values = values.filter(period_end__lte=before)

    splits = _split_labels()
    columns = [
        Column("indicator_code", _("indicator code")),
        Column("indicator_name", _("indicator")),
        Column("measure", _("measure")),
        Column("period_type", _("period type")),
        Column("period_start", _("period start")),
        Column("period_end", _("period end (or as of)")),
        Column("adm1_code", _("governorate P-code")),
        Column("adm1_name", _("governorate")),
        Column("adm1_name_ar", _("governorate (Arabic)")),
        Column("programme_code", _("programme")),
        Column("donor_code", _("donor code")),
        Column("donor_name", _("donor")),
        Column("value", _("value")),
        *_split_columns(),
        Column("multiplier", _("people per household applied")),
        Column("computed_at", _("computed at")),
    ]
    rows = values.order_by(
        # The unique index's order: the rows stream without a sort.
        "definition_id",
        "governorate_id",
        "programme_id",
        "donor_id",
        "period_end",
        "period_type",
    ).values_list(
        "definition__code",
        localised("definition__name"),
        "definition__measure",
        "period_type",
        "period_start",
        "period_end",
        "governorate__pcode",
        "governorate__name_iom",
        "governorate__name_ar",
        "programme__code",
        "donor__code",
        "donor__name",
        "value",
        *splits,
        "multiplier_value",
        "computed_at",
    )
    value_at = 12
    split_slices = []
    start = value_at + 1
    for columns_of_split in SPLIT_COLUMNS.values():
        split_slices.append(slice(start, start + len(columns_of_split)))
        start += len(columns_of_split)

    def shape(row: tuple) -> list:
        cells = [_whole(v) for v in row]
        value = cells[value_at]
        if protect and row[2] != IndicatorDefinition.Measure.USD and small_count_hidden(value):
            cells[value_at] = f"<{SMALL_COUNT}"
        shaped = cells[: value_at + 1]
        for part in split_slices:
            split = cells[part]
            if any(v is not None for v in split):
                # "Not recorded": the value less the categories (one group with them).
                split = [*split, max(int(value or 0) - sum(v or 0 for v in split), 0)]
                if protect:
                    split = _protected_splits(split)
            else:
                split = [*split, None]
            shaped += split
        return shaped + cells[split_slices[-1].stop :]

    return Table(columns=columns, rows=rows, shape=shape)
