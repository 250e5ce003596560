"""The document of a snapshot: its sections and blocks, as the officer wrote
them, made into the payload version 2 (``docs/snapshot_payload.md``) with
every live reference resolved, exact to the as-of day.

``snapshot_document(snapshot)`` is what the draft page previews, what the
draft PDF prints and what publishing freezes. It never raises on what an
officer wrote: every reference that cannot be shown is an error in the list
it returns (the publish service refuses a draft that has any), and its place
in the text is marked, never left blank.
"""

from __future__ import annotations

import datetime as dt
import operator
from functools import cached_property, reduce

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from modeltranslation.utils import get_translation_fields

from beneficiaries.models import Photo, PopulationGroup, ReviewStatus
from indicators.breakdowns import feedback_average
from indicators.models import (
    NOT_RECORDED,
    SPLIT_COLUMNS,
    HouseholdMultiplier,
    IndicatorDefinition,
)
from indicators.selectors import figure_shown, figure_target, figures_shown
from programmes.models import Project, Sector
from programmes.names import localised
from snapshots.cadence import Period, as_of_note
from snapshots.cover import cover_figures
from snapshots.markup import render_markup, text_references
from snapshots.models import Snapshot, SnapshotBlock
from snapshots.pdf_payload import feedback_v2
from snapshots.reference_syntax import Reference, ReferenceError, parse_reference
from snapshots.references import FigureContext, Resolved, resolve_references
from snapshots.selectors import (
    attribution,
    feedback_answers,
    multiplier_text,
    snapshot_previous,
    visit_photos,
)

PAYLOAD_VERSION = 2
Kind = SnapshotBlock.Kind


def _ref(text: str) -> Reference | ReferenceError:
    """A figure item's or a table's reference, written with or without braces."""
    body = text.strip().strip("{}")
    return parse_reference(body, source="{" + body + "}")


def snapshot_document(
    snapshot: Snapshot,
    *,
    status: str | None = None,
    published_at: dt.datetime | None = None,
    previous: Snapshot | None = None,
    language: str | None = None,
) -> tuple[dict, list[dict]]:
    """``(payload, errors)``: the payload v2 of ``snapshot`` as it would be
    printed now (``status`` and ``published_at`` default to the snapshot's),
    compared with ``previous`` (default: the previous published snapshot of
    its series), and the errors of its references, each
    ``{"section": key, "block": pk, "message": str}`` (the message with its
    line and column). Hidden sections are left out. In the snapshot's
    language (``build_languages``: a bilingual one carries its Arabic
    document in ``arabic``), or in ``language`` alone when given. A few dozen
    queries per language, whatever the number of records."""
    from snapshots.build_languages import document_in_languages

    previous = previous if previous is not None else snapshot_previous(snapshot)
    return document_in_languages(
        snapshot,
        lambda arabic: _Document(
            snapshot, status=status, published_at=published_at, previous=previous, arabic=arabic
        ).build(),
        language=language,
    )


def _feedback(question: dict) -> dict:
    """A question's answers as payload v2 wants them: ordered from the most
    negative to the most positive (by score when every answer code is a
    number, 1 the lowest; else by the words, as ``feedback_v2`` does), with
    the average score and the scale's top when the codes are numbers."""
    shaped = feedback_v2({"question": question["question"], "answers": question["answers"]})
    answers = question["answers"]
    numeric = answers and all(str(a["code"]).isdigit() for a in answers)
    base = question["responses"]
    average = scale_max = None
    if numeric:
        answers = sorted(answers, key=lambda a: int(a["code"]))
        # The dashboards' average, so that page and snapshot agree.
        average, scale_max = feedback_average(answers)
        shaped["answers"] = [
            {**a, "display": f"{a['share']:.1f}%".replace(".0%", "%")} for a in answers
        ]
        shaped["kind"] = "likert"
    return {
        **shaped,
        "code": str(question.get("code") or ""),
        "aggregate": bool(question.get("aggregate")),
        "base": base,
        "average": average,
        "scale_max": scale_max,
    }


