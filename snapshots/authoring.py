"""Writes of the authoring side: series, drafts with their sections and
blocks, and the copy-forward that starts every new draft of a series as a
copy of the previous one.

Every function is keyword-only and atomic, and raises ValidationError (by
field where it can) for bad input: nothing half-written. Published snapshots
are never changed: every write to a section or a block of one is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from indicators.models import IndicatorDefinition
from programmes.l10n import DIGIT_SYSTEMS
from programmes.models import Programme
from snapshots.cadence import Cadence, Period
from snapshots.models import (
    Snapshot,
    SnapshotBlock,
    SnapshotSection,
    SnapshotSeries,
    portfolio_key_for,
)

Kind = SnapshotBlock.Kind
Section = IndicatorDefinition.Section

# The seeds' outcome areas, in the seeds' order: the sections of a series' first draft.
DEFAULT_SECTIONS = [
    Section.HUMAN_CAPITAL,
    Section.GOOD_GOVERNANCE,
    Section.SOCIAL_SERVICES,
    Section.LOCAL_ECONOMIES,
    Section.SAFER_COMMUNITIES,
    Section.ACCOUNTABILITY,
]
TABLE_KINDS = ("sector_status", "population_groups", "custom")
MAX_TEXT = 20_000  # characters of one narrative or story
MAX_ITEMS = 60  # figures of one block, rows of one table


def default_disclaimer() -> str:
    return _(
        "The opinions expressed in this snapshot are those of the authors and do not "
        "necessarily reflect the views of the organisation or of its donors. The designations "
        "employed and the presentation of material throughout the report do not imply the "
        "expression of any opinion concerning the legal status of any country, territory, city "
        "or area, or of its authorities, or concerning its frontiers or boundaries."
    )


# --- Series ---------------------------------------------------------------------


@transaction.atomic
def series_create(
    *,
    programmes: Iterable[Programme],
    cadence: str,
    name: str = "",
    disclaimer: str | None = None,
    contact: str = "",
    user=None,
) -> SnapshotSeries:
    """A new series of snapshots of the portfolio ``programmes`` at ``cadence``
    (named after the programmes unless ``name`` is given). Raises
    ValidationError for no programme, an unknown cadence, or a portfolio that
    already has a series at that cadence."""
    programmes = sorted(set(programmes), key=lambda p: p.code)
    if not programmes:
        raise ValidationError({"programmes": _("Choose at least one programme.")})
    if cadence not in Cadence.values:
        raise ValidationError({"cadence": _("Choose monthly, quarterly or annual.")})
    key = portfolio_key_for(programmes)
    if SnapshotSeries.objects.filter(portfolio_key=key, cadence=cadence).exists():
        raise ValidationError(
            _("This portfolio already has a %(cadence)s series.")
            % {"cadence": Cadence(cadence).label.lower()}
        )
    series = SnapshotSeries.objects.create(
        name=(name or "").strip() or ", ".join(p.name for p in programmes),
        portfolio_key=key,
        cadence=cadence,
        disclaimer=default_disclaimer() if disclaimer is None else disclaimer,
        contact=contact,
        created_by=user,
    )
    series.programmes.set(programmes)
    return series


def series_for(*, programmes: Iterable[Programme], cadence: str, user=None) -> SnapshotSeries:
    """The series of the portfolio ``programmes`` at ``cadence``, made when it
    does not exist yet."""
    programmes = list(programmes)
    found = SnapshotSeries.objects.filter(
        portfolio_key=portfolio_key_for(programmes), cadence=cadence
    ).first()
    return found or series_create(programmes=programmes, cadence=cadence, user=user)


# --- Drafts ---------------------------------------------------------------------


@transaction.atomic
def snapshot_create(
    *,
    series: SnapshotSeries | None = None,
    programmes: Iterable[Programme] | None = None,
    cadence: str = Cadence.QUARTERLY,
    period_end: dt.date,
    as_of: dt.date | None = None,
    title: str | None = None,
    user,
    today: dt.date | None = None,
) -> Snapshot:
    """A new draft of ``series`` (or of the series of ``programmes`` at
    ``cadence``, made if needed) for the period ending ``period_end``, with
    figures as of ``as_of`` (default: the period's end, or today while the
    period runs). The draft starts as a copy of the latest snapshot of the
    series before it (sections, texts, figure choices, disclaimer, contact and
    title; its figures are live), or with the default sections for a series'
    first draft. Raises ValidationError for a day that ends no period, an
    as-of day outside the period, or a period already published."""
    today = today or timezone.localdate()
    if series is None:
        if not programmes:
            raise ValidationError({"programmes": _("Choose at least one programme.")})
        series = series_for(programmes=programmes, cadence=cadence, user=user)
    period = Period.containing(series.cadence, period_end)
    if period.end != period_end:
        raise ValidationError(
            {
                "period_end": _("Choose the last day of a %(cadence)s period.")
                % {"cadence": series.get_cadence_display().lower()}
            }
        )
    if as_of is None:
        as_of = today if period.start <= today < period.end else period.end
    if not period.start <= as_of <= period.end:
        raise ValidationError(
            {"as_of": _("The figures’ date must fall in %(period)s.") % {"period": period.label}}
        )
    if series.snapshots.filter(period_end=period.end, status=Snapshot.Status.PUBLISHED).exists():
        raise ValidationError(
            _("The snapshot of this series for %(period)s is already published.")
            % {"period": period.label}
        )
    source = (
        series.snapshots.filter(period_end__lt=period.end)
        .order_by("-period_end", "-status", "-created_at")  # "published" sorts after "draft"
        .first()
    )
    snapshot = Snapshot.objects.create(
        series=series,
        portfolio_key=series.portfolio_key,
        title=(title or "").strip() or (source.title if source else series.name),
        period_start=period.start,
        period_end=period.end,
        as_of=as_of,
        disclaimer=source.disclaimer if source else series.disclaimer,
        contact=source.contact if source else series.contact,
        created_by=user,
        **_arabic_copied(source, series),
    )
    snapshot.programmes.set(series.programmes.all())
    if source is not None and source.sections.exists():
        _copy_sections(source, snapshot)
    else:  # a series' first draft, or one after snapshots made before sections existed
        _default_sections(snapshot)
    return snapshot


def _arabic_copied(source: Snapshot | None, series: SnapshotSeries) -> dict:
    """The language, digits and Arabic texts of a new draft: its source's;
    for a series' first draft, English, with the Arabic of the default
    disclaimer where the series has that one."""
    if source is not None:
        return {
            "language": source.language,
            "digits": source.digits,
            "title_ar": source.title_ar,
            "disclaimer_ar": source.disclaimer_ar,
            "contact_ar": source.contact_ar,
        }
    with translation.override("en"):
        default = series.disclaimer.strip() == default_disclaimer()
    with translation.override("ar"):
        return {"disclaimer_ar": default_disclaimer() if default else ""}


def _copy_sections(source: Snapshot, target: Snapshot) -> None:
    for section in source.sections.prefetch_related("blocks"):
        copy = SnapshotSection.objects.create(
            snapshot=target,
            position=section.position,
            key=section.key,
            title=section.title,
            title_ar=section.title_ar,
            hidden=section.hidden,
            footnotes=section.footnotes,
            footnotes_ar=section.footnotes_ar,
        )
        SnapshotBlock.objects.bulk_create(
            SnapshotBlock(section=copy, position=b.position, kind=b.kind, content=b.content)
            for b in section.blocks.all()
        )


def _default_sections(snapshot: Snapshot) -> None:
    """The seeds' outcome areas, each with an empty narrative, the active
    figures the definitions place in that area, and the area's usual table."""
    definitions = list(
        IndicatorDefinition.objects.filter(
            is_active=True, accumulation=IndicatorDefinition.Accumulation.CUMULATIVE
        )
        .exclude(section="")
        .order_by("position", "code")
    )
    split_code = next(
        (d.code for d in definitions if d.dashboard_role == "splits"),
        IndicatorDefinition.objects.filter(dashboard_role="splits")
        .values_list("code", flat=True)
        .first(),
    )
    labels = dict(Section.choices)
    for position, key in enumerate(DEFAULT_SECTIONS):
        with translation.override("ar"):
            title_ar = str(labels[key])
        section = SnapshotSection.objects.create(
            snapshot=snapshot, position=position, key=key, title=str(labels[key]), title_ar=title_ar
        )
        blocks = [(Kind.NARRATIVE, {"text": ""})]
        codes = [d.code for d in definitions if d.section == key]
        if codes:
            blocks.append((Kind.FIGURES, {"items": [{"ref": code} for code in codes]}))
        if key == Section.SOCIAL_SERVICES:
            blocks.append((Kind.TABLE, {"kind": "sector_status", "title": "", "sectors": []}))
        if key == Section.HUMAN_CAPITAL and split_code:
            blocks.append((Kind.GENDER, {"ref": split_code}))
        SnapshotBlock.objects.bulk_create(
            SnapshotBlock(section=section, position=i, kind=kind, content=content)
            for i, (kind, content) in enumerate(blocks)
        )


