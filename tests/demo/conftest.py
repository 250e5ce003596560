"""The demo world the tests of ``demo``'s snapshots share: loaded once for
this folder, rolled back after it."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from demo import generate as demo
from demo.indicators import demo_definitions_ensure
from demo.snapshots import demo_snapshots_ensure
from indicators.engine import recompute_full
from snapshots import services
from snapshots.markup import text_references
from snapshots.models import Snapshot
from snapshots.references import FigureContext, parse_reference, resolve_references

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="package")
def demo_world(django_db_setup, django_db_blocker):
    """The demo (smaller than ``make run``'s: the series do not depend on
    its size) with its snapshots, made once for this folder and rolled back
    after it; PDFs are not rendered. The number of snapshots published."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "_render", lambda payload, progress=None: b"%PDF-1.7")
        with transaction.atomic():
            demo.demo_load(
                seed=demo.DEFAULT_SEED, log=lambda _m: None, n_records=1500, n_visits=300
            )
            demo_definitions_ensure()
            recompute_full(progress=lambda *_: None)
            yield demo_snapshots_ensure(last_quarter_end=demo.AS_OF, today=TODAY)
            transaction.set_rollback(True)


@pytest.fixture
def published(demo_world, db):
    return demo_world


def references(snapshot: Snapshot) -> list:
    """Every reference of ``snapshot``'s blocks, parsed (``Reference``, or
    ``ReferenceError`` for a syntax error)."""
    found = []
    for section in snapshot.sections.all():
        for block in section.blocks.all():
            content = block.content
            for text in (content.get("text", ""),):
                refs, errors = text_references(text)
                found += refs + errors
            items = content.get("items", []) + content.get("rows", [])
            for ref in [content.get("ref")] * bool(content.get("ref")) + [i["ref"] for i in items]:
                found.append(parse_reference(ref))
    return found


def resolved(snapshot: Snapshot) -> dict:
    """``snapshot``'s references resolved as of its day, by key."""
    context = FigureContext(
        programmes=tuple(snapshot.programmes.values_list("pk", flat=True)),
        period_start=snapshot.period_start,
        as_of=snapshot.as_of,
    )
    return resolve_references(references(snapshot), context)
