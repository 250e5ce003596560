"""The benchmark's snapshot (``demo.bench_pdf``): the content issue 13's
benchmark asks for, written into a draft through the authoring services,
every reference of it resolvable."""

from __future__ import annotations

import pytest

from demo import generate as demo
from demo.bench_pdf import BENCH, HEADLINES, REFERENCES, STORIES, TABLES, bench_draft
from demo.snapshot_content import StoryTemplate
from demo.snapshots import portfolio_photos
from programmes.models import Programme
from snapshots.build import snapshot_document
from snapshots.markup import text_references
from snapshots.models import SnapshotBlock
from snapshots.references import ReferenceError
from tests.demo.conftest import resolved


def test_the_bench_content_is_the_full_snapshot_the_issue_measures():
    blocks = [block for section in BENCH for block in section.blocks]
    stories = [b for b in blocks if isinstance(b, StoryTemplate)]
    blocks = [b for b in blocks if not isinstance(b, StoryTemplate)]
    assert len(BENCH) == 6
    assert sum(len(b[1]["items"]) for b in blocks if b[0] == "figures") == HEADLINES == 12
    assert sum(b[0] == "table" for b in blocks) == TABLES == 4
    assert len(stories) == STORIES == 5
    narratives = [b[1]["text"] for b in blocks if b[0] == "narrative"]
    parsed = [text_references(text) for text in narratives]
    assert sum(len(refs) for refs, _errors in parsed) == REFERENCES == 20
    assert not any(errors for _refs, errors in parsed)


@pytest.mark.django_db
def test_the_bench_draft_is_written_through_the_services_and_resolves(published):
    programmes = list(Programme.objects.all())
    photos = portfolio_photos(programmes, until=demo.AS_OF)
    draft = bench_draft(programmes=programmes, period_end=demo.AS_OF, photos=photos)

    assert draft.status == "draft" and draft.sections.count() == 6
    blocks = SnapshotBlock.objects.filter(section__snapshot=draft)
    assert sum(len(b.content["items"]) for b in blocks.filter(kind="figures")) == 12
    assert blocks.filter(kind="table").count() == 4
    stories = [b.content for b in blocks.filter(kind="story")]
    assert len(stories) == 5 and all(s["photo"] for s in stories)
    assert len({s["photo"] for s in stories}) == 5  # five different photos
    found = resolved(draft)
    assert not [r for r in found.values() if isinstance(r, ReferenceError)]
    payload, errors = snapshot_document(draft)  # what make bench renders
    assert errors == []
    assert len(payload["sections"]) == 6
    narratives = [
        b["html"] for s in payload["sections"] for b in s["blocks"] if b["type"] == "narrative"
    ]
    assert sum(html.count('class="ref"') for html in narratives) == 20