@transaction.atomic
def snapshot_update(
    *,
    snapshot: Snapshot,
    title: str | None = None,
    as_of: dt.date | None = None,
    disclaimer: str | None = None,
    contact: str | None = None,
    language: str | None = None,
    digits: str | None = None,
    title_ar: str | None = None,
    disclaimer_ar: str | None = None,
    contact_ar: str | None = None,
) -> Snapshot:
    """Change a draft's title, figures' day, disclaimer, contact, language
    (English, Arabic or both), digits of its Arabic, or the Arabic of its
    title, disclaimer and contact (each when given). Raises ValidationError
    for a published snapshot, an as-of day outside the period, or an unknown
    language or digits."""
    snapshot = _draft(snapshot)
    if language is not None:
        if language not in Snapshot.Language.values:
            raise ValidationError({"language": _("Choose English, Arabic or both.")})
        snapshot.language = language
    if digits is not None:
        if digits not in DIGIT_SYSTEMS:
            raise ValidationError({"digits": _("Choose Western or Arabic-Indic digits.")})
        snapshot.digits = digits
    if title_ar is not None:
        snapshot.title_ar = title_ar.strip()[:300]
    if disclaimer_ar is not None:
        snapshot.disclaimer_ar = _text(disclaimer_ar, "disclaimer_ar")
    if contact_ar is not None:
        snapshot.contact_ar = _text(contact_ar, "contact_ar")
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": _("Give the snapshot a title.")})
        snapshot.title = title.strip()[:300]
    if as_of is not None:
        if not snapshot.period_start <= as_of <= snapshot.period_end:
            raise ValidationError(
                {
                    "as_of": _("The figures’ date must fall in %(period)s.")
                    % {"period": snapshot.period_label}
                }
            )
        snapshot.as_of = as_of
    if disclaimer is not None:
        snapshot.disclaimer = _text(disclaimer, "disclaimer")
    if contact is not None:
        snapshot.contact = _text(contact, "contact")
    snapshot.save()
    return snapshot


