"""Snapshots and their series in the API (``/api/v1/snapshots/``,
``/api/v1/snapshot-series/``), with the same scope as the pages
(``snapshots.access``): a donor sees only the published snapshots of
portfolios their organisation funds, a manager also the drafts of their
programmes; only managers in scope and administrators write, through the
same services as the pages (``snapshots.authoring``, ``snapshot_publish``).

An information-management officer scripts the monthly run with it: create a
draft (``POST``), change its title, day, disclaimer or contact (``PATCH``),
its sections and blocks (``sections/``, ``blocks/``, in ``sections.py``),
read its preview (``preview/``: the payload v2 and the reference errors),
publish it (``publish/``: 400 with the guard's message) and download the PDF
(``pdf/``, logged like a download from the page)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from api.base import ApiViewSet
from snapshots import authoring, services, views_authoring
from snapshots.access import (
    programmes_for_snapshots,
    series_for_user,
    series_for_writer,
    snapshot_can_create,
    snapshot_for_user,
    snapshots_for_user,
)
from snapshots.cadence import Cadence
from snapshots.models import Snapshot, SnapshotSeries
from snapshots.views import snapshot_pdf_response

# Days a period may end on: beyond these, a period's bounds leave the calendar.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)

NOT_FOUND = OpenApiResponse(description=_("No such snapshot, or not yours to change."))
REFUSED = OpenApiResponse(description=_("Refused, with the reasons by field."))


def in_calendar(day: dt.date | None) -> dt.date | None:
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise serializers.ValidationError(_("Choose a day between 1900 and 2999."))
    return day


def must_write(user) -> None:
    if not snapshot_can_create(user):
        raise exceptions.PermissionDenied(_("Only programme managers write snapshots."))


@extend_schema_field(OpenApiTypes.STR)
class ProgrammeCodes(serializers.SlugRelatedField):
    """Programmes by code, among those the user makes snapshots of."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", many=False, **kwargs)

    def get_queryset(self):
        return programmes_for_snapshots(self.context["request"].user)


class SeriesSerializer(serializers.ModelSerializer):
    programmes = serializers.ListField(
        child=ProgrammeCodes(),
        min_length=1,
        max_length=50,
        write_only=True,
        help_text="The portfolio's programme codes (programmes you manage).",
    )
    portfolio = serializers.CharField(
        source="portfolio_key", read_only=True, help_text='Its programme codes, e.g. "CRP+RRP".'
    )

    class Meta:
        model = SnapshotSeries
        fields = [
            "id",
            "name",
            "programmes",
            "portfolio",
            "cadence",
            "disclaimer",
            "contact",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"name": {"required": False}, "disclaimer": {"required": False}}


class SeriesViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Snapshot series you may see (a portfolio and a cadence); managers and
    administrators start one for programmes they manage."""

    serializer_class = SeriesSerializer
    filterset_fields = ["cadence"]
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]
    csv_list = False

    def get_queryset(self):
        return series_for_user(self.request.user).prefetch_related("programmes")

    @extend_schema(responses={201: SeriesSerializer, 400: REFUSED})
    def create(self, request):
        must_write(request.user)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        series = authoring.series_create(
            programmes=data["programmes"],
            cadence=data["cadence"],
            name=data.get("name", ""),
            disclaimer=data.get("disclaimer"),
            contact=data.get("contact", ""),
            user=request.user,
        )
        return Response(self.get_serializer(series).data, status=status.HTTP_201_CREATED)


class SnapshotSerializer(serializers.ModelSerializer):
    programmes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    period_label = serializers.CharField(read_only=True, help_text='"April 2017", "Q2 2018"...')
    pdf_url = serializers.SerializerMethodField(help_text="Where the PDF downloads, once made.")
    payload = serializers.SerializerMethodField(
        help_text="The frozen payload of a published snapshot (null for a draft, whose "
        "figures are live: see preview/)."
    )

    class Meta:
        model = Snapshot
        fields = [
            "id",
            "title",
            "programmes",
            "series",
            "period_start",
            "period_end",
            "period_label",
            "as_of",
            "disclaimer",
            "contact",
            "language",
            "digits",
            "title_ar",
            "disclaimer_ar",
            "contact_ar",
            "status",
            "published_at",
            "previous",
            "fingerprint",
            "pdf_status",
            "pdf_url",
            "payload",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, snapshot: Snapshot) -> str | None:
        if not snapshot.pdf_ready:
            return None
        url = reverse("snapshot-pdf", kwargs={"pk": snapshot.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_payload(self, snapshot: Snapshot) -> dict | None:
        return snapshot.payload if snapshot.is_published else None


class SnapshotCreateSerializer(serializers.Serializer):
    """A new draft: of ``series``, or of the portfolio ``programmes`` at
    ``cadence`` (its series is made when it has none)."""

    series = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    programmes = serializers.ListField(
        child=ProgrammeCodes(), required=False, max_length=50, help_text="Programme codes."
    )
    cadence = serializers.ChoiceField(choices=Cadence.choices, default=Cadence.QUARTERLY)
    period_end = serializers.DateField(
        validators=[in_calendar], help_text="The last day of the period."
    )
    as_of = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[in_calendar],
        help_text="Default: the period's end, or today while it runs.",
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)


class SnapshotUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=300)
    as_of = serializers.DateField(required=False, validators=[in_calendar])
    disclaimer = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    contact = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    language = serializers.ChoiceField(
        required=False,
        choices=Snapshot.Language.choices,
        help_text='"en", "ar" or "en+ar" (bilingual: each section in English, then in Arabic).',
    )
    digits = serializers.ChoiceField(
        required=False,
        choices=Snapshot._meta.get_field("digits").choices,
        help_text='The digits of the Arabic: "latn" (0-9) or "arab" (٠-٩).',
    )
    title_ar = serializers.CharField(required=False, allow_blank=True, max_length=300)
    disclaimer_ar = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    contact_ar = serializers.CharField(required=False, allow_blank=True, max_length=20_000)


class PreviewErrorSerializer(serializers.Serializer):
    section = serializers.CharField(allow_null=True)
    block = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()


class PreviewSerializer(serializers.Serializer):
    payload = serializers.JSONField(
        allow_null=True,
        help_text="The payload v2 (docs/snapshot_payload.md): live for a draft, frozen for a "
        "published snapshot; null while the preview cannot be made.",
    )
    errors = PreviewErrorSerializer(many=True)


class PDFRenderer(BaseRenderer):
    """Lets a client ask for ``application/pdf``; the PDF itself is a file
    response that no renderer touches, and an error comes as JSON."""

    media_type = "application/pdf"
    format = "pdf"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class SnapshotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Snapshots you may see, newest period first. Managers and
    administrators create drafts, change them and publish them."""

    serializer_class = SnapshotSerializer
    filterset_fields = ["status", "series", "period_end"]
    ordering_fields = ["period_end", "published_at", "id"]
    ordering = ["-period_end", "-id"]
    csv_list = False  # a snapshot is a document, not a table row

    def get_queryset(self):
        return snapshots_for_user(self.request.user).prefetch_related("programmes")

    def _shown(self, snapshot: Snapshot, code: int = status.HTTP_200_OK) -> Response:
        snapshot = self.get_queryset().select_related("series").get(pk=snapshot.pk)
        return Response(self.get_serializer(snapshot).data, status=code)

    @extend_schema(
        request=SnapshotCreateSerializer,
        responses={201: SnapshotSerializer, 400: REFUSED, 404: NOT_FOUND},
        summary="Create a draft (a copy of the previous one of its series)",
    )
    def create(self, request):
        must_write(request.user)
        form = SnapshotCreateSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = form.validated_data
        series = data.get("series")
        if series is None and not data.get("programmes"):
            raise serializers.ValidationError(
                {"programmes": [_("Give a series, or at least one programme.")]}
            )
        snapshot = authoring.snapshot_create(
            series=series_for_writer(request.user, series) if series else None,
            programmes=data.get("programmes"),
            cadence=data["cadence"],
            period_end=data["period_end"],
            as_of=data.get("as_of"),
            title=data.get("title"),
            user=request.user,
        )
        return self._shown(snapshot, status.HTTP_201_CREATED)

    @extend_schema(
        request=SnapshotUpdateSerializer,
        responses={200: SnapshotSerializer, 400: REFUSED, 404: NOT_FOUND},
        summary="Change a draft's title, figures' day, disclaimer, contact, language or "
        "their Arabic",
    )
    def partial_update(self, request, pk=None):
        snapshot = snapshot_for_user(request.user, pk, write=True)
        form = SnapshotUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        snapshot = authoring.snapshot_update(snapshot=snapshot, **form.validated_data)
        return self._shown(snapshot)

    @extend_schema(
        request=None,
        responses={200: SnapshotSerializer, 400: REFUSED, 404: NOT_FOUND},
        summary="Publish a draft: freeze everything (400 with the guard's reason)",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        snapshot = snapshot_for_user(request.user, pk, write=True)
        snapshot = services.snapshot_publish(snapshot=snapshot, user=request.user)
        return self._shown(snapshot)

    @extend_schema(
        responses={200: PreviewSerializer, 404: NOT_FOUND},
        summary="What the snapshot renders to: its payload v2 and its reference errors",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def preview(self, request, pk=None):
        snapshot = self.get_object()
        if snapshot.is_published:
            return Response({"payload": snapshot.payload, "errors": []})
        preview = views_authoring.draft_preview(
            snapshot, list(snapshot.sections.prefetch_related("blocks"))
        )
        errors = [
            {
                "section": e.get("section"),
                "block": e.get("block") if isinstance(e.get("block"), int) else None,
                "message": str(e.get("message", "")),
            }
            for e in preview.errors
        ]
        return Response({"payload": preview.payload, "errors": errors})

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        description="The snapshot's PDF (404 until it is made); the download is logged.",
    )
    @action(
        detail=True, methods=["get"], url_path="pdf", renderer_classes=[JSONRenderer, PDFRenderer]
    )
    def pdf(self, request, pk=None):
        snapshot = self.get_object()
        if not snapshot.pdf_ready:
            raise NotFound("The PDF of this snapshot is not made yet.")
        return snapshot_pdf_response(snapshot=snapshot, user=request.user)
