"""Indicator definitions (data an administrator edits) and their derived values.

The rules, as the engine (``indicators/engine/``) applies them:

**What a definition reads.** ``source`` names the records, one of the
sources registered in ``indicators/sources/`` (one module each); only approved
assistance records, approved visits and approved feedback responses count.
Projects and contributions are managed records and always count. Filters
(activity types, sectors, programmes, project statuses and types) narrow the
records; an empty filter means "all".

**The measure.** records (a count), units, households, people, US$ (for
contributions) or projects (distinct projects with at least one counted
record). For people, ``apply_multiplier`` turns households into people:
each record counts ``households × household size``, where the household size
is the record's own recorded size when it has one, and otherwise the
multiplier in force on the record's date (``HouseholdMultiplier``, default 6,
"average household size in Iraq"), unless the definition sets its own
``multiplier``. Without the multiplier, people are the direct recipients.

**Periods.** Every definition has a value per month and per quarter (what
happened in that period). A cumulative definition also has running totals
"as of" the end of each month in which its cell had data; the value as of any
other date is the latest one on or before it (``selectors.values_as_of``).

**How values add up.** All measures add up across cuts: a record belongs to
one project, and a project to one governorate, programme and funding donor,
so the "all governorates" value is the sum of the governorate values. Across
periods, every measure but ``projects`` adds up (a month's value plus the
next month's is the two months' value); ``projects`` counts each project once
in a quarter and once in a running total.

**Cuts.** Every combination of governorate, programme and donor, each one
value or "all" (stored as NULL). Within each cell, people (without the
multiplier) and feedback responses are also split by sex, by age group and by
population group, each split on its own, in columns of the cell's row. Only
cells with data are stored.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from beneficiaries.models import ActivityType
from indicators import sources
from programmes.models import District, Donor, Governorate, Programme, Project, Sector


def validate_first_of_month(day) -> None:
    """A field error on a date that is not the first of a month: a multiplier
    is in force from a month on. On the field (admin form, API serializers of
    the model) rather than the database constraint's bare message."""
    if day is not None and day.day != 1:
        raise ValidationError(
            _("A multiplier must start on the first of a month (%(first)s, not %(day)s)."),
            code="first_of_month",
            params={"first": day.replace(day=1).isoformat(), "day": day.isoformat()},
        )


class HouseholdMultiplier(models.Model):
    """The average household size that turns households into people, from a
    month on. The one in force on a record's date applies to that record."""

    value = models.PositiveSmallIntegerField(_("people per household"))
    effective_from = models.DateField(
        _("effective from"),
        unique=True,
        help_text=_("The first day of a month."),
        validators=[validate_first_of_month],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["effective_from"]
        verbose_name = _("household multiplier")
        verbose_name_plural = _("household multipliers")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=30), name="multiplier_value_range"
            ),
            models.CheckConstraint(
                condition=Q(effective_from__day=1),
                name="multiplier_starts_on_first_of_month",
                violation_error_message=_("A multiplier must start on the first of a month."),
            ),
        ]

    def __str__(self) -> str:
        return _("× %(value)s from %(date)s") % {"value": self.value, "date": self.effective_from}


