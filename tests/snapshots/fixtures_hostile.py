"""A hostile snapshot payload (version 2) for the PDF's geometry test: 18
governorates with long names, 12 questions of 5 answers, figures of 10 digits,
a three-page narrative, 10 stories with photos, long tables.

``hostile_payload()`` returns a fresh copy; ``write_photos(storage)`` saves the
photos it names (the same files as ``fixtures_pdf``).
"""

from __future__ import annotations

import copy

from tests.snapshots.fixtures_pdf import ATTRIBUTION, GOVERNORATES, MISSING_PHOTO, PHOTOS
from tests.snapshots.fixtures_pdf import write_photos as write_photos  # noqa: PLC0414

LONG = " and surrounding districts under joint administration"
WORDS = (
    "The community action plan was drafted with the municipality after three rounds of "
    "consultation, and its works were selected by the residents themselves; "
)


def _figure(n: int, value: int, *, display: str | None = None, starred=False) -> dict:
    return {
        "code": f"fig-{n}",
        "label": f"Beneficiaries supported through business support and enhancement packages {n}",
        "place": "Qayyarah emergency site and Hajj Ali camp" if n % 2 else None,
        "unit": "people",
        "starred": starred,
        "period_value": value // 7,
        "period_display": f"{value // 7:,}",
        "value": value,
        "display": display or f"{value:,}",
        "marker": ("increased", "corrected", None)[n % 3],
        "previous": value - 12345,
        "footnote": f"Figure {n}: counted from the distribution lists of the partner."
        if n % 4 == 0
        else None,
    }


def _table(title: str, rows: int) -> dict:
    return {
        "type": "table",
        "title": title,
        "columns": [
            {
                "label": "Sector of the project, as registered with the governorate",
                "numeric": False,
            },
            {"label": "Completed", "numeric": True},
            {"label": "Ongoing", "numeric": True},
            {"label": "Preparation phase", "numeric": True},
            {"label": "People reached (cumulative)", "numeric": True},
        ],
        "rows": [
            [
                f"Row {r + 1}: rehabilitation of water treatment networks and healthcare centres",
                f"{r * 3:,}",
                f"{r * 2:,}",
                f"{r:,}",
                f"{1234567890 + r:,}",
            ]
            for r in range(rows)
        ],
        "footer": ["Total", "—", "—", "—", "1,234,567,890"],
    }


def _story(n: int) -> dict:
    name, caption, credit, donor, gov = [p for p in PHOTOS if p[0] != MISSING_PHOTO][n % 7]
    return {
        "type": "story",
        "title": f"Story {n + 1}: a shop reopens in the old market of the city after three years",
        "text": "<p>"
        + WORDS * 3
        + "</p><p><strong>Sarbast</strong> now employs two apprentices.</p>",
        "photo": {
            "storage_name": name,
            "caption": caption,
            "credit": credit,
            "donor": donor,
            "governorate": gov + LONG,
        },
    }


def _question(n: int) -> dict:
    counts = [3 + n, 11, 25 + n, 140, 97 + 3 * n]
    base = sum(counts)
    labels = [
        "Very dissatisfied",
        "Dissatisfied",
        "Neither satisfied nor dissatisfied",
        "Satisfied",
        "Very satisfied",
    ]
    return {
        "question": f"Question {n + 1}: how satisfied are you with the quality and timeliness of the assistance you received?",
        "code": f"q{n + 1}",
        "kind": "likert",
        "base": base,
        "aggregate": False,
        "answers": [
            {
                "code": str(k + 1),
                "label": label,
                "count": c,
                "share": round(c / base * 100, 1),
                "display": f"{c / base * 100:.1f}%",
            }
            for k, (label, c) in enumerate(zip(labels, counts, strict=True))
        ],
        "average": round(sum((k + 1) * c for k, c in enumerate(counts)) / base, 1),
        "scale_max": 5,
    }


