"""A snapshot: the report of a portfolio (one or more programmes) for one
period of its series (a month, a quarter or a year).

A series is a portfolio plus a cadence. A draft is made of ordered sections of
blocks (narrative, headline figures, tables, stories) written by the reporting
officer, and shows live figures; publishing freezes everything into
``payload`` (the contract in ``docs/snapshot_payload.md``, rendered as it is by
``pdf.py``), compared with the previous published snapshot of the same
series, which it points to. The payload of a published snapshot is never written again, and
its PDF is generated once, stored in the default storage and served from it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programmes.models import Programme
from snapshots.cadence import Cadence, Period


def portfolio_key_for(programmes) -> str:
    """The key of a portfolio: its programme codes, sorted, joined by "+"
    (the same programmes give the same key, whatever their order)."""
    return "+".join(sorted(p.code for p in programmes))


def snapshot_pdf_path(instance: Snapshot, filename: str) -> str:
    # An unguessable name: the file is served only through the download view.
    return f"snapshots/{instance.pk or 'new'}/{uuid.uuid4().hex}.pdf"


class SnapshotSeries(models.Model):
    """The snapshots of one portfolio at one cadence ("CRP, quarterly"). A
    new draft of a series starts as a copy of its latest snapshot."""

    name = models.CharField(_("name"), max_length=200)
    programmes = models.ManyToManyField(
        Programme, related_name="snapshot_series", verbose_name=_("programmes")
    )
    portfolio_key = models.CharField(
        _("portfolio"),
        max_length=300,
        db_index=True,
        help_text=_("The programme codes, sorted and joined: the same portfolio, the same key."),
    )
    cadence = models.CharField(_("cadence"), max_length=10, choices=Cadence)
    disclaimer = models.TextField(
        _("disclaimer"), blank=True, help_text=_("The default disclaimer of new drafts.")
    )
    contact = models.TextField(
        _("contact"), blank=True, help_text=_("The default contact block of new drafts.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("snapshot series")
        verbose_name_plural = _("snapshot series")
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio_key", "cadence"], name="snapshot_series_one_per_cadence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_cadence_display()})"


class Snapshot(models.Model):
    class Language(models.TextChoices):
        """The language(s) a snapshot is written and printed in. Bilingual:
        every section in English, then in Arabic."""

        ENGLISH = "en", _("English")
        ARABIC = "ar", _("Arabic")
        BILINGUAL = "en+ar", _("English and Arabic")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class PdfStatus(models.TextChoices):
        NONE = "none", _("Not requested")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    series = models.ForeignKey(
        SnapshotSeries,
        on_delete=models.PROTECT,
        related_name="snapshots",
        verbose_name=_("series"),
    )
    programmes = models.ManyToManyField(
        Programme, related_name="snapshots", verbose_name=_("programmes")
    )
    portfolio_key = models.CharField(
        _("portfolio"),
        max_length=300,
        db_index=True,
        help_text=_("The programme codes, sorted and joined: the same portfolio, the same key."),
    )
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("period starting"))
    period_end = models.DateField(_("period ending"))
    as_of = models.DateField(_("figures as of"))
    disclaimer = models.TextField(_("disclaimer"), blank=True, default="")
    contact = models.TextField(_("contact"), blank=True, default="")
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=Language,
        default=Language.ENGLISH,
        help_text=_("Arabic and bilingual snapshots print the Arabic texts, right to left."),
    )
    digits = models.CharField(
        _("digits"),
        max_length=4,
        choices=[("latn", _("Western (0-9)")), ("arab", _("Arabic-Indic (٠-٩)"))],
        default="latn",
        help_text=_("The digits of the Arabic text's numbers, dates and page numbers."),
    )
    # The Arabic texts beside the English ones (blocks keep theirs in their
    # content, as "text_ar", "title_ar"...): empty where none is written yet.
    title_ar = models.CharField(_("title (Arabic)"), max_length=300, blank=True, default="")
    disclaimer_ar = models.TextField(_("disclaimer (Arabic)"), blank=True, default="")
    contact_ar = models.TextField(_("contact (Arabic)"), blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    payload = models.JSONField(
        _("frozen figures"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set on publish, never changed afterwards."),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_snapshots",
        verbose_name=_("previous published snapshot"),
    )
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=16,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_(
            "Set on publish from the frozen payload and the PDF template version; "
            "printed in the PDF's footer and looked up by the verification page."
        ),
    )
    pdf = models.FileField(_("PDF"), upload_to=snapshot_pdf_path, blank=True, editable=False)
    pdf_sha256 = models.CharField(
        _("PDF SHA-256"),
        max_length=64,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Of the stored PDF: the verification page compares an uploaded file with it."),
    )
    pdf_status = models.CharField(
        _("PDF status"), max_length=10, choices=PdfStatus, default=PdfStatus.NONE
    )
    pdf_progress = models.PositiveSmallIntegerField(_("PDF progress (%)"), default=0)
    pdf_error = models.TextField(_("PDF error"), blank=True)
    pdf_attempts = models.PositiveSmallIntegerField(_("PDF attempts"), default=0)
    pdf_requested_at = models.DateTimeField(_("PDF requested at"), null=True, blank=True)
    pdf_generated_at = models.DateTimeField(_("PDF generated at"), null=True, blank=True)

    # Who created and published what; the payload is kept once, in the row.
    history = HistoricalRecords(excluded_fields=["payload"], m2m_fields=[programmes])

    class Meta:
        ordering = ["-period_end", "-created_at"]
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "period_end"],
                condition=Q(status="published"),
                name="snapshot_one_published_per_series_period",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("as_of"), as_of__lte=models.F("period_end")),
                name="snapshot_as_of_in_period",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(payload__isnull=False, published_at__isnull=False),
                name="snapshot_published_has_payload",
            ),
            models.CheckConstraint(
                condition=Q(pdf_progress__lte=100), name="snapshot_pdf_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.period_end} ({self.get_status_display()})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def period(self) -> Period:
        return Period(cadence=self.series.cadence, start=self.period_start, end=self.period_end)

    @property
    def period_label(self) -> str:
        """ "April 2017", "Q2 2018" or "2018" (translated)."""
        return self.period.label

    @property
    def languages(self) -> list[str]:
        """The languages it prints, in order: ["en"], ["ar"] or ["en", "ar"]."""
        return str(self.language or self.Language.ENGLISH).split("+")

    @property
    def pdf_ready(self) -> bool:
        return self.pdf_status == self.PdfStatus.DONE and bool(self.pdf)


class SnapshotSection(models.Model):
    """One section of a snapshot (an outcome area, usually a page), in order.
    A hidden section stays in the draft (and is copied forward) but is left
    out of the document."""

    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="sections", verbose_name=_("snapshot")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    key = models.SlugField(_("key"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True, default="")
    hidden = models.BooleanField(_("hidden"), default=False)
    footnotes = models.TextField(
        _("footnotes"), blank=True, help_text=_("One footnote per line, printed under the section.")
    )
    footnotes_ar = models.TextField(_("footnotes (Arabic)"), blank=True, default="")

    class Meta:
        ordering = ["snapshot", "position"]
        verbose_name = _("snapshot section")
        verbose_name_plural = _("snapshot sections")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "position"],
                name="snapshot_section_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.UniqueConstraint(fields=["snapshot", "key"], name="snapshot_section_key"),
        ]

    def __str__(self) -> str:
        return self.title


class SnapshotBlock(models.Model):
    """One block of a section, in order. ``content`` by kind (checked by the
    services, documented in ``docs/snapshot_authoring.md``):

    - narrative: ``{"text": markup}``: paragraphs, ``**bold**``, ``*italic*``,
      ``- `` lists, and live references ``{people-reached governorate=IQG15}``;
    - figures: ``{"items": [{"ref": "people-reached district=IQG15Q05",
      "label": str (optional), "footnote": str (optional)}]}``;
    - table: ``{"kind": "sector_status", "title", "sectors": [codes]}``,
      ``{"kind": "population_groups", "title", "ref": "direct-recipients"}`` or
      ``{"kind": "custom", "title", "rows": [{"label", "ref"}]}``;
    - gender: ``{"ref": "direct-recipients"}``;
    - story: ``{"photo": Photo pk | null, "title", "text": markup, "caption"}``.
    """

    class Kind(models.TextChoices):
        NARRATIVE = "narrative", _("Narrative")
        FIGURES = "figures", _("Headline figures")
        TABLE = "table", _("Table")
        GENDER = "gender", _("Women and men")
        STORY = "story", _("Story")

    section = models.ForeignKey(
        SnapshotSection, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("section")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    content = models.JSONField(_("content"), default=dict, blank=True)

    class Meta:
        ordering = ["section", "position"]
        verbose_name = _("snapshot block")
        verbose_name_plural = _("snapshot blocks")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"],
                name="snapshot_block_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.position}"


class SnapshotDownload(models.Model):
    """One download of a snapshot's PDF: who, when, which."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF")

    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, related_name="downloads", verbose_name=_("snapshot")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="snapshot_downloads",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PDF)
    status = models.CharField(
        _("snapshot status"),
        max_length=10,
        choices=Snapshot.Status,
        help_text=_("Whether the user downloaded a draft preview or the published report."),
    )

    class Meta:
        ordering = ["-at"]
        verbose_name = _("snapshot download")
        verbose_name_plural = _("snapshot downloads")

    def __str__(self) -> str:
        return f"{self.user} {self.snapshot_id} {self.at:%Y-%m-%d %H:%M}"
