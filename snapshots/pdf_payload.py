"""The payload as the PDF reads it: version 2 (docs/snapshot_payload.md).

``payload_v2`` adapts a version-1 payload (the quarterly one
``snapshot_payload_build`` made before the authoring side switched over) to
version 2, in this one place, so the template knows only version 2.
``clean_html`` sanitises a narrative or story text again with the contract's
allow-list: the authoring side sanitises, and the PDF does not rely on it.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from django.utils.translation import gettext as _

# Tags a narrative may hold, and the one attribute allowed (a resolved reference).
_TAGS = {"p", "strong", "em", "b", "i", "ul", "ol", "li", "br", "span"}
_VOID = {"br"}


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.skip = 0  # inside <script>/<style>: their text is dropped

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
            return
        if tag not in _TAGS:
            return
        if tag == "span":
            ref = dict(attrs).get("class") == "ref"
            self.out.append('<span class="ref">' if ref else "<span>")
        else:
            self.out.append(f"<{tag}>")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
            return
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == tag:
                    break

    def handle_data(self, data):
        if not self.skip:
            self.out.append(escape(data, quote=False))


def clean_html(html: str | None) -> str:
    """``html`` with only the contract's tags left (attributes dropped, but
    ``class="ref"`` on a span), text escaped and every tag closed."""
    cleaner = _Cleaner()
    cleaner.feed(html or "")
    cleaner.close()
    return "".join(cleaner.out) + "".join(f"</{t}>" for t in reversed(cleaner.open))


# --- version 1 -> version 2 -----------------------------------------------------

_NEGATIVE = re.compile(r"\b(dis\w*|un\w*|not|no|never|poor|bad|very poor|worse)\b", re.I)
_POSITIVE = re.compile(r"\b(satisf\w*|good|excellent|yes|always|helpful|very)\b", re.I)


def _tone(label: str) -> int:
    if _NEGATIVE.search(label or ""):
        return -1
    return 1 if _POSITIVE.search(label or "") else 0


def _answers_negative_first(answers: list[dict]) -> list[dict]:
    """Version 1 gave answers in the question's order, often positive first
    ("Very satisfied" … "Dissatisfied"); version 2 wants negative first."""
    if len(answers) > 1 and _tone(answers[0]["label"]) > _tone(answers[-1]["label"]):
        return list(reversed(answers))
    return answers


def _figure_v2(figure: dict) -> dict:
    return {
        "code": figure.get("code"),
        "label": figure.get("label"),
        "place": figure.get("place"),
        "unit": figure.get("unit"),
        "starred": bool(figure.get("starred")),
        "period_value": figure.get("period_value"),
        "period_display": figure.get("period_display"),
        "value": figure.get("value"),
        "display": figure.get("display"),
        "marker": figure.get("marker"),
        "previous": figure.get("previous"),
        "footnote": figure.get("footnote"),
    }


def _sector_table(rows: list[dict]) -> dict:
    return {
        "type": "table",
        "title": _("Projects by sector and status"),
        "columns": [
            {"label": _("Sector"), "numeric": False},
            {"label": _("Completed"), "numeric": True},
            {"label": _("Ongoing"), "numeric": True},
            {"label": _("Preparation phase"), "numeric": True},
        ],
        "rows": [
            [
                str(r.get("sector") or ""),
                *(f"{r.get(k) or 0:,}" for k in ("completed", "ongoing", "preparation")),
            ]
            for r in rows
        ],
        "footer": None,
    }


def _section_v2(section: dict) -> dict:
    blocks: list[dict] = []
    if section.get("figures"):
        blocks.append({"type": "figures", "items": [_figure_v2(f) for f in section["figures"]]})
    if section.get("projects_by_sector_status"):
        blocks.append(_sector_table(section["projects_by_sector_status"]))
    split = section.get("gender_split")
    if split:
        blocks.append({"type": "gender", **split})
    return {"key": section.get("code"), "title": section.get("title"), "blocks": blocks}


def feedback_v2(question: dict) -> dict:
    answers = [
        {
            "code": a.get("code", a.get("label")),
            "label": a.get("label"),
            "count": a.get("count"),
            "share": a.get("share") or 0,
            "display": a.get("display"),
        }
        for a in question.get("answers") or []
    ]
    v1 = "base" not in question
    if v1:
        answers = _answers_negative_first(answers)
        tones = {_tone(a["label"]) for a in answers}
        kind = "likert" if len(answers) > 1 and len(tones) > 1 else "choice"
    else:
        kind = question.get("kind") or "choice"
    return {
        "question": question.get("question"),
        "code": question.get("code"),
        "kind": kind,
        "base": question.get("base", question.get("responses")),
        "aggregate": bool(question.get("aggregate")),
        "answers": answers,
        "average": question.get("average"),
        "scale_max": question.get("scale_max"),
    }


def payload_v2(payload: dict) -> dict:
    """``payload`` as version 2: unchanged (its feedback normalised) if it is
    version 2, else adapted from version 1 (a quarterly snapshot)."""
    if payload.get("version") == 2:
        return {**payload, "feedback": [feedback_v2(q) for q in payload.get("feedback") or []]}
    as_of = payload.get("as_of")
    return {
        **payload,
        "version": 2,
        "period": {
            "cadence": "quarterly",
            "start": payload.get("period_start"),
            "end": payload.get("quarter_end"),
            "label": payload.get("quarter_label"),
            "as_of_note": None,  # the template words it from as_of
            "compared_label": _("since last snapshot"),
            # Worded here, in the reader's language (cadence.period_words keeps these).
            "legacy": True,
        },
        "as_of": as_of,
        "headlines": [_figure_v2(f) for f in payload.get("headlines") or []],
        "sections": [_section_v2(s) for s in payload.get("sections") or []],
        "feedback": [feedback_v2(q) for q in payload.get("feedback") or []],
        "disclaimer": payload.get("disclaimer") or "",
        "contact": payload.get("contact") or "",
        "fingerprint": payload.get("fingerprint"),
        "verify_url": payload.get("verify_url"),
    }