HOSTILE: dict = {
    "version": 2,
    "title": "Community Transition and Recovery Programme, Mosul response in retaken areas",
    "status": "published",
    "published_at": "2018-07-05T10:00:00+03:00",
    "as_of": "2018-06-30",
    "series": "CRP — quarterly",
    "period": {
        "cadence": "quarterly",
        "start": "2018-04-01",
        "end": "2018-06-30",
        "label": "Q2 2018",
        "as_of_note": "Figures as of 30 June 2018",
        "compared_label": "since last quarter",
    },
    "programmes": [
        {
            "code": "CRP",
            "name": "Community Revitalization Programme",
            "outcome_area": "",
            "outcome_area_label": "",
        }
    ],
    "multiplier": {"value": 6, "footnote": "Multiplied by 6 (average household size in Iraq)"},
    "headlines": [
        _figure(1, 1234567890, starred=True),
        _figure(2, 149391000, display="US$ 149,391,000"),
        _figure(3, 9876543210),
        _figure(4, 31346, starred=True),
        _figure(5, 4444444444, display="4,444,444,444,444"),
        _figure(6, 58),
    ],
    "contributions": {
        "total_usd": 32630000.0,
        "donors": [
            {"name": "United States of America", "usd": 24000000.0, "share": 73.5},
            {"name": "Germany", "usd": 3600000.0, "share": 11.0},
            {"name": "Canada", "usd": 3500000.0, "share": 10.8},
            {"name": "Sweden", "usd": 880000.0, "share": 2.7},
            {"name": "Japan", "usd": 650000.0, "share": 2.0},
        ],
    },
    "areas": {
        "name": "People reached",
        "values": [
            {
                "pcode": p,
                "name": f"{n} Governorate{LONG}",
                "name_ar": f"محافظة {ar} والأقضية المحيطة بها",
                "value": 1000000000 + v,
                "display": f"{1000000000 + v:,}",
            }
            for p, n, ar, v in GOVERNORATES
        ],
    },
    "sections": [
        {
            "key": "long",
            "title": "Local economies: a section whose narrative runs to three pages",
            "blocks": [
                {
                    "type": "narrative",
                    "html": "".join(
                        f'<p>{WORDS * 4}<span class="ref">918*</span> beneficiaries in Qayyarah.</p>'
                        for _ in range(30)
                    )
                    + "<ul>"
                    + "".join(f"<li>Item {i}: {WORDS}</li>" for i in range(10))
                    + "</ul>",
                },
                {
                    "type": "figures",
                    "items": [_figure(n, 1000000000 + n * 7919) for n in range(7, 13)],
                },
                _table("Projects by sector and status (long)", 45),
            ],
        },
        {
            "key": "stories",
            "title": "Stories from the field",
            "blocks": [_story(n) for n in range(10)],
        },
        {
            "key": "tables",
            "title": "Safer communities",
            "blocks": [
                {
                    "type": "narrative",
                    "html": '<p>Community policing <em>forums</em> met monthly.</p><script>alert(1)</script><p onclick="x">Safe text</p>',
                },
                _table("Split by population group", 6),
                {
                    "type": "gender",
                    "female": 1545,
                    "male": 1119,
                    "not_recorded": 3,
                    "female_display": "1,545",
                    "male_display": "1,119",
                    "not_recorded_display": "<5",
                },
            ],
        },
    ],
    "feedback": [_question(n) for n in range(12)],
    "population_groups": [
        {
            "code": "idp",
            "label": "Internally displaced persons in camps and informal settlements",
            "value": 1234567890,
            "display": "1,234,567,890",
        },
        {"code": "returnee", "label": "Returnees", "value": 14322, "display": "14,322"},
    ],
    "gender": {"female": 1234567890, "male": 987654321},
    "corrections": [],
    "photos": [
        {
            "storage_name": name,
            "caption": caption,
            "credit": credit,
            "donor": donor,
            "governorate": gov,
        }
        for name, caption, credit, donor, gov in PHOTOS[:3]
    ],
    "footnotes": [
        "* Figure is multiplied by 6 (average household size in Iraq).",
        "** Figure corrected from previous snapshot.",
    ],
    "disclaimer": "The opinions expressed within the Snapshot are those of the authors and do not necessarily reflect the views of the International Organization for Migration (IOM). "
    * 3,
    "contact": "IOM Iraq\nMain Office in Baghdad\nUNAMI Compound DIWAN 2\nInternational Zone, Baghdad, Iraq\nE-mail: iraqpublicinfo@iom.int",
    "attribution": ATTRIBUTION,
    "fingerprint": "3f2a9c1e0b77d4e5",
    "verify_url": "http://localhost:8000/snapshots/verify/",
}


def hostile_payload(**overrides) -> dict:
    """A fresh copy of the hostile payload, with top-level keys replaced."""
    payload = copy.deepcopy(HOSTILE)
    payload.update(overrides)
    return payload
