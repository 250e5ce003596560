"""The portfolio: where (governorates), who pays (donors, contributions), what
(programmes, projects), and who may see and do what (user profiles).

Rules the database can hold are database constraints, so that no import,
shell session or future bug can store them; rules that need another row
(a project inside its programme's period) are checked in ``clean()``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def normalise_place_name(value: str) -> str:
    """A spelling-insensitive key for a place name: "Al-Anbar", "al anbar" and
    "Anbar" all give "anbar"; Arabic is kept as written, minus spaces."""
    key = value.strip().casefold().replace("’", "'")
    for sep in ("-", "_", " ", "'", "."):
        key = key.replace(sep, "")
    for prefix in ("al", "as", "an", "at", "ad"):
        if key.startswith(prefix) and len(key) > len(prefix) + 3:
            key = key[len(prefix) :]
            break
    return key


class Governorate(models.Model):
    """One of Iraq's 18 first-level divisions, identified by its OCHA P-code."""

    pcode = models.CharField(_("P-code"), max_length=5, unique=True)
    iso_3166_2 = models.CharField(_("ISO 3166-2 code"), max_length=5, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    name_iom = models.CharField(
        _("short name"), max_length=100, help_text=_("The spelling IOM reports use.")
    )
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_("Other spellings found in reports, matched on import."),
    )
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)

    class Meta:
        ordering = ["name_iom"]
        verbose_name = _("governorate")
        verbose_name_plural = _("governorates")
        constraints = [
            models.CheckConstraint(
                condition=Q(pcode__regex=r"^IQG[0-9]{2}$"), name="governorate_pcode_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name_iom

    def names(self) -> list[str]:
        return [
            self.pcode,
            self.iso_3166_2,
            self.name_en,
            self.name_ar,
            self.name_iom,
            *self.aliases,
        ]


class District(models.Model):
    """One of Iraq's 101 second-level divisions (ADM2), inside one governorate;
    its OCHA P-code starts with the governorate's (``IQG15Q05`` in ``IQG15``)."""

    pcode = models.CharField(_("P-code"), max_length=8, unique=True)
    governorate = models.ForeignKey(
        Governorate,
        on_delete=models.PROTECT,
        related_name="districts",
        verbose_name=_("governorate"),
    )
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_("Other spellings found in reports, matched on import."),
    )
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)

    class Meta:
        ordering = ["pcode"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            # Referenced by a project's (district, governorate) pair: the
            # database keeps a project's governorate the district's own.
            models.UniqueConstraint(fields=["id", "governorate"], name="district_in_governorate"),
            models.CheckConstraint(
                condition=Q(pcode__regex=r"^IQG[0-9]{2}Q[0-9]{2}$"), name="district_pcode_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    def names(self) -> list[str]:
        return [self.pcode, self.name_en, self.name_ar, *self.aliases]


class SubDistrict(models.Model):
    """One of Iraq's 294 third-level divisions (ADM3, "nahiya"), inside one
    district; its P-code starts with the district's (``IQG15Q05N01``)."""

    pcode = models.CharField(_("P-code"), max_length=11, unique=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="subdistricts",
        verbose_name=_("district"),
    )
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_("Other spellings found in reports, matched on import."),
    )
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)

    class Meta:
        ordering = ["pcode"]
        verbose_name = _("sub-district")
        verbose_name_plural = _("sub-districts")
        constraints = [
            models.CheckConstraint(
                condition=Q(pcode__regex=r"^IQG[0-9]{2}Q[0-9]{2}N[0-9]{2}$"),
                name="subdistrict_pcode_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    def names(self) -> list[str]:
        return [self.pcode, self.name_en, self.name_ar, *self.aliases]


class Donor(models.Model):
    """A government or institution that funds programmes."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        INSTITUTION = "institution", _("Institution")
        PRIVATE = "private", _("Private sector")

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.GOVERNMENT)
    named = models.BooleanField(
        _("shown by name"),
        default=True,
        help_text=_(
            "Off for an unnamed or grouped donor (“Other donors”): the contributions "
            "of all such donors show as one slice without a name in donor shares."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("donor")
        verbose_name_plural = _("donors")

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A portfolio line (CRP, RRP, 3RP ...) with one outcome area and a period."""

    class OutcomeArea(models.TextChoices):
        HUMAN_CAPITAL = "human_capital", _("Increasing human capital")
        GOOD_GOVERNANCE = "good_governance", _("Promoting good governance")
        SOCIAL_SERVICES = "social_services", _("Improving access to social services")
        LOCAL_ECONOMIES = "local_economies", _("Supporting local economies")
        SAFER_COMMUNITIES = "safer_communities", _("Creating safer communities")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    outcome_area = models.CharField(_("outcome area"), max_length=30, choices=OutcomeArea)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="programme_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def covers(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class Portfolio(models.Model):
    """Programmes reported together ("CRP + RRP"), which a donor can fund as a
    whole; ``key``, kept by the services, is their codes sorted and joined by
    "+", as a snapshot series keys its portfolio."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    programmes = models.ManyToManyField(
        Programme, related_name="portfolios", verbose_name=_("programmes")
    )
    key = models.CharField(
        _("programme codes"), max_length=500, blank=True, editable=False, db_index=True
    )

    history = HistoricalRecords(m2m_fields=[programmes])

    class Meta:
        ordering = ["code"]
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


# An ISO 4217 code: three capital letters (USD, EUR, CAD, SEK, GBP ...).
CURRENCY_CODE = RegexValidator(
    r"^[A-Z]{3}$", _("Enter a currency as its three-letter ISO code, e.g. EUR.")
)
USD = "USD"


class ExchangeRate(models.Model):
    """How many US dollars one unit of a currency is worth from a date on,
    until the next rate of that currency. US dollars need none (1)."""

    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_CODE])
    valid_from = models.DateField(_("valid from"))
    usd_per_unit = models.DecimalField(_("US$ per unit"), max_digits=18, decimal_places=8)

    history = HistoricalRecords()

    class Meta:
        ordering = ["currency", "-valid_from"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_from"], name="exchange_rate_one_per_currency_and_day"
            ),
            models.CheckConstraint(condition=Q(usd_per_unit__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$") & ~Q(currency=USD),
                name="exchange_rate_currency_iso_not_usd",
                violation_error_message=_(
                    "A rate is for a currency other than USD, as its three-letter ISO code."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.valid_from:%Y-%m-%d}: US$ {self.usd_per_unit}"


class Contribution(models.Model):
    """Money from a donor, as the donor gave it (``amount`` in ``currency``)
    and in US dollars at the rate in force on its date (``usd_rate``, kept as
    it was when the contribution was entered): ``amount_usd`` is what every
    funding figure sums, and donor shares are shares of US$; the original
    currency and amount stay for the donor's own reports. The write services
    set the rate and the US$ amount; the database holds them consistent.

    It goes to one programme, to one portfolio, or to neither (unearmarked),
    never to both. It counts: to a programme, in that programme's figures,
    every portfolio's holding it and the mission's; to a portfolio, in that
    portfolio's (a snapshot of exactly its programmes) and the mission's,
    never split between programmes; unearmarked, in the mission's only.
    """

    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="contributions")
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("programme"),
    )
    portfolio = models.ForeignKey(
        Portfolio,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("portfolio"),
        help_text=_("Instead of a programme, for money given to programmes reported together."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, default=USD, validators=[CURRENCY_CODE]
    )
    amount = models.DecimalField(_("amount (in its currency)"), max_digits=14, decimal_places=2)
    usd_rate = models.DecimalField(
        _("US$ per unit"), max_digits=18, decimal_places=8, default=1, editable=False
    )
    amount_usd = models.DecimalField(
        _("amount (US$)"), max_digits=14, decimal_places=2, editable=False
    )
    date = models.DateField(_("date received"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_usd__gt=0), name="contribution_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="contribution_amount_given_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount_usd=Round(F("amount") * F("usd_rate"), 2))
                & (~Q(currency=USD) | Q(usd_rate=1)),
                name="contribution_amount_usd_at_rate",
                violation_error_message=_(
                    "The US$ amount must be the amount at the rate of its date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="contribution_period_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(programme__isnull=True) | Q(portfolio__isnull=True),
                name="contribution_programme_or_portfolio",
                violation_error_message=_(
                    "A contribution goes to a programme or to a portfolio, not to both."
                ),
            ),
        ]

    def __str__(self) -> str:
        to = self.programme or self.portfolio  # neither: unearmarked
        earmark = to.code if to else _("unearmarked")
        return f"{self.donor} → {earmark}: {self.currency} {self.amount or 0:,.0f}"


class Sector(models.Model):
    """Reference list of sectors (education, health, water and sanitation ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """A unit of work inside a programme, paid by one donor, covering one or
    more places (``coverage``, see ``programmes/models_coverage.py``) or the
    whole country (``national``). ``governorate`` and ``district`` are its one
    place when its coverage is exactly one place (derived by
    ``programmes.services.project_coverage_set``), NULL otherwise."""

    class Kind(models.TextChoices):
        QIP = "qip", _("Quick impact project")
        CSP = "csp", _("Community service project")
        TRAINING = "training", _("Training course")
        POLICING_OFFICE = "policing_office", _("Community policing office")
        LIVELIHOODS = "livelihoods", _("Livelihoods support")
        INFRASTRUCTURE = "infrastructure", _("Infrastructure")
        ASSESSMENT = "assessment", _("Assessment")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PREPARATION = "preparation", _("Preparation")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="projects")
    governorate = models.ForeignKey(
        Governorate,
        on_delete=models.PROTECT,
        related_name="projects",
        null=True,  # a national or multi-place project has no one place
        blank=True,  # derived from the district when one is given (clean())
        verbose_name=_("governorate"),
        help_text=_("Taken from the district when a district is given."),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("district"),
    )
    national = models.BooleanField(
        _("national"),
        default=False,
        help_text=_("Covers the whole of Iraq: no place of its own; each record has its own."),
    )
    location_note = models.CharField(
        _("location note"),
        max_length=200,
        blank=True,
        help_text=_("Where, in the report's words, when no district says it (a town, a camp)."),
    )
    community = models.CharField(_("community"), max_length=200, blank=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="projects")
    kind = models.CharField(_("type"), max_length=30, choices=Kind, default=Kind.OTHER)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PREPARATION
    )
    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="projects", verbose_name=_("funding donor")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget_usd = models.DecimalField(_("budget (US$)"), max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="project_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(budget_usd__gte=0), name="project_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(national=False) | Q(governorate__isnull=True, district__isnull=True),
                name="project_national_has_no_place",
            ),
        ]
        indexes = [models.Index(fields=["programme", "governorate"])]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def clean(self) -> None:
        super().clean()
        errors = self._place_errors()
        programme = self.programme if self.programme_id else None
        if programme is not None and self.start_date is not None:
            if not programme.covers(self.start_date):
                errors["start_date"] = _(
                    "The project starts outside its programme's period (%(start)s to %(end)s)."
                ) % {"start": programme.start_date, "end": programme.end_date or _("open")}
            if self.end_date and not programme.covers(self.end_date):
                errors["end_date"] = _(
                    "The project ends outside its programme's period (%(start)s to %(end)s)."
                ) % {"start": programme.start_date, "end": programme.end_date or _("open")}
        if errors:
            raise ValidationError(errors)

    def _place_errors(self) -> dict[str, str]:
        """Takes the governorate from the district when only the district is
        given; when both are, they must agree (the database refuses a project
        whose governorate is not its district's). Returns the errors by field."""
        district = self.district if self.district_id else None
        if self.national:
            if district is not None or self.governorate_id is not None:
                return {"national": _("A national project has no governorate or district.")}
            return {}
        if district is None:
            # A project covering several places has none of its own (the
            # coverage services say so while they write the coverage).
            if self.governorate_id is None:
                several = getattr(self, "_covers_several", None)
                if several is None:
                    several = self.pk is not None and self.coverage.count() > 1
                if not several:
                    return {"governorate": _("Give a governorate or a district.")}
            return {}
        if self.governorate_id is None:
            self.governorate = district.governorate
        elif self.governorate_id != district.governorate_id:
            return {
                "district": _("%(district)s is in %(governorate)s, not in %(given)s.")
                % {
                    "district": district.name_en,
                    "governorate": district.governorate.name_iom,
                    "given": self.governorate.name_iom,
                }
            }
        return {}


