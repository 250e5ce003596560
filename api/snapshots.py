"""Snapshots in the API (``/api/v1/snapshots/``): read only, with the same
scope as the pages (``access.snapshots_for_user``: a donor only the published
snapshots of portfolios their organisation funds, a manager also the drafts of
their programmes). A published snapshot carries its frozen figures; its PDF
downloads from ``/api/v1/snapshots/{id}/pdf/``, logged like a download from
the page. Making and publishing snapshots stays on the pages."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer

from api.base import ApiViewSet
from snapshots.access import snapshots_for_user
from snapshots.models import Snapshot
from snapshots.views import snapshot_pdf_response


class SnapshotSerializer(serializers.ModelSerializer):
    programmes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    pdf_url = serializers.SerializerMethodField(help_text="Where the PDF downloads, once made.")
    payload = serializers.SerializerMethodField(
        help_text="The frozen figures of a published snapshot (null for a draft, whose "
        "figures are live: see its page)."
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
            "as_of",
            "status",
            "published_at",
            "previous",
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


class PDFRenderer(BaseRenderer):
    """Lets a client ask for ``application/pdf``; the PDF itself is a file
    response that no renderer touches, and an error comes as JSON."""

    media_type = "application/pdf"
    format = "pdf"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class SnapshotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Quarterly snapshots you may see, newest quarter first."""

    serializer_class = SnapshotSerializer
    filterset_fields = ["status", "series", "period_end"]
    ordering_fields = ["period_end", "published_at", "id"]
    ordering = ["-period_end", "-id"]
    csv_list = False  # a snapshot is a document, not a table row

    def get_queryset(self):
        return snapshots_for_user(self.request.user).prefetch_related("programmes")

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


ROUTES = [("snapshots", SnapshotViewSet, "snapshot")]