class _Document:
    def __init__(self, snapshot, *, status, published_at, previous, arabic=False):
        self.snapshot = snapshot
        # Arabic: the officer's Arabic texts (English where none is written yet).
        self.arabic = arabic
        self.series = snapshot.series
        self.status = status or snapshot.status
        self.published_at = published_at or snapshot.published_at
        self.previous = previous if previous is not None else snapshot_previous(snapshot)
        self.period = Period(self.series.cadence, snapshot.period_start, snapshot.period_end)
        self.programmes = sorted(snapshot.programmes.all(), key=lambda p: p.code)
        self.programme_ids = tuple(p.pk for p in self.programmes)
        previous_payload = self.previous.payload if self.previous else None
        previous_refs = (previous_payload or {}).get("references") or {}
        self.context = FigureContext(
            programmes=self.programme_ids,
            period_start=snapshot.period_start,
            as_of=snapshot.as_of,
            previous_as_of=self.previous.as_of if self.previous else None,
            previous_references=previous_refs,
            compared_label=self.period.compared_label,
        )
        self.sections = [
            s for s in snapshot.sections.prefetch_related("blocks").order_by("position")
        ]
        self.errors: list[dict] = []

    # --- references -------------------------------------------------------------

    def _collect(self) -> list[Reference | ReferenceError]:
        """Every reference the visible sections and the cover hold."""
        found: list[Reference | ReferenceError] = []
        for section in self.sections:
            if section.hidden:
                continue
            for block in section.blocks.all():
                for text in self._texts(block.kind, block.content):
                    references, errors = text_references(text)
                    found += references + errors
                found += [_ref(r) for r in self._refs(block)]
        found += [_ref(code) for code in self._headline_codes]
        return found

    def _texts(self, kind: str, content: dict) -> list[str]:
        if kind in (Kind.NARRATIVE, Kind.STORY):
            return [self._t(content, "text")]
        return []

    def _t(self, texts, key: str) -> str:
        """The text ``key`` of a block's content, a figure item or a model
        (``texts``), in the document's language: its Arabic ``<key>_ar``
        when the document is Arabic and it has one written."""
        get = texts.get if isinstance(texts, dict) else lambda k: getattr(texts, k, "")
        return (self.arabic and get(f"{key}_ar")) or get(key) or ""

    @staticmethod
    def _refs(block) -> list[str]:
        content = block.content
        if block.kind == Kind.FIGURES:
            return [item["ref"] for item in content.get("items") or []]
        if block.kind == Kind.GENDER:
            return [content.get("ref") or ""]
        if block.kind == Kind.TABLE and content.get("kind") == "population_groups":
            return [content.get("ref") or ""]
        if block.kind == Kind.TABLE and content.get("kind") == "custom":
            return [row["ref"] for row in content.get("rows") or []]
        return []

    @cached_property
    def _headline_codes(self) -> list[str]:
        return list(
            IndicatorDefinition.objects.filter(
                headline=True,
                is_active=True,
                section="",
                accumulation=IndicatorDefinition.Accumulation.CUMULATIVE,
            )
            .order_by("position", "code")
            .values_list("code", flat=True)
        )

    def _lookup(self, text: str, section, block) -> Resolved | None:
        """The resolved figure of a figure item's or a table's reference, or
        None with the error recorded."""
        reference = _ref(text)
        found = self.resolved.get(reference.key)
        if isinstance(found, Resolved):
            return found
        error = reference if isinstance(reference, ReferenceError) else found
        message = error.message if isinstance(error, ReferenceError) else _("Unknown figure.")
        self._error(section, block, f"{reference.source}: {message}")
        return None

    def _error(self, section, block, message: str) -> None:
        self.errors.append(
            {
                "section": section.key if section else "",
                "block": block.pk if block else None,
                "message": message,
            }
        )

    # --- the payload --------------------------------------------------------------

    def build(self) -> tuple[dict, list[dict]]:
        self.resolved = resolve_references(self._collect(), self.context)
        self.cover = cover_figures(programmes=self.programme_ids, as_of=self.snapshot.as_of)
        self.areas_hidden = self.cover["areas_hidden"]
        sections = []
        for section in self.sections:
            if section.hidden:
                continue
            blocks = [
                b for b in (self._block(section, block) for block in section.blocks.all()) if b
            ]
            sections.append(
                {
                    "key": section.key,
                    "title": self._t(section, "title"),
                    "blocks": blocks,
                    "footnotes": [
                        n.strip() for n in self._t(section, "footnotes").splitlines() if n.strip()
                    ],
                }
            )
        headlines = [self._figure({"ref": code}, None, None) for code in self._headline_codes]
        used = [r for r in self.resolved.values() if isinstance(r, Resolved)]
        stories = [
            b["photo"] for s in sections for b in s["blocks"] if b["type"] == "story" and b["photo"]
        ]
        photos = stories or visit_photos(list(self.programme_ids), self.snapshot.as_of)
        payload = {
            "version": PAYLOAD_VERSION,
            "title": self._t(self.snapshot, "title"),
            "status": str(self.status),
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "as_of": self.snapshot.as_of.isoformat(),
            "period": {
                "cadence": self.series.cadence,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
                "label": self.period.label,
                "as_of_note": self._as_of_note(),
                "compared_label": self.period.compared_label,
            },
            "series": str(self.series.name),
            "programmes": [
                {
                    "code": p.code,
                    "name": p.name,
                    "outcome_area": p.outcome_area,
                    "outcome_area_label": str(p.get_outcome_area_display()),
                }
                for p in self.programmes
            ],
            "multiplier": self._multiplier(used),
            "contributions": self.cover["contributions"],
            "areas": self.cover["areas"],
            "headlines": [h for h in headlines if h],
            "sections": sections,
            "feedback": [
                _feedback(q)
                for q in feedback_answers(list(self.programme_ids), self.snapshot.as_of)
            ],
            "population_groups": [],
            "gender": None,
            "corrections": self._corrections(used),
            "photos": photos,
            "footnotes": self._footnotes(used),
            "disclaimer": self._t(self.snapshot, "disclaimer"),
            "contact": self._t(self.snapshot, "contact"),
            "attribution": attribution(),
            "references": {r.key: r.as_dict() for r in used},
            "fingerprint": None,
            "verify_url": None,
        }
        return payload, self.errors

    def _as_of_note(self) -> str:
        return as_of_note(self.snapshot.as_of, self.period)

    def _block(self, section, block) -> dict | None:
        content = block.content
        if block.kind == Kind.NARRATIVE:
            html = self._markup(self._t(content, "text"), section, block)
            return {"type": "narrative", "html": html} if html else None
        if block.kind == Kind.FIGURES:
            items = [self._figure(item, section, block) for item in content.get("items") or []]
            items = [i for i in items if i]
            return {"type": "figures", "items": items} if items else None
        if block.kind == Kind.GENDER:
            return self._gender(content.get("ref") or "", section, block)
        if block.kind == Kind.STORY:
            return self._story(content, section, block)
        if block.kind == Kind.TABLE:
            return {
                "sector_status": self._sector_table,
                "population_groups": self._population_table,
                "custom": self._custom_table,
            }[content.get("kind")](content, section, block)
        return None

    def _markup(self, text: str, section, block) -> str:
        references, errors = text_references(text)
        for item in [*references, *errors]:
            found = self.resolved.get(item.key)
            if isinstance(found, Resolved):
                continue
            if isinstance(item, ReferenceError):
                error = item
            elif isinstance(found, ReferenceError):
                error = found.at(item)
            else:
                error = None
            self._error(section, block, error.located() if error else item.source)
        return render_markup(text, self.resolved) if text.strip() else ""

    def _figure(self, item: dict, section, block) -> dict | None:
        found = self._lookup(item["ref"], section, block)
        if found is None:
            return None
        return {
            "code": found.code,
            "label": self._t(item, "label").strip() or found.label,
            "place": found.place,
            "unit": found.unit,
            "starred": found.starred,
            "period_value": found.period_value,
            "period_display": found.period_display,
            "value": found.value,
            "display": found.display,
            "marker": found.marker,
            "previous": found.previous,
            "footnote": self._t(item, "footnote").strip() or None,
            **self._targeted(item, found),
        }

    def _targeted(self, item: dict, found) -> dict:
        """ "of N targeted" for a figure item that asks for it: the
        programmes' target for the period holding the as-of day, for a
        whole-programme figure only (a place has no such target here)."""
        if item.get("target") != "yes" or found.place is not None:
            return {}
        usd = found.unit == "usd"
        value = figure_target(
            definition=found.code, programmes=self.programme_ids, as_of=self.snapshot.as_of
        )
        if value is None:
            return {}
        return {
            "targeted": float(value),
            "targeted_display": str(figure_shown(value, usd=usd)["display"]),
        }

    def _splits(self, text: str, section, block) -> tuple[Resolved, dict] | None:
        found = self._lookup(text, section, block)
        if found is None:
            return None
        return found, getattr(found, "splits", None) or {}

    def _gender(self, text: str, section, block) -> dict | None:
        got = self._splits(text, section, block)
        if got is None:
            return None
        found, splits = got
        female, male = splits.get("sex_f") or 0, splits.get("sex_m") or 0
        if not female and not male:
            return None
        # The people whose sex was not recorded: shown as such, never shared out.
        rest = None if found.value is None else max(int(found.value) - female - male, 0)
        shown = figures_shown({"f": female, "m": male, "n": rest or 0}, protect=True)
        return {
            "type": "gender",
            "female": female,
            "male": male,
            "not_recorded": rest,
            "female_display": str(shown["f"]["display"]),
            "male_display": str(shown["m"]["display"]),
            "not_recorded_display": str(shown["n"]["display"]) if rest else "",
        }

    def _population_table(self, content: dict, section, block) -> dict | None:
        got = self._splits(content.get("ref") or "", section, block)
        if got is None:
            return None
        found, splits = got
        labels = dict(PopulationGroup.choices)
        values = {
            code: splits.get(column) or 0
            for code, column in SPLIT_COLUMNS["population_group"].items()
        }
        if found.value is not None and any(values.values()):
            # The people of no recorded group: a row of their own, last.
            values[NOT_RECORDED] = max(int(found.value) - sum(values.values()), 0)
            labels[NOT_RECORDED] = _("Not recorded")
        shown = figures_shown(values, protect=True)
        rows = [
            [str(labels.get(code, code)), str(shown[code]["display"])]
            for code in values
            if values[code]
        ]
        return {
            "type": "table",
            "title": self._t(content, "title")
            or _("%(figure)s by population group") % {"figure": found.label},
            "columns": [
                {"label": _("Population group"), "numeric": False},
                {"label": found.label, "numeric": True},
            ],
            "rows": rows,
            "footer": None,
        }

    def _custom_table(self, content: dict, section, block) -> dict | None:
        rows = []
        for row in content.get("rows") or []:
            found = self._lookup(row["ref"], section, block)
            if found is None:
                continue
            star = "*" if found.starred else ""
            rows.append(
                [
                    self._t(row, "label").strip()
                    or found.label + (f" ({found.place})" if found.place else ""),
                    (found.period_display + star) if found.period_display else "—",
                    found.display + star,
                ]
            )
        if not rows:
            return None
        return {
            "type": "table",
            "title": self._t(content, "title"),
            "columns": [
                {"label": _("Figure"), "numeric": False},
                {"label": self.period.label, "numeric": True},
                {"label": _("Since the start"), "numeric": True},
            ],
            "rows": rows,
            "footer": None,
        }

    def _sector_table(self, content: dict, section, block) -> dict | None:
        """Projects by sector and status, for the chosen sectors (all when
        none is chosen): projects started by the as-of day, by their status."""
        projects = Project.objects.filter(
            programme_id__in=self.programme_ids, start_date__lte=self.snapshot.as_of
        )
        chosen = [s for s in content.get("sectors") or [] if s]
        # A sector is chosen by its code or by its name in any language.
        names = [Q(**{f"{name}__in": chosen}) for name in get_translation_fields("name")]
        sectors = Sector.objects.filter(reduce(operator.or_, names, Q(code__in=chosen)))
        if chosen:
            projects = projects.filter(sector__in=sectors)
        statuses = Project.Status
        rows = (
            projects.annotate(sector_name=localised("sector__name"))
            .values("sector_name")
            .annotate(**{s: Count("pk", filter=Q(status=s)) for s in statuses.values})
            .order_by("sector_name")
        )
        body = [
            [row["sector_name"]]
            + [f"{row[s]:,}" for s in statuses.values]
            + [f"{sum(row[s] for s in statuses.values):,}"]
            for row in rows
        ]
        if not body:
            if chosen and not sectors.exists():
                self._error(
                    section, block, _("Unknown sector: %(names)s.") % {"names": ", ".join(chosen)}
                )
            return None
        return {
            "type": "table",
            "title": self._t(content, "title") or _("Projects by sector and status"),
            "columns": [{"label": _("Sector"), "numeric": False}]
            + [{"label": str(label), "numeric": True} for label in statuses.labels]
            + [{"label": _("Total"), "numeric": True}],
            "rows": body,
            "footer": None,
        }

    def _story(self, content: dict, section, block) -> dict | None:
        photo = None
        if content.get("photo"):
            found = (
                Photo.objects.filter(
                    pk=content["photo"],
                    visit__status=ReviewStatus.APPROVED,
                    visit__project__programme_id__in=self.programme_ids,
                )
                .select_related("visit__project__donor", "visit__governorate")
                .first()
            )
            if found is None:
                self._error(
                    section,
                    block,
                    _("The story's photo is not from an approved visit of this portfolio."),
                )
            else:
                photo = {
                    "storage_name": found.image.name,
                    "caption": self._t(content, "caption").strip() or found.caption,
                    "credit": found.credit,
                    "donor": found.visit.project.donor.name,
                    "governorate": (self.arabic and found.visit.governorate.name_ar)
                    or found.visit.governorate.name_iom,
                }
        html = self._markup(self._t(content, "text"), section, block)
        title = self._t(content, "title")
        if not (photo or html or title):
            return None
        return {"type": "story", "title": title, "text": html, "photo": photo}

    # --- the cover, the map and the notes -------------------------------------------

    def _multiplier(self, used: list[Resolved]) -> dict | None:
        if not any(r.starred for r in used):
            return None
        value = self._multiplier_value
        return {"value": value, "footnote": multiplier_text(value)}

    @cached_property
    def _multiplier_value(self) -> int:
        """The household multiplier in force on the as-of day (6 in Iraq)."""
        found = (
            HouseholdMultiplier.objects.filter(effective_from__lte=self.snapshot.as_of)
            .order_by("-effective_from")
            .first()
        ) or HouseholdMultiplier.objects.order_by("effective_from").first()
        return found.value if found else 6

    def _corrections(self, used: list[Resolved]) -> list[dict]:
        seen, out = set(), []
        label = self.previous.period_label if self.previous else ""
        for r in used:
            if r.marker != "corrected" or r.figure in seen:
                continue
            seen.add(r.figure)
            usd = r.unit == "usd"
            out.append(
                {
                    "code": r.code,
                    "label": r.label + (f" ({r.place})" if r.place else ""),
                    "period": label,
                    "old": r.previous,
                    "new": r.before,
                    "old_display": str(figure_shown(r.previous, usd=usd)["display"]),
                    "new_display": str(figure_shown(r.before, usd=usd)["display"]),
                }
            )
        return out

    def _footnotes(self, used: list[Resolved]) -> list[str]:
        notes = []
        if any(r.starred for r in used):
            notes.append(
                "* "
                + _("%(text)s, where a record gives no household size of its own.")
                % {"text": multiplier_text(self._multiplier_value)}
            )
        notes.append(
            _(
                "Figures of %(period)s count approved records dated from %(start)s to %(as_of)s; "
                "cumulative figures count them from the start of the programme."
            )
            % {
                "period": self.period.label,
                "start": date_format(self.period.start, "j F Y"),
                "as_of": date_format(self.snapshot.as_of, "j F Y"),
            }
        )
        if getattr(self, "areas_hidden", False) or any(r.value is None for r in used):
            notes.append(
                _(
                    "Counts from 1 to 4 in a governorate, district, project or group are shown as "
                    "“<5” to protect the people they describe."
                )
            )
        return notes
