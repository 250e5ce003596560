"""Proposed sentences: what a section's headline figures say, written in the
narrative markup by plain templates (no outside service), for the reporting
officer to keep, edit or delete.

Every figure in a proposed sentence is a live reference, so the sentence
shows the figures of the day it is rendered; only its verb ("rose", "fell",
"stayed at") is chosen from the figures when it is proposed.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from programmes.models import Governorate
from snapshots.references import (
    FigureContext,
    Reference,
    Resolved,
    parse_reference,
    resolve_references,
)

# Cuts that already name a place, or one project: no governorate breakdown.
_PLACED = frozenset({"governorate", "district", "project"})


def _plain(text: str) -> str:
    """``text`` as markup that prints it as written (braces doubled)."""
    return " ".join(text.split()).replace("{", "{{").replace("}", "}}")


def _written(reference: Reference, show: str = "cumulative") -> str:
    return "{" + replace(reference, show=show).key + "}"


def _figure_name(found: Resolved) -> str:
    name = found.label if not found.scope else f"{found.label} ({found.scope})"
    name = _plain(name)
    return name[:1].upper() + name[1:]


def _sentence(reference: Reference, found: Resolved, context: FigureContext) -> str | None:
    """One sentence about ``found`` (the figure of ``reference``), or None
    when it has nothing to say (a figure a donor may not see, or nothing
    so far and nothing before)."""
    if found.value is None or (not found.value and not found.base):
        return None
    words = {
        "figure": _figure_name(found),
        "place": _plain(found.place or ""),
        "value": _written(reference),
        "change": _written(reference, "change"),
        "since": _plain(context.compared_label or _("since the previous snapshot")),
        "date": date_format(context.as_of, "j F Y"),
    }
    placed = bool(found.place)
    if context.previous_as_of is None or found.base is None:
        template = (
            _("%(figure)s in %(place)s stood at %(value)s as of %(date)s.")
            if placed
            else _("%(figure)s stood at %(value)s as of %(date)s.")
        )
    elif found.value > found.base and found.change is None:
        template = (
            _("%(figure)s in %(place)s rose to %(value)s %(since)s.")
            if placed
            else _("%(figure)s rose to %(value)s %(since)s.")
        )
    elif found.value > found.base:
        template = (
            _("%(figure)s in %(place)s rose by %(change)s %(since)s, to %(value)s.")
            if placed
            else _("%(figure)s rose by %(change)s %(since)s, to %(value)s.")
        )
    elif found.value < found.base:
        template = (
            _("%(figure)s in %(place)s fell %(since)s (%(change)s), to %(value)s.")
            if placed
            else _("%(figure)s fell %(since)s (%(change)s), to %(value)s.")
        )
    else:
        template = (
            _("%(figure)s in %(place)s stayed at %(value)s %(since)s.")
            if placed
            else _("%(figure)s stayed at %(value)s %(since)s.")
        )
    return template % words


def proposed_sentences(
    refs: list[str], context: FigureContext, *, governorates: int = 3
) -> list[str]:
    """Sentences in the narrative markup about each figure reference in
    ``refs`` (a section's headline figures, written as in a figures item,
    without braces) and about it in its ``governorates`` largest governorates
    within the portfolio (for a figure not already cut by place or project),
    in that order. Each sentence compares the figure with the previous
    snapshot's day ("rose by 12% since last quarter, to 4,788"), or gives it
    as of the as-of day when there is no previous snapshot; every number in
    it is a live reference, so rendered it shows exactly ``figures()``.
    References that cannot be read or resolved, and figures a donor may not
    see (small counts), give no sentence; a sentence is proposed once. Two
    ``figures()`` calls, whatever the number of references."""
    wanted: list[Reference] = []
    for ref in refs:
        reference = parse_reference(ref)
        if isinstance(reference, Reference):
            reference = replace(reference, show="cumulative")
            if reference not in wanted:
                wanted.append(reference)
    if not wanted:
        return []
    found = resolve_references(wanted, context)
    by_place: dict[Reference, list[Reference]] = {}
    if governorates > 0:
        pcodes = list(Governorate.objects.order_by("pcode").values_list("pcode", flat=True))
        for reference in wanted:
            cut = {name for name, _value in reference.params}
            if isinstance(found[reference.key], Resolved) and not _PLACED & cut:
                by_place[reference] = [
                    replace(
                        reference, params=tuple(sorted((*reference.params, ("governorate", p))))
                    )
                    for p in pcodes
                ]
    placed = resolve_references([r for refs_ in by_place.values() for r in refs_], context)
    sentences: list[str] = []

    def propose(reference: Reference, figure: Resolved) -> None:
        sentence = _sentence(reference, figure, context)
        if sentence and sentence not in sentences:
            sentences.append(sentence)

    for reference in wanted:
        figure = found[reference.key]
        if not isinstance(figure, Resolved):
            continue
        propose(reference, figure)
        ranked = sorted(
            (
                (placed[r.key], r)
                for r in by_place.get(reference, [])
                if isinstance(placed.get(r.key), Resolved) and placed[r.key].value
            ),
            key=lambda pair: (-pair[0].value, pair[0].place or ""),
        )
        for figure_there, there in ranked[:governorates]:
            propose(there, figure_there)
    return sentences