def _draft(snapshot: Snapshot) -> Snapshot:
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.is_published:
        raise ValidationError(_("A published snapshot never changes."))
    return snapshot


def _text(value: str, field: str) -> str:
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": f"{MAX_TEXT:,}"}})
    return value.replace("\r\n", "\n").replace("\x00", "")


# --- Sections -------------------------------------------------------------------


@transaction.atomic
def section_add(*, snapshot: Snapshot, title: str) -> SnapshotSection:
    """A new, empty section at the end of the draft ``snapshot``."""
    snapshot = _draft(snapshot)
    if not title.strip():
        raise ValidationError({"title": _("Give the section a title.")})
    last = snapshot.sections.aggregate(m=Max("position"))["m"]
    keys = set(snapshot.sections.values_list("key", flat=True))
    n = len(keys) + 1
    while f"section-{n}" in keys:
        n += 1
    return SnapshotSection.objects.create(
        snapshot=snapshot,
        position=0 if last is None else last + 1,
        key=f"section-{n}",
        title=title.strip()[:200],
    )


@transaction.atomic
def section_update(
    *,
    section: SnapshotSection,
    title: str | None = None,
    hidden: bool | None = None,
    footnotes: str | None = None,
    title_ar: str | None = None,
    footnotes_ar: str | None = None,
) -> SnapshotSection:
    """Rename, hide or show a section, or change its footnotes (one per
    line), in English or in Arabic (``title_ar``, ``footnotes_ar``)."""
    _draft(section.snapshot)
    section = SnapshotSection.objects.select_for_update().get(pk=section.pk)
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": _("Give the section a title.")})
        section.title = title.strip()[:200]
    if hidden is not None:
        section.hidden = bool(hidden)
    if footnotes is not None:
        section.footnotes = _text(footnotes, "footnotes")
    if title_ar is not None:
        section.title_ar = title_ar.strip()[:200]
    if footnotes_ar is not None:
        section.footnotes_ar = _text(footnotes_ar, "footnotes_ar")
    section.save()
    return section


