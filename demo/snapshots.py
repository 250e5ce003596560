"""The demo's snapshots (``manage.py demo_data``): two series written and
published by the demo manager through the authoring services, as a
reporting officer would, so that the demo donor (USA funds both portfolios)
has PDFs to download.

- **Quarterly CRP** (seed 000's shape): the two quarters ending on and before
  the demo's last day, published, and the next quarter as a draft.
- **Monthly "Community Transition and Recovery"** (CRP and RRP, seed 001's
  shape): the three months ending on the demo's last day, published, with
  starred ×6 figures for named districts.

The first period of each series is written section by section
(``draft_write``); each later one is a copy of the one before
(``snapshot_create`` copies forward), with its narrative edited a little
(``draft_edit``). The content is in ``demo.snapshot_content``. Their PDFs are
queued for the worker like any publication.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence

from django.contrib.auth import get_user_model

from beneficiaries.models import Photo
from demo.snapshot_content import (
    CONTACT,
    DISCLAIMER,
    MONTHLY,
    MONTHLY_EDITS,
    MONTHLY_PROGRAMMES,
    MONTHLY_SERIES,
    MONTHLY_TITLE,
    QUARTERLY,
    QUARTERLY_EDITS,
    QUARTERLY_SERIES,
    QUARTERLY_TITLE,
    Edit,
    SectionSpec,
    StoryTemplate,
)
from indicators.periods import add_months, month_end
from programmes.models import Programme
from snapshots.authoring import (
    block_add,
    block_delete,
    block_update,
    section_add,
    section_move,
    section_update,
    series_create,
    snapshot_create,
)
from snapshots.cadence import Cadence, Period
from snapshots.models import Snapshot, SnapshotBlock, SnapshotSeries, portfolio_key_for
from snapshots.services import snapshot_publish

DEMO_PORTFOLIO = ("CRP",)
MONTHS = 3  # published months of the monthly series


def _quarter_before(quarter_end: dt.date) -> dt.date:
    return Period.containing(Cadence.QUARTERLY, quarter_end).previous().end


# --- Writing a draft -----------------------------------------------------------------------


def portfolio_photos(programmes: Iterable[Programme], *, until: dt.date) -> list[Photo]:
    """The photos of approved visits to the portfolio's projects dated up to
    ``until``, newest first, one per project first (so that stories show
    different places), then the others."""
    photos = list(
        Photo.objects.filter(
            visit__status="approved",
            visit__project__programme__in=list(programmes),
            visit__visit_date__lte=until,
        )
        .select_related("visit__project__governorate")
        .order_by("-visit__visit_date", "pk")
    )
    seen: set[int] = set()
    first, rest = [], []
    for photo in photos:
        (rest if photo.visit.project_id in seen else first).append(photo)
        seen.add(photo.visit.project_id)
    return first + rest


def draft_write(
    *, snapshot: Snapshot, sections: Sequence[SectionSpec], photos: Sequence[Photo]
) -> None:
    """Write ``sections`` into the draft ``snapshot`` through the authoring
    services: each section (a default one found by its key, or a new one)
    gets the spec's title, visibility, footnotes and exactly the spec's
    blocks, and the sections are put in the spec's order (sections not in it
    follow). Stories take ``photos`` in turn (none: a story without photo)."""
    pictures: Iterator[Photo | None] = itertools.cycle(photos) if photos else itertools.repeat(None)
    existing = {s.key: s for s in snapshot.sections.all()}
    ordered = []
    for spec in sections:
        section = existing.get(spec.key) or section_add(snapshot=snapshot, title=spec.title)
        section = section_update(
            section=section, title=spec.title, hidden=spec.hidden, footnotes=spec.footnotes
        )
        for block in list(section.blocks.order_by("-position")):
            block_delete(block=block)
        for block in spec.blocks:
            if isinstance(block, StoryTemplate):
                block_add(
                    section=section,
                    kind=SnapshotBlock.Kind.STORY,
                    content=block.content(next(pictures)),
                )
            else:
                kind, content = block
                block_add(section=section, kind=kind, content=content)
        ordered.append(section.pk)
    for position, pk in enumerate(ordered):
        current = list(snapshot.sections.order_by("position").values_list("pk", flat=True))
        if current.index(pk) != position:
            section = snapshot.sections.get(pk=pk)
            section_move(section=section, offset=position - current.index(pk))


def draft_edit(*, snapshot: Snapshot, edits: Iterable[Edit]) -> None:
    """Apply the officer's ``edits`` to the narratives of the draft
    ``snapshot`` (through ``block_update``). Raises ValueError when an edit's
    old text is not in its section's narrative (the content and its edits
    went out of step)."""
    for edit in edits:
        block = SnapshotBlock.objects.get(
            section__snapshot=snapshot,
            section__key=edit.key,
            kind=SnapshotBlock.Kind.NARRATIVE,
        )
        text = block.content["text"]
        if edit.old not in text:
            raise ValueError(f"demo edit of {edit.key!r}: {edit.old!r} is not in the narrative")
        block_update(block=block, content={"text": text.replace(edit.old, edit.new, 1)})


def drafts_repair(*, series: SnapshotSeries) -> int:
    """Give the stories of ``series``' drafts whose photo is gone (a rerun of
    the generator makes the demo's photos again) another approved photo of
    the portfolio, not yet used in that draft, through ``block_update``.
    Published snapshots are left as they are: frozen. Returns how many
    stories changed."""
    programmes = list(series.programmes.all())
    changed = 0
    for draft in series.snapshots.filter(status=Snapshot.Status.DRAFT):
        stories = list(
            SnapshotBlock.objects.filter(
                section__snapshot=draft, kind=SnapshotBlock.Kind.STORY
            ).order_by("section__position", "position")
        )
        photos = {p.pk: p for p in portfolio_photos(programmes, until=draft.as_of)}
        used = {b.content.get("photo") for b in stories} & photos.keys()
        spare = iter([pk for pk in photos if pk not in used])
        for block in stories:
            if block.content.get("photo") in photos:
                continue
            photo = next(spare, None)
            if photo is None:
                break
            block_update(block=block, content={**block.content, "photo": photo})
            changed += 1
    return changed


# --- The two series ------------------------------------------------------------------------


def _portfolio(codes: Sequence[str]) -> list[Programme] | None:
    programmes = list(Programme.objects.filter(code__in=codes))
    return programmes if len(programmes) == len(codes) else None


def _series_new(programmes: list[Programme], cadence: str) -> bool:
    """Whether the portfolio has no series at ``cadence``; when it has one,
    its drafts' stories get photos again if a rerun took theirs away."""
    series = SnapshotSeries.objects.filter(
        portfolio_key=portfolio_key_for(programmes), cadence=cadence
    ).first()
    if series is not None:
        drafts_repair(series=series)
    return series is None


