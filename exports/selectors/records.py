"""The assistance records and monitoring visits downloads."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from beneficiaries.access import assistance_for_user, visits_for_user
from beneficiaries.models import (
    RECIPIENT_FIELDS,
    SPLITS,
    AssistanceRecord,
    Photo,
    Referral,
    ReviewStatus,
)
from beneficiaries.models_splits import PAIR_COLUMNS, pair_cell_label
from exports.selectors.base import (
    Column,
    ExportQueryError,
    Table,
    _choice,
    _codes,
    _date,
)
from programmes.names import localised

# --- Assistance records ------------------------------------------------------------


def _recipient_labels() -> dict[str, str]:
    return {
        column: AssistanceRecord._meta.get_field(column).verbose_name for column in RECIPIENT_FIELDS
    }


_NOT_RECORDED = {
    "sex": ("sex_not_recorded", _("sex not recorded")),
    "age_group": ("age_not_recorded", _("age group not recorded")),
    "population_group": ("pop_not_recorded", _("population group not recorded")),
}


def _record_split_columns() -> list[Column]:
    """Each dimension's split columns as recorded, then its "not recorded"."""
    columns = []
    for dimension, columns_of_split in SPLITS.items():
        columns += [
            Column(column, AssistanceRecord._meta.get_field(column).verbose_name)
            for column in columns_of_split.values()
        ]
        columns.append(Column(*_NOT_RECORDED[dimension]))
    return columns


def _pair_columns() -> list[Column]:
    """A column per two-way cell (``f_18_59``, ``f_idp``, ``18_59_idp`` ...),
    named as the import reads it, in the order of the record's page."""
    return [
        Column(column, pair_cell_label(pair, cell)) for column, (pair, cell) in PAIR_COLUMNS.items()
    ]


_NO_PAIRS: list[None] = [None] * len(PAIR_COLUMNS)


def _pair_cells(crossings: dict | None) -> list[int | None]:
    """The cells of ``_pair_columns`` from a record's ``crossings``: empty
    for a pair not recorded, 0 for a cell not given of a pair recorded."""
    if not crossings:
        return _NO_PAIRS  # most records: no list built per row
    return [
        crossings[pair].get(cell, 0) if pair in crossings else None
        for pair, cell in PAIR_COLUMNS.values()
    ]


def _project_filters(params: QueryDict, prefix: str = "project__") -> Q:
    """The filters of ``params``; the governorate and district are the
    record's or visit's own (a national project's records lie in many)."""
    q = Q()
    for name, column in (
        ("project", f"{prefix}code"),
        ("programme", f"{prefix}programme__code"),
        ("governorate", "governorate__pcode"),
        ("district", "district__pcode"),
        ("donor", f"{prefix}donor__code"),
        ("sector", f"{prefix}sector__code"),
    ):
        if codes := _codes(params, name):
            q &= Q(**{f"{column}__in": codes})
    return q


def assistance_records_table(*, user, params: QueryDict) -> Table:
    """The assistance records ``user`` may download (``beneficiaries.access.assistance_for_user``),
    filtered by ``project``, ``programme``, ``governorate``, ``district``
    (P-codes), ``donor``, ``sector``, ``activity_type`` (codes), ``status`` and
    ``delivered_after`` / ``delivered_before`` (inclusive); oldest first.
    No personal data: the beneficiary a record may name is left out.
    Raises ExportQueryError for an unreadable filter."""
    errors: list = []
    statuses = _choice(params, "status", ReviewStatus, errors)
    after = _date(params, "delivered_after", errors)
    before = _date(params, "delivered_before", errors)
    if errors:
        raise ExportQueryError(errors)
    records = assistance_for_user(user).filter(_project_filters(params))
    if codes := _codes(params, "activity_type"):
        records = records.filter(activity_type__code__in=codes)
    if statuses:
        records = records.filter(status__in=statuses)
    if after:
        records = records.filter(delivered_on__gte=after)
    if before:
        records = records.filter(delivered_on__lte=before)

    recipients = _recipient_labels()
    columns = [
        Column("record_id", _("record")),
        Column("project_code", _("project code")),
        Column("project_name", _("project")),
        Column("programme_code", _("programme")),
        Column("sector_code", _("sector code")),
        Column("sector_name", _("sector")),
        Column("adm1_code", _("governorate P-code")),
        Column("adm1_name", _("governorate")),
        Column("adm1_name_ar", _("governorate (Arabic)")),
        Column("adm2_code", _("district P-code")),
        Column("adm2_name", _("district")),
        Column("adm2_name_ar", _("district (Arabic)")),
        Column("adm3_code", _("sub-district P-code")),
        Column("adm3_name", _("sub-district")),
        Column("loc_name", _("community")),
        Column("donor_code", _("funding donor")),
        Column("activity_code", _("activity type code")),
        Column("activity_name", _("activity type")),
        Column("unit", _("unit")),
        Column("delivered_on", _("delivered on")),
        Column("status", _("status")),
        Column("units", _("units")),
        Column("households", _("households")),
        Column("household_size", _("recorded household size")),
        Column("people", _("people (direct recipients)")),
        *_record_split_columns(),
        *_pair_columns(),
        *(Column(column, label) for column, label in recipients.items()),
        Column("visit_id", _("verified by visit")),
        # A line of a shared reach records no households or people itself:
        # the reach it shares, counted once however many lines share it.
        Column("shared_reach", _("shared reach")),
        Column("shared_households", _("households of the shared reach")),
        Column("shared_people", _("people of the shared reach")),
        Column("shared_household_size", _("household size of the shared reach")),
    ]
    fields = [
        "pk",
        "project__code",
        localised("project__name"),
        "project__programme__code",
        "project__sector__code",
        localised("project__sector__name"),
        "governorate__pcode",
        "governorate__name_iom",
        "governorate__name_ar",
        "district__pcode",
        "district__name_en",
        "district__name_ar",
        "subdistrict__pcode",
        "subdistrict__name_en",
        "project__community",
        "project__donor__code",
        "activity_type__code",
        localised("activity_type__name"),
        localised("activity_type__unit"),
        "delivered_on",
        "status",
        "units",
        "households",
        "household_size",
        "people",
        *(column for columns in SPLITS.values() for column in columns.values()),
        "crossings",
        *recipients,
        "visit_id",
        "reach_id",
        "reach__households",
        "reach__people",
        "reach__household_size",
    ]
    rows = records.order_by("pk").values_list(*fields)
    people_at = fields.index("people")

    def shape(row: tuple) -> list:
        """The splits as recorded (empty: not recorded), each dimension
        followed by the people it leaves unsplit; then the two-way cells."""
        cells = list(row[: people_at + 1])
        at = people_at + 1
        for columns in SPLITS.values():
            split = row[at : at + len(columns)]
            cells += [*split, row[people_at] - sum(v or 0 for v in split)]
            at += len(columns)
        return cells + _pair_cells(row[at]) + list(row[at + 1 :])

    return Table(columns=columns, rows=rows, shape=shape)