class IndicatorDefinition(models.Model):
    """A named figure computed from the records (see the module docstring)."""

    # The tables a definition can read, one per module of ``indicators/sources/``
    # (``Source.ASSISTANCE == "assistance"``...).
    Source = models.TextChoices(
        "Source", [(s.code.upper(), (s.code, s.label)) for s in sources.all()]
    )

    class Measure(models.TextChoices):
        RECORDS = "records", _("Number of records")
        UNITS = "units", _("Sum of units")
        HOUSEHOLDS = "households", _("Sum of households")
        PEOPLE = "people", _("Sum of people")
        USD = "usd", _("Sum of US$")
        PROJECTS = "projects", _("Number of distinct projects")

    class Accumulation(models.TextChoices):
        CUMULATIVE = "cumulative", _("Running total (cumulative)")
        PERIODIC = "periodic", _("Per period")

    # Which measures each source can give.
    MEASURES_BY_SOURCE = {s.code: s.measures for s in sources.all()}

    class Section(models.TextChoices):
        """The outcome area a figure is shown under in the quarterly snapshot,
        in the snapshot's order."""

        ACCOUNTABILITY = "accountability", _("Accountability to communities")
        SOCIAL_SERVICES = "social_services", _("Access to basic services")
        HUMAN_CAPITAL = "human_capital", _("Enhancing human capital")
        LOCAL_ECONOMIES = "local_economies", _("Supporting local economies")
        GOOD_GOVERNANCE = "good_governance", _("Promoting good governance")
        SAFER_COMMUNITIES = "safer_communities", _("Creating safer communities")

    class DashboardRole(models.TextChoices):
        """What a definition feeds on the dashboards besides a headline card;
        at most one active definition per role."""

        MAP = "map", _("Map and quarterly chart")
        SPLITS = "splits", _("Split by sex, age and population group")
        CONTRIBUTIONS = "contributions", _("Contributions by donor")
        PROJECTS = "projects", _("Projects by status: all projects")
        PROJECTS_COMPLETED = "projects_completed", _("Projects by status: completed")
        PROJECTS_ONGOING = "projects_ongoing", _("Projects by status: ongoing")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    section = models.CharField(
        _("snapshot section"),
        max_length=30,
        choices=Section,
        blank=True,
        help_text=_(
            "The outcome area the quarterly snapshot shows this figure under; empty: none."
        ),
    )
    source = models.CharField(_("reads"), max_length=20, choices=Source)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure)
    apply_multiplier = models.BooleanField(
        _("multiply households by household size"),
        default=False,
        help_text=_("For people: households × recorded household size, or × the multiplier."),
    )
    multiplier = models.PositiveSmallIntegerField(
        _("own multiplier"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the mission's household multiplier."),
    )
    accumulation = models.CharField(
        _("figure"), max_length=20, choices=Accumulation, default=Accumulation.CUMULATIVE
    )
    activity_types = models.ManyToManyField(
        ActivityType, blank=True, verbose_name=_("activity types")
    )
    sectors = models.ManyToManyField(Sector, blank=True, verbose_name=_("sectors"))
    programmes = models.ManyToManyField(Programme, blank=True, verbose_name=_("programmes"))
    project_statuses = models.JSONField(
        _("project statuses"), default=list, blank=True, help_text=_("Empty: any status.")
    )
    project_kinds = models.JSONField(
        _("project types"), default=list, blank=True, help_text=_("Empty: any type.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    headline = models.BooleanField(
        _("headline card"),
        default=False,
        help_text=_("Shown as a headline card on the dashboards and snapshots, in position order."),
    )
    dashboard_role = models.CharField(
        _("dashboard role"),
        max_length=30,
        choices=DashboardRole,
        blank=True,
        help_text=_("What else it feeds on the dashboards; empty: nothing."),
    )

    history = HistoricalRecords(m2m_fields=[activity_types, sectors, programmes])

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("indicator definition")
        verbose_name_plural = _("indicator definitions")
        constraints = [
            models.CheckConstraint(
                condition=Q(apply_multiplier=False) | Q(measure="people"),
                name="definition_multiplier_only_for_people",
            ),
            models.CheckConstraint(
                condition=Q(multiplier__isnull=True) | Q(multiplier__gte=1, multiplier__lte=30),
                name="definition_multiplier_range",
            ),
            models.UniqueConstraint(
                fields=["dashboard_role"],
                condition=~Q(dashboard_role=""),
                name="definition_one_per_dashboard_role",
                violation_error_message=_("Another definition already has this dashboard role."),
            ),
            # A distinct count has no running total made of monthly values.
            models.CheckConstraint(
                condition=~Q(measure="projects") | Q(accumulation="periodic"),
                name="definition_distinct_projects_periodic",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cumulative(self) -> bool:
        return self.accumulation == self.Accumulation.CUMULATIVE

    @property
    def adds_up_across_periods(self) -> bool:
        """Whether a quarter's value is the sum of its months' values, and a
        running total the sum of the months so far: true for every measure but
        distinct projects, which counts a project once however many months it
        delivered in (hence no running total for it)."""
        return self.measure != self.Measure.PROJECTS

    @property
    def has_splits(self) -> bool:
        """Whether its values are split by sex, age group and population group,
        as its source says: people without the multiplier, and feedback
        responses; other measures are not."""
        return self.source in self.MEASURES_BY_SOURCE and sources.get(self.source).splits(self)

    def clean(self) -> None:
        super().clean()
        allowed = self.MEASURES_BY_SOURCE.get(self.source, set())
        if self.source and self.measure and self.measure not in allowed:
            raise ValidationError(
                {
                    "measure": _("%(source)s cannot give this measure.")
                    % {"source": self.get_source_display()}
                }
            )
        if self.apply_multiplier and self.measure != self.Measure.PEOPLE:
            raise ValidationError({"apply_multiplier": _("The multiplier applies to people only.")})
        bad = set(self.project_statuses or []) - set(Project.Status.values)
        if bad:
            raise ValidationError(
                {"project_statuses": _("Unknown status: %(s)s") % {"s": ", ".join(sorted(bad))}}
            )
        bad = set(self.project_kinds or []) - set(Project.Kind.values)
        if bad:
            raise ValidationError(
                {"project_kinds": _("Unknown type: %(s)s") % {"s": ", ".join(sorted(bad))}}
            )


# The split columns of a value row: dimension -> category code -> column name.
SPLIT_COLUMNS = {
    "sex": {"f": "sex_f", "m": "sex_m"},
    "age_group": {"0-5": "age_0_5", "6-17": "age_6_17", "18-59": "age_18_59", "60+": "age_60_plus"},
    "population_group": {
        "idp": "pop_idp",
        "returnee": "pop_returnee",
        "host": "pop_host",
        "refugee": "pop_refugee",
    },
}
SPLIT_FIELDS = [column for columns in SPLIT_COLUMNS.values() for column in columns.values()]
# Beside the categories of a split: the people a dimension leaves unsplit.
NOT_RECORDED = "not_recorded"
# Where outputs (API, exports) put each dimension's "not recorded".
NOT_RECORDED_FIELDS = {
    "sex": "sex_not_recorded",
    "age_group": "age_not_recorded",
    "population_group": "pop_not_recorded",
}


def not_recorded(total, splits, dimension: str) -> int:
    """The people of ``total`` that ``splits`` ({split column: people}) do not
    split along ``dimension``: "not recorded", never invented into a category."""
    recorded = sum(splits.get(column) or 0 for column in SPLIT_COLUMNS[dimension].values())
    return max(int(total or 0) - recorded, 0)


def _split_field(label: str) -> models.BigIntegerField:
    return models.BigIntegerField(label, null=True, blank=True)


class IndicatorValue(models.Model):
    """One number: a definition's value for one period and one cut, with, for
    definitions that have splits, the cell's split by sex, by age group and by
    population group in the ``sex_*``, ``age_*`` and ``pop_*`` columns (each
    split on its own; a category with no one is 0, a definition without
    splits has NULLs). A split counts the recipients recorded in that category,
    so it adds up to the value when every recipient was disaggregated.

    ``period_type`` month/quarter: what happened in [period_start, period_end].
    ``period_type`` cumulative: the running total as of ``period_end``.
    A NULL governorate, programme or donor means "all".
    Written only by the engine: recomputed from the records and overwritten.
    Derived data: its foreign keys are not database constraints, so the engine
    writes millions of rows without a trigger per row.
    """

    class PeriodType(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        CUMULATIVE = "cumulative", _("Cumulative as of")

    definition = models.ForeignKey(
        IndicatorDefinition,
        on_delete=models.CASCADE,
        related_name="values",
        db_constraint=False,
        db_index=False,
    )
    # "C" collation: the unique index sorts a million of these on every full run.
    period_type = models.CharField(max_length=10, choices=PeriodType, db_collation="C")
    period_start = models.DateField(null=True)
    period_end = models.DateField()
    governorate = models.ForeignKey(
        Governorate, on_delete=models.DO_NOTHING, null=True, db_constraint=False, db_index=False
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.DO_NOTHING, null=True, db_constraint=False, db_index=False
    )
    donor = models.ForeignKey(
        Donor, on_delete=models.DO_NOTHING, null=True, db_constraint=False, db_index=False
    )
    value = models.DecimalField(max_digits=20, decimal_places=2)
    sex_f = _split_field(_("female"))
    sex_m = _split_field(_("male"))
    age_0_5 = _split_field(_("aged 0–5"))
    age_6_17 = _split_field(_("aged 6–17"))
    age_18_59 = _split_field(_("aged 18–59"))
    age_60_plus = _split_field(_("aged 60 and over"))
    pop_idp = _split_field(_("internally displaced"))
    pop_returnee = _split_field(_("returnees"))
    pop_host = _split_field(_("host community"))
    pop_refugee = _split_field(_("refugees"))
    multiplier = models.ForeignKey(
        HouseholdMultiplier,
        on_delete=models.DO_NOTHING,
        null=True,
        db_constraint=False,
        db_index=False,
        help_text=_("The multiplier version in force at the period's end, where it applies."),
    )
    multiplier_value = models.PositiveSmallIntegerField(
        null=True, help_text=_("People per household applied where no size was recorded.")
    )
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            # Also the index every reader uses: a definition and a cut, then a
            # range of period ends (the period type last: comparing it is the
            # dearest part of building this index on every full run).
            models.UniqueConstraint(
                fields=[
                    "definition",
                    "governorate",
                    "programme",
                    "donor",
                    "period_end",
                    "period_type",
                ],
                name="indicatorvalue_one_per_cell",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.period_type} {self.period_end}: {self.value}"

    def split(self, dimension: str) -> dict[str, int] | None:
        """The split along ``dimension`` ("sex", "age_group", "population_group")
        as {category code: people}, or None for a definition without splits."""
        columns = SPLIT_COLUMNS[dimension]
        values = {code: getattr(self, column) for code, column in columns.items()}
        return None if all(v is None for v in values.values()) else values

    def not_recorded(self, dimension: str) -> int | None:
        """The people of the value not split along ``dimension`` (the records
        did not say), or None for a definition without splits."""
        if self.split(dimension) is None:
            return None
        splits = {column: getattr(self, column) for column in SPLIT_FIELDS}
        return not_recorded(self.value, splits, dimension)


class RecomputeJob(models.Model):
    """One recomputation: a full one (all definitions) or an incremental one
    (the months and definitions a change touched). Its row shows progress and
    keeps the attempts and the error of a failed run. A running job holds a
    lease (``heartbeat_at``); one whose lease expired is queued again."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full")
        INCREMENTAL = "incremental", _("Incremental")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=20, choices=Kind)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    values_written = models.PositiveIntegerField(default=0)
    # Stamped every few seconds by the worker running it (programmes.leases).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    STEP_INTERRUPTED = "interrupted, restarting"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("recomputation")
        verbose_name_plural = _("recomputations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def interrupted(self) -> bool:
        """Its worker stopped: queued again after that, or still marked
        running under an expired lease (until the reclaim queues it again)."""
        from programmes.leases import lease_expired_before

        if self.status == self.Status.QUEUED:
            return self.step == self.STEP_INTERRUPTED
        return (
            self.status == self.Status.RUNNING
            and self.heartbeat_at is not None
            and self.heartbeat_at < lease_expired_before()
        )


class EngineLock(models.Model):  # noqa: DJ008 (a lock row has nothing to show)
    """A single row locked (SELECT ... FOR UPDATE) by every recomputation for
    the length of its transaction, so that two never interleave."""

    name = models.CharField(max_length=40, unique=True)

    class Meta:
        verbose_name = _("engine lock")


# A target's split: "dimension=category" (sex=f, age_group=0-5, population_group=idp).
TARGET_SPLITS = {
    f"{dimension}={code}": column
    for dimension, columns in SPLIT_COLUMNS.items()
    for code, column in columns.items()
}


class Target(models.Model):
    """What a definition should reach in a period (any run of days: a month, a
    quarter, a year), for a programme or for one project, optionally in one
    governorate or district and for one split category ("sex=f"). Entered by
    managers in scope through ``indicators.services.target_set``; compared with
    the actual figure by ``indicators.selectors.targets``."""

    definition = models.ForeignKey(
        IndicatorDefinition,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("indicator"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="targets"
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="targets"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    governorate = models.ForeignKey(
        Governorate, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("governorate")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("district")
    )
    split = models.CharField(
        _("split"),
        max_length=30,
        blank=True,
        choices=[(key, key) for key in TARGET_SPLITS],
        help_text=_("One category, e.g. sex=f; empty: everyone."),
    )
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["definition__position", "definition__code", "period_start", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(programme__isnull=True) ^ Q(project__isnull=True),
                name="target_programme_or_project",
                violation_error_message=_("Give a programme or a project, not both."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="target_period_end_after_start",
                violation_error_message=_("The period ends before it starts."),
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_not_negative"),
            models.UniqueConstraint(
                fields=[
                    "definition",
                    "programme",
                    "project",
                    "period_start",
                    "period_end",
                    "governorate",
                    "district",
                    "split",
                ],
                name="target_one_per_scope_period_place_split",
                nulls_distinct=False,
                violation_error_message=_(
                    "This indicator already has a target for this scope, period, place and split."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.period_start}–{self.period_end}: {self.value}"

    @property
    def split_label(self) -> str:
        """The split category in words ("female", "aged 0–5"), not its code."""
        if not self.split:
            return ""
        return str(IndicatorValue._meta.get_field(TARGET_SPLITS[self.split]).verbose_name)

    def clean(self) -> None:
        """The period lies between 1900 and 2100; the governorate is taken
        from the district; a split needs a definition with splits."""
        super().clean()
        for name in ("period_start", "period_end"):
            day = getattr(self, name)
            if day is not None and not 1900 <= day.year <= 2100:
                raise ValidationError({name: _("Give a day between 1900 and 2100.")})
        if self.district_id:
            governorate_id = self.district.governorate_id
            if self.governorate_id and self.governorate_id != governorate_id:
                raise ValidationError(
                    {"district": _("This district is not in the governorate given.")}
                )
            self.governorate_id = governorate_id
        if self.split and self.definition_id and not self.definition.has_splits:
            raise ValidationError({"split": _("This indicator has no split by sex, age or group.")})


class DataStamp(models.Model):  # noqa: DJ008 (a stamp row has nothing to show)
    """What the dashboards' cache key is made of: one row per transaction that
    wrote a table the dashboards read (the engine's runs included), written by
    that transaction itself (database triggers, migration ``0010_data_stamp``),
    so a reader sees a new stamp exactly when it can see the change.
    ``weight``: 1 for a transaction's row, written by its first writing
    statement (indicators 0016; before it, every statement added 1), and for a
    compacted row the sum of the rows it replaces. See
    ``indicators.selectors.data_stamp``."""

    txid = models.BigIntegerField(unique=True)
    weight = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = _("data stamp")