@transaction.atomic
def section_move(*, section: SnapshotSection, offset: int) -> None:
    """Move a section ``offset`` places up (negative) or down, within bounds."""
    _draft(section.snapshot)
    _move(list(section.snapshot.sections.order_by("position")), section.pk, offset)


@transaction.atomic
def section_delete(*, section: SnapshotSection) -> None:
    _draft(section.snapshot)
    section.delete()


def _move(rows: list, pk: int, offset: int) -> None:
    """Reorder ``rows`` (sections or blocks of one parent) with row ``pk``
    moved by ``offset`` and positions renumbered 0..n-1 (the unique position
    constraints are deferred, so the swap is one transaction)."""
    index = next(i for i, r in enumerate(rows) if r.pk == pk)
    row = rows.pop(index)
    rows.insert(max(0, min(len(rows), index + offset)), row)
    for position, r in enumerate(rows):
        if r.position != position:
            r.position = position
            r.save(update_fields=["position"])


# --- Blocks ---------------------------------------------------------------------


def block_content_clean(kind: str, content: dict) -> dict:
    """``content`` checked for its ``kind`` and reduced to the known keys
    (see ``SnapshotBlock``). References are checked when the draft is shown
    and refused on publish, not here: a draft may hold a reference still
    being written. Raises ValidationError for a wrong shape."""
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Unknown kind of block.")})
    if not isinstance(content, dict):
        raise ValidationError({"content": _("The block's content must be an object.")})

    def text(key: str, limit: int = MAX_TEXT) -> str:
        value = content.get(key) or ""
        if not isinstance(value, str):
            raise ValidationError({key: _("This must be text.")})
        if len(value) > limit:
            raise ValidationError({key: _("At most %(n)s characters.") % {"n": f"{limit:,}"}})
        return value.replace("\r\n", "\n").replace("\x00", "")

    def listed(key: str) -> list:
        value = content.get(key) or []
        if not isinstance(value, list):
            raise ValidationError({key: _("This must be a list.")})
        if len(value) > MAX_ITEMS:
            raise ValidationError({key: _("At most %(n)s entries.") % {"n": MAX_ITEMS}})
        return value

    def items(key: str, fields: tuple[str, ...]) -> list[dict]:
        out = []
        for item in listed(key):
            if not isinstance(item, dict) or not isinstance(item.get("ref"), str):
                raise ValidationError({key: _("Each entry needs a figure reference.")})
            out.append(
                {f: str(item.get(f) or "")[:500].replace("\x00", "") for f in fields}
                | {"ref": item["ref"].strip().strip("{}")[:300]}
            )
        return out

    def arabic(*keys: str, limit: int = MAX_TEXT) -> dict:
        """The Arabic beside the English of ``keys`` ("text_ar"...), kept
        only where written, so an English block's content stays as it was."""
        return {f"{k}_ar": v for k in keys if (v := text(f"{k}_ar", limit))}

    if kind == Kind.NARRATIVE:
        return {"text": text("text"), **arabic("text")}
    if kind == Kind.FIGURES:
        # "target": "yes" asks for "of N targeted"; kept only when asked.
        return {
            "items": [
                {
                    k: v
                    for k, v in item.items()
                    if (k != "target" or v == "yes") and (v or not k.endswith("_ar"))
                }
                for item in items(
                    "items", ("label", "footnote", "target", "label_ar", "footnote_ar")
                )
            ]
        }
    if kind == Kind.GENDER:
        ref = text("ref", 300).strip().strip("{}")
        if not ref:
            raise ValidationError({"ref": _("Choose the figure to split by sex.")})
        return {"ref": ref}
    if kind == Kind.STORY:
        photo = content.get("photo")
        if photo not in (None, "") and not (isinstance(photo, int) or str(photo).isdigit()):
            raise ValidationError({"photo": _("Choose a photo from an approved visit.")})
        return {
            "photo": int(photo) if photo not in (None, "") else None,
            "title": text("title", 200),
            "text": text("text"),
            "caption": text("caption", 300),
            **arabic("title", limit=200),
            **arabic("text"),
            **arabic("caption", limit=300),
        }
    table = content.get("kind")
    if table not in TABLE_KINDS:
        raise ValidationError(
            {"kind": _("Choose a table: sector × status, population groups, or custom.")}
        )
    cleaned = {"kind": table, "title": text("title", 200), **arabic("title", limit=200)}
    if table == "sector_status":
        cleaned["sectors"] = [str(s)[:50] for s in listed("sectors")]
    elif table == "population_groups":
        cleaned["ref"] = text("ref", 300).strip().strip("{}")
        if not cleaned["ref"]:
            raise ValidationError({"ref": _("Choose the figure to split by population group.")})
    else:
        cleaned["rows"] = [
            {k: v for k, v in row.items() if k != "label_ar" or v}
            for row in items("rows", ("label", "label_ar"))
        ]
    return cleaned


