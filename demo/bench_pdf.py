"""The snapshot the benchmark prints: every section filled, as a reporting
officer would fill it (issue 13's benchmark): 6 sections, 12 headline figures,
4 tables, 5 stories with photos and narrative with 20 references.

``filled_payload`` takes the payload built from the database (version 1 or 2)
and fills its sections with blocks made from its own figures, so the
benchmark measures the layout of a full document, not of an empty one. Pure:
no database.
"""

from __future__ import annotations

from snapshots.pdf_payload import payload_v2

SECTIONS = [
    ("human_capital", "Human capital"),
    ("good_governance", "Good governance"),
    ("social_services", "Access to social services"),
    ("local_economies", "Local economies"),
    ("safer_communities", "Safer communities"),
    ("accountability", "Accountability to communities"),
]
HEADLINES = 12
TABLES = 4
STORIES = 5
REFERENCES = 20
PLACES = ["Qayyarah", "Hajj Ali", "Mosul", "Hawija", "Fallujah", "Sinjar"]


def _figures(payload: dict) -> list[dict]:
    found = list(payload.get("headlines") or [])
    for section in payload.get("sections") or []:
        for block in section.get("blocks") or []:
            if block.get("type") == "figures":
                found.extend(block.get("items") or [])
    if not found:  # an empty database: invented figures, same layout
        found = [
            {
                "code": f"figure-{n}",
                "label": f"Figure {n}",
                "value": 1000 * n,
                "display": f"{1000 * n:,}",
            }
            for n in range(1, HEADLINES + 1)
        ]
    return found


def _item(figure: dict, n: int) -> dict:
    value = figure.get("value") or 0
    return {
        **figure,
        "place": PLACES[n % len(PLACES)] if n % 3 == 0 else None,
        "period_value": value // 4,
        "period_display": f"{value // 4:,}",
        "marker": ("increased", None, "corrected")[n % 3],
        "previous": int(value * 0.9),
        "footnote": "** Figure corrected from previous snapshot" if n % 3 == 2 else None,
    }


def _narrative(figures: list[dict], start: int, count: int) -> str:
    refs = [
        f'<span class="ref">{figures[(start + k) % len(figures)].get("display")}</span>'
        for k in range(count)
    ]
    sentences = " ".join(
        f"In the period, {ref} {figures[(start + k) % len(figures)].get('label', '').lower()} "
        "were recorded across the programme's areas, with <strong>community</strong> "
        "participation at every step."
        for k, ref in enumerate(refs)
    )
    return f"<p>{sentences}</p><ul><li>Assessment with the community</li><li>Works and follow-up</li></ul>"


def filled_payload(payload: dict, photo_names: list[str]) -> dict:
    """``payload`` (v1 or v2) as version 2 with every section filled; the
    stories use ``photo_names`` (storage names) in turn."""
    payload = payload_v2(payload)
    figures = _figures(payload)
    items = [_item(figures[n % len(figures)], n) for n in range(HEADLINES)]
    refs_per_section = [
        REFERENCES // len(SECTIONS) + (1 if i < REFERENCES % len(SECTIONS) else 0)
        for i in range(len(SECTIONS))
    ]
    sections = []
    for i, (key, title) in enumerate(SECTIONS):
        blocks: list[dict] = [
            {"type": "narrative", "html": _narrative(figures, 3 * i, refs_per_section[i])},
            {"type": "figures", "items": items[2 * i : 2 * i + 2]},
        ]
        if i < TABLES:
            blocks.append(
                {
                    "type": "table",
                    "title": f"{title}: projects by sector and status",
                    "columns": [
                        {"label": "Sector", "numeric": False},
                        {"label": "Completed", "numeric": True},
                        {"label": "Ongoing", "numeric": True},
                        {"label": "Preparation phase", "numeric": True},
                    ],
                    "rows": [
                        [
                            f"Sector {n + 1}",
                            f"{(n * 7 + i) % 30}",
                            f"{(n * 3 + i) % 12}",
                            f"{n % 4}",
                        ]
                        for n in range(8)
                    ],
                    "footer": ["Total", "—", "—", "—"],
                }
            )
        if i < STORIES and photo_names:
            name = photo_names[i % len(photo_names)]
            blocks.append(
                {
                    "type": "story",
                    "title": f"A story from {PLACES[i]}",
                    "text": "<p>After the assessment, the community chose the works; "
                    "the market reopened within three months.</p>",
                    "photo": {
                        "storage_name": name,
                        "caption": f"The market of {PLACES[i]} after its rehabilitation.",
                        "credit": "IOM Iraq",
                        "donor": "USA",
                        "governorate": "Ninewa",
                    },
                }
            )
        sections.append({"key": key, "title": title, "blocks": blocks})
    return {
        **payload,
        "headlines": items,
        "sections": sections,
        "footnotes": [*payload.get("footnotes", []), "** Figure corrected from previous snapshot"],
        "disclaimer": "The opinions expressed within the snapshot are those of the authors.",
        "contact": "IOM Iraq\nMain Office in Baghdad\niraqpublicinfo@iom.int",
    }
