"""A snapshot: the quarterly report of a portfolio (one or more programmes).

A draft shows live figures; publishing freezes them into ``payload`` (the
contract in ``notes/snapshot_payload.md``, rendered as it is by ``pdf.py``),
compared with the previous published snapshot of the same portfolio, which
it points to. The payload of a published snapshot is never written again, and
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


def portfolio_key_for(programmes) -> str:
    """The key of a portfolio: its programme codes, sorted, joined by "+"
    (the same programmes give the same key, whatever their order)."""
    return "+".join(sorted(p.code for p in programmes))


def snapshot_pdf_path(instance: Snapshot, filename: str) -> str:
    # An unguessable name: the file is served only through the download view.
    return f"snapshots/{instance.pk or 'new'}/{uuid.uuid4().hex}.pdf"


class Snapshot(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class PdfStatus(models.TextChoices):
        NONE = "none", _("Not requested")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

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
    quarter_end = models.DateField(_("quarter ending"))
    as_of = models.DateField(_("figures as of"))
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
        ordering = ["-quarter_end", "-created_at"]
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio_key", "quarter_end"],
                condition=Q(status="published"),
                name="snapshot_one_published_per_portfolio_quarter",
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
        return f"{self.title} — {self.quarter_end} ({self.get_status_display()})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def quarter_label(self) -> str:
        """ "Q2 2018" (translated)."""
        from snapshots.selectors import quarter_label

        return quarter_label(self.quarter_end)

    @property
    def pdf_ready(self) -> bool:
        return self.pdf_status == self.PdfStatus.DONE and bool(self.pdf)


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