@transaction.atomic
def block_add(
    *, section: SnapshotSection, kind: str, content: dict | None = None, position: int | None = None
) -> SnapshotBlock:
    """A new block of ``kind`` in ``section`` (at the end, or at ``position``)."""
    _draft(section.snapshot)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Unknown kind of block.")})
    content = block_content_clean(kind, content or _empty(kind))
    blocks = list(section.blocks.order_by("position"))
    block = SnapshotBlock.objects.create(
        section=section, position=len(blocks), kind=kind, content=content
    )
    if position is not None and position < len(blocks):
        _move(blocks + [block], block.pk, position - len(blocks))
    return block


def _empty(kind: str) -> dict:
    return {
        Kind.NARRATIVE: {"text": ""},
        Kind.FIGURES: {"items": []},
        Kind.TABLE: {"kind": "custom", "title": "", "rows": []},
        Kind.GENDER: {"ref": "direct-recipients"},
        Kind.STORY: {"photo": None, "title": "", "text": "", "caption": ""},
    }[kind]


@transaction.atomic
def block_update(*, block: SnapshotBlock, content: dict) -> SnapshotBlock:
    """Replace a block's content (checked for its kind)."""
    _draft(block.section.snapshot)
    block = SnapshotBlock.objects.select_for_update().get(pk=block.pk)
    block.content = block_content_clean(block.kind, content)
    block.save(update_fields=["content"])
    return block


@transaction.atomic
def block_move(*, block: SnapshotBlock, offset: int) -> None:
    _draft(block.section.snapshot)
    _move(list(block.section.blocks.order_by("position")), block.pk, offset)


@transaction.atomic
def block_delete(*, block: SnapshotBlock) -> None:
    _draft(block.section.snapshot)
    section = block.section
    block.delete()
    for position, b in enumerate(section.blocks.order_by("position")):
        if b.position != position:
            b.position = position
            b.save(update_fields=["position"])
