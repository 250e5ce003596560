"""The sections and blocks of a snapshot in the API:
``/api/v1/snapshots/{snapshot_id}/sections/`` and ``.../blocks/``.

Read with the snapshot's scope (``snapshot_for_user``); written only by its
writers (``write=True``), through ``snapshots.authoring``: a published
snapshot refuses every change (400), one out of scope is 404. A block's
``content`` is as ``SnapshotBlock``'s docstring gives it for its kind; a
story's photo must be one of an approved visit in the writer's scope."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api.base import ApiViewSet
from api.snapshots.documents import NOT_FOUND, REFUSED
from beneficiaries.access import approved_photos_for_user
from snapshots import access, authoring
from snapshots.access import snapshot_for_user
from snapshots.models import SnapshotBlock, SnapshotSection

SNAPSHOT_ID = OpenApiParameter(
    "snapshot_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The snapshot's id."
)
MAX_POSITION = 1000


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SnapshotSection
        fields = [
            "id",
            "position",
            "key",
            "title",
            "hidden",
            "footnotes",
            "title_ar",
            "footnotes_ar",
        ]
        read_only_fields = fields


class SectionCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)


class SectionUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=200)
    hidden = serializers.BooleanField(required=False)
    footnotes = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    title_ar = serializers.CharField(required=False, allow_blank=True, max_length=200)
    footnotes_ar = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    position = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_POSITION,
        help_text="Move the section to this place (0 = first; beyond the last = last).",
    )


class BlockSerializer(serializers.ModelSerializer):
    class Meta:
        model = SnapshotBlock
        fields = ["id", "section", "position", "kind", "content"]
        read_only_fields = fields


def _no_nul(value, path: str = "content") -> None:
    """Refuse a NUL character anywhere in ``value`` (the database stores none)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise serializers.ValidationError({path: [_("Text cannot hold a NUL character.")]})
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key, path)
            _no_nul(item, path)
    elif isinstance(value, list):
        for item in value:
            _no_nul(item, path)


class BlockCreateSerializer(serializers.Serializer):
    section = serializers.IntegerField(min_value=1, help_text="The id of one of its sections.")
    kind = serializers.ChoiceField(choices=SnapshotBlock.Kind.choices)
    content = serializers.DictField(
        required=False, help_text="As for its kind; default: an empty block."
    )
    position = serializers.IntegerField(required=False, min_value=0, max_value=MAX_POSITION)

    def validate_content(self, value):
        _no_nul(value)
        return value


class BlockUpdateSerializer(serializers.Serializer):
    content = serializers.DictField(required=False)
    position = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_POSITION,
        help_text="Move the block to this place in its section.",
    )

    def validate_content(self, value):
        _no_nul(value)
        return value


class NestedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The rows of one snapshot, read in its scope."""

    csv_list = False
    filter_backends = []
    pagination_class = None
    lookup_value_regex = "[0-9]+"

    def snapshot(self, *, write: bool = False):
        return snapshot_for_user(self.request.user, self.kwargs.get("snapshot_id"), write=write)

    def _offset(self, rows, row, position: int) -> int:
        index = [r.pk for r in rows].index(row.pk)
        return min(position, len(rows) - 1) - index


@extend_schema(parameters=[SNAPSHOT_ID])
class SectionViewSet(NestedViewSet):
    """The sections of a snapshot, in order."""

    serializer_class = SectionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SnapshotSection.objects.none()
        return access.sections_for_user(self.request.user, self.kwargs.get("snapshot_id"))

    @extend_schema(
        request=SectionCreateSerializer,
        responses={201: SectionSerializer, 400: REFUSED, 404: NOT_FOUND},
        summary="Add an empty section at the end of a draft",
    )
    def create(self, request, snapshot_id=None):
        snapshot = self.snapshot(write=True)
        form = SectionCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        section = authoring.section_add(snapshot=snapshot, title=form.validated_data["title"])
        return Response(SectionSerializer(section).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SectionUpdateSerializer,
        responses={200: SectionSerializer, 400: REFUSED, 404: NOT_FOUND},
        summary="Rename, hide or show a section, change its footnotes or move it",
    )
    def partial_update(self, request, snapshot_id=None, pk=None):
        snapshot = self.snapshot(write=True)
        section = self._section(snapshot, pk)
        form = SectionUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        position = data.pop("position", None)
        if data:
            section = authoring.section_update(section=section, **data)
        if position is not None:
            rows = list(snapshot.sections.order_by("position"))
            authoring.section_move(section=section, offset=self._offset(rows, section, position))
        section.refresh_from_db()
        return Response(SectionSerializer(section).data)

    @extend_schema(responses={204: None, 400: REFUSED, 404: NOT_FOUND})
    def destroy(self, request, snapshot_id=None, pk=None):
        snapshot = self.snapshot(write=True)
        authoring.section_delete(section=self._section(snapshot, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _section(self, snapshot, pk) -> SnapshotSection:
        section = snapshot.sections.filter(pk=pk).first()
        if section is None:
            raise NotFound
        section.snapshot = snapshot
        return section


@extend_schema(parameters=[SNAPSHOT_ID])
class BlockViewSet(NestedViewSet):
    """The blocks of a snapshot, section by section, in order."""

    serializer_class = BlockSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SnapshotBlock.objects.none()
        return access.blocks_for_user(self.request.user, self.kwargs.get("snapshot_id"))

    def _check_photo(self, snapshot, kind: str, content: dict | None) -> None:
        photo = (content or {}).get("photo") if kind == SnapshotBlock.Kind.STORY else None
        if photo in (None, ""):
            return
        photos = approved_photos_for_user(self.request.user, snapshot.programmes.all())
        if not (isinstance(photo, int) and photos.filter(pk=photo).exists()):
            raise serializers.ValidationError(
                {"photo": [_("Choose a photo of an approved visit to this portfolio.")]}
            )

    @extend_schema(
        request=BlockCreateSerializer,
        responses={201: BlockSerializer, 400: REFUSED, 404: NOT_FOUND},
        summary="Add a block to a section of a draft",
    )
    def create(self, request, snapshot_id=None):
        snapshot = self.snapshot(write=True)
        form = BlockCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        section = snapshot.sections.filter(pk=data["section"]).first()
        if section is None:
            raise serializers.ValidationError({"section": [_("No such section in this snapshot.")]})
        self._check_photo(snapshot, data["kind"], data.get("content"))
        block = authoring.block_add(
            section=section,
            kind=data["kind"],
            content=data.get("content"),
            position=data.get("position"),
        )
        return Response(BlockSerializer(block).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=BlockUpdateSerializer,
        responses={200: BlockSerializer, 400: REFUSED, 404: NOT_FOUND},
        summary="Replace a block's content or move it within its section",
    )
    def partial_update(self, request, snapshot_id=None, pk=None):
        snapshot = self.snapshot(write=True)
        block = self._block(snapshot, pk)
        form = BlockUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if "content" in data:
            self._check_photo(snapshot, block.kind, data["content"])
            block = authoring.block_update(block=block, content=data["content"])
        if data.get("position") is not None:
            rows = list(block.section.blocks.order_by("position"))
            authoring.block_move(block=block, offset=self._offset(rows, block, data["position"]))
        block.refresh_from_db()
        return Response(BlockSerializer(block).data)

    @extend_schema(responses={204: None, 400: REFUSED, 404: NOT_FOUND})
    def destroy(self, request, snapshot_id=None, pk=None):
        snapshot = self.snapshot(write=True)
        authoring.block_delete(block=self._block(snapshot, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _block(self, snapshot, pk) -> SnapshotBlock:
        try:
            return access.block_for_user(self.request.user, snapshot.pk, pk)
        except Http404:
            raise NotFound from None
