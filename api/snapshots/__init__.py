"""Snapshots in the API: the documents and their series (``documents``),
their sections and blocks (``sections``)."""

from api.snapshots.documents import SeriesViewSet, SnapshotViewSet
from api.snapshots.sections import BlockViewSet, SectionViewSet

ROUTES = [
    ("snapshots", SnapshotViewSet, "snapshot"),
    ("snapshot-series", SeriesViewSet, "snapshot-series"),
    (r"snapshots/(?P<snapshot_id>[0-9]+)/sections", SectionViewSet, "snapshot-section"),
    (r"snapshots/(?P<snapshot_id>[0-9]+)/blocks", BlockViewSet, "snapshot-block"),
]