def demo_quarterly_ensure(*, last_quarter_end: dt.date, user, today: dt.date | None = None) -> int:
    """The quarterly CRP series: the quarter before ``last_quarter_end``
    written and published, the quarter ending ``last_quarter_end`` copied
    forward, edited and published, and the next quarter as a draft. When
    the series exists, only its drafts' missing photos are replaced
    (``drafts_repair``). Returns how many were published."""
    programmes = _portfolio(DEMO_PORTFOLIO)
    if programmes is None or not _series_new(programmes, Cadence.QUARTERLY):
        return 0
    series = series_create(
        programmes=programmes,
        cadence=Cadence.QUARTERLY,
        name=QUARTERLY_SERIES,
        disclaimer=DISCLAIMER,
        contact=CONTACT,
        user=user,
    )
    first_end = _quarter_before(last_quarter_end)
    first = snapshot_create(
        series=series, period_end=first_end, title=QUARTERLY_TITLE, user=user, today=today
    )
    draft_write(
        snapshot=first,
        sections=QUARTERLY,
        photos=portfolio_photos(programmes, until=first_end),
    )
    snapshot_publish(snapshot=first, user=user, today=today)
    second = snapshot_create(series=series, period_end=last_quarter_end, user=user, today=today)
    draft_edit(snapshot=second, edits=QUARTERLY_EDITS)
    snapshot_publish(snapshot=second, user=user, today=today)
    next_end = Period.containing(Cadence.QUARTERLY, last_quarter_end).next().end
    snapshot_create(series=series, period_end=next_end, user=user, today=today)
    return 2


def demo_monthly_ensure(*, last_month_end: dt.date, user, today: dt.date | None = None) -> int:
    """The monthly "Community Transition and Recovery" series (CRP and RRP):
    the ``MONTHS`` months ending ``last_month_end``, the first written, each
    later one copied forward from the one before and edited, all published.
    When the series exists, only its drafts' missing photos are replaced.
    Returns how many were published."""
    programmes = _portfolio(MONTHLY_PROGRAMMES)
    if programmes is None or not _series_new(programmes, Cadence.MONTHLY):
        return 0
    series = series_create(
        programmes=programmes,
        cadence=Cadence.MONTHLY,
        name=MONTHLY_SERIES,
        disclaimer=DISCLAIMER,
        contact=CONTACT,
        user=user,
    )
    ends = [month_end(add_months(last_month_end, k - MONTHS + 1)) for k in range(MONTHS)]
    for n, end in enumerate(ends):
        draft = snapshot_create(
            series=series, period_end=end, title=MONTHLY_TITLE, user=user, today=today
        )
        if n == 0:
            draft_write(
                snapshot=draft, sections=MONTHLY, photos=portfolio_photos(programmes, until=end)
            )
        else:
            draft_edit(snapshot=draft, edits=MONTHLY_EDITS[(n - 1) % len(MONTHLY_EDITS)])
        snapshot_publish(snapshot=draft, user=user, today=today)
    return len(ends)


def demo_snapshots_ensure(*, last_quarter_end: dt.date, today: dt.date | None = None) -> int:
    """Both demo series, each unless it exists already (a rerun, or series
    made by hand, are left alone), written by the demo manager. Returns how
    many snapshots were published."""
    manager = get_user_model().objects.filter(username="manager").first()
    if manager is None:
        return 0
    return demo_quarterly_ensure(
        last_quarter_end=last_quarter_end, user=manager, today=today
    ) + demo_monthly_ensure(last_month_end=last_quarter_end, user=manager, today=today)
