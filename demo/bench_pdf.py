"""The snapshot the benchmark prints: every section filled, as a reporting
officer would fill it (issue 13's benchmark): 6 sections, 12 headline figures,
4 tables, 5 stories with photos and narrative with 20 live references.

``BENCH`` is that content; ``bench_draft`` writes it into a new draft of a
series of its own through the authoring services (``demo.snapshots``), so the
benchmark measures the document a real draft makes.

``filled_payload`` fills a payload built from the database (version 1 or 2)
with blocks made from its own figures (pure: no database): what the benchmark
rendered before drafts had sections of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from demo.snapshot_content import (
    CONTACT,
    DISCLAIMER,
    SectionSpec,
    StoryTemplate,
    custom_table,
    figures,
    groups_table,
    narrative,
    sector_table,
)
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

_STORY = StoryTemplate(
    "A market reopens in $governorate",
    "After the assessment, the community of $governorate chose the works; the market reopened "
    "within three months. {people-reached governorate=$pcode} people have been reached in "
    "$governorate since the programme began.",
)

# 6 sections; 12 headline figures; 4 tables; 5 stories; 20 references in the narratives
# (the stories' references come on top).
BENCH: list[SectionSpec] = [
    SectionSpec(
        "accountability",
        "Accountability to Communities",
        [
            narrative(
                "Monitors made {monitoring-visits} visits, {monitoring-visits show=period} of "
                "them this quarter, and {feedback-responses} beneficiaries answered the survey. "
                "In Ninewa, {monitoring-visits governorate=IQG15} visits were made."
            ),
            figures(("monitoring-visits", "monitoring visits"), "feedback-responses"),
            groups_table("Direct recipients by population group"),
            _STORY,
        ],
        footnotes="Assessments include mappings, interviews, surveys and townhall meetings.",
    ),
    SectionSpec(
        "social_services",
        "Access to Basic Services",
        [
            narrative(
                "IOM rehabilitated {facilities-rehabilitated} facilities, "
                "{facilities-rehabilitated show=period} of them this quarter; "
                "**{facility-users} people** use them, {facility-users governorate=IQG15} "
                "in Ninewa.\n\n- {projects-completed} projects completed\n"
                "- {projects-ongoing} projects ongoing"
            ),
            figures(("facilities-rehabilitated", "facilities rehabilitated"), "facility-users"),
            sector_table("Infrastructure projects by sector and status"),
            _STORY,
        ],
        footnotes="The table includes quick impact and community service projects.",
    ),
    SectionSpec(
        "human_capital",
        "Enhancing Human Capital",
        [
            narrative(
                "{vt-trainees} people completed vocational training, {ojt-trainees} trained on "
                "the job and {bds-recipients} received business development services."
            ),
            figures("vt-trainees", "ojt-trainees"),
            custom_table(
                "Trainings",
                ("Vocational training", "vt-trainees"),
                ("On-the-job training", "ojt-trainees"),
                ("Business development services", "bds-recipients"),
                ("Farmer training", "farmer-trainees"),
            ),
            _STORY,
        ],
    ),
    SectionSpec(
        "local_economies",
        "Supporting Local Economies",
        [
            narrative(
                "{bsp-beneficiaries} beneficiaries were supported through {bsp-packages} "
                "business support packages, {bsp-beneficiaries district=Mosul} of them in "
                "Mosul."
            ),
            figures(
                ("bsp-beneficiaries district=Mosul", "beneficiaries supported through BSPs"),
                "bep-beneficiaries",
            ),
            custom_table(
                "Packages",
                ("Business support packages", "bsp-packages"),
                ("Business enhancement packages", "bep-packages"),
                ("Cash for work", "cash-for-work"),
            ),
            ("gender", {"ref": "direct-recipients"}),
            _STORY,
        ],
        footnotes="* Figure multiplied by 6 (average household size in Iraq).",
    ),
    SectionSpec(
        "good_governance",
        "Good Governance",
        [
            narrative(
                "{awareness-participants} people took part in awareness-raising sessions, "
                "{awareness-participants show=period} of them this quarter."
            ),
            figures("awareness-participants", "people-reached governorate=IQG13"),
            _STORY,
        ],
    ),
    SectionSpec(
        "safer_communities",
        "Safer Communities",
        [
            narrative(
                "{policing-trainees} people were trained in community policing, "
                "{policing-trainees governorate=IQG15} of them in Ninewa."
            ),
            figures("policing-trainees", "policing-trainees governorate=IQG15"),
        ],
    ),
]


def bench_draft(*, programmes, period_end: dt.date, photos: Sequence, user=None):
    """A new draft of a quarterly series of ``programmes`` (made here: call
    it inside a transaction that is rolled back) for the quarter ending
    ``period_end``, written with ``BENCH`` through the authoring services,
    its stories taking ``photos`` in turn. Returns the draft."""
    from demo.snapshots import draft_write
    from snapshots.authoring import series_create, snapshot_create

    series = series_create(
        programmes=programmes,
        cadence="quarterly",
        name="Benchmark",
        disclaimer=DISCLAIMER,
        contact=CONTACT,
        user=user,
    )
    draft = snapshot_create(
        series=series, period_end=period_end, title="Benchmark snapshot", user=user
    )
    draft_write(snapshot=draft, sections=BENCH, photos=photos)
    return draft


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