class UserProfile(models.Model):
    """A user's role and scope.

    - monitor (field staff): the governorates they work in;
    - manager: the programmes and the governorates they manage (a project is in
      scope when its programme or its governorate is one of them);
    - donor: one donor organisation, and so the programmes it funds;
    - administrator: everything.
    """

    class Role(models.TextChoices):
        MONITOR = "monitor", _("Field staff (monitor)")
        MANAGER = "manager", _("Programme manager")
        DONOR = "donor", _("Donor")
        ADMIN = "admin", _("Administrator")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    governorates = models.ManyToManyField(
        Governorate, blank=True, related_name="staff", verbose_name=_("governorates")
    )
    programmes = models.ManyToManyField(
        Programme, blank=True, related_name="managers", verbose_name=_("programmes")
    )
    donor = models.ForeignKey(
        Donor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("donor organisation"),
    )
    # Empty: the browser's language. Set by the switcher in the page header.
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )
    digits = models.CharField(
        _("digits"),
        max_length=4,
        choices=[("latn", _("Western (0 1 2 3)")), ("arab", _("Arabic-Indic (٠ ١ ٢ ٣)"))],
        default="latn",
        help_text=_("How numbers are written on pages."),
    )

    history = HistoricalRecords(m2m_fields=[governorates, programmes])

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="donor", donor__isnull=False)
                | (~Q(role="donor") & Q(donor__isnull=True)),
                name="userprofile_donor_iff_donor_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


from programmes.models_coverage import ProjectPlace  # noqa: E402, F401 (registered with this app)
from programmes.models_notifications import (  # noqa: E402, F401 (registered with this app)
    Notification,
    NotificationKind,
    NotificationPreference,
)
from programmes.models_outbox import OutboxTask  # noqa: E402, F401 (registered with this app)