# --- Monitoring visits -------------------------------------------------------------


def _count_of(model, *, extra: Q | None = None) -> Coalesce:
    related = model.objects.filter(visit=OuterRef("pk"))
    if extra is not None:
        related = related.filter(extra)
    counted = related.order_by().values("visit").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def visits_table(*, user, params: QueryDict) -> Table:
    """The monitoring visits ``user`` may see (``visits_for_user``), filtered
    by ``project``, ``programme``, ``governorate``, ``district`` (P-codes),
    ``donor``, ``sector``, ``status`` and ``visit_after`` / ``visit_before`` (inclusive): dates,
    status and counts of referrals, photos and assistance lines, without the
    findings (free text that may name people) or who made the visit.
    Raises ExportQueryError for an unreadable filter."""
    errors: list = []
    statuses = _choice(params, "status", ReviewStatus, errors)
    after = _date(params, "visit_after", errors)
    before = _date(params, "visit_before", errors)
    if errors:
        raise ExportQueryError(errors)
    visits = visits_for_user(user).filter(_project_filters(params))
    if statuses:
        visits = visits.filter(status__in=statuses)
    if after:
        visits = visits.filter(visit_date__gte=after)
    if before:
        visits = visits.filter(visit_date__lte=before)
    columns = [
        Column("visit_id", _("visit")),
        Column("project_code", _("project code")),
        Column("project_name", _("project")),
        Column("programme_code", _("programme")),
        Column("sector_name", _("sector")),
        Column("adm1_code", _("governorate P-code")),
        Column("adm1_name", _("governorate")),
        Column("adm1_name_ar", _("governorate (Arabic)")),
        Column("adm2_code", _("district P-code")),
        Column("adm2_name", _("district")),
        Column("adm3_code", _("sub-district P-code")),
        Column("adm3_name", _("sub-district")),
        Column("donor_code", _("funding donor")),
        Column("visit_date", _("visit date")),
        Column("status", _("status")),
        Column("submitted_at", _("submitted at")),
        Column("reviewed_at", _("reviewed at")),
        Column("referrals", _("referrals")),
        Column("referrals_open", _("open referrals")),
        Column("photos", _("photos")),
        Column("assistance_lines", _("assistance lines")),
    ]
    rows = (
        visits.annotate(
            n_referrals=_count_of(Referral),
            n_open=_count_of(Referral, extra=Q(closed_on__isnull=True)),
            n_photos=_count_of(Photo),
            n_lines=_count_of(AssistanceRecord),
        )
        .order_by("visit_date", "pk")
        .values_list(
            "pk",
            "project__code",
            localised("project__name"),
            "project__programme__code",
            localised("project__sector__name"),
            "governorate__pcode",
            "governorate__name_iom",
            "governorate__name_ar",
            "district__pcode",
            "district__name_en",
            "subdistrict__pcode",
            "subdistrict__name_en",
            "project__donor__code",
            "visit_date",
            "status",
            "submitted_at",
            "reviewed_at",
            "n_referrals",
            "n_open",
            "n_photos",
            "n_lines",
        )
    )
    return Table(columns=columns, rows=rows, shape=list)
