"""A full snapshot payload (the contract in ``snapshots``), modelled on the
mission's second-quarter 2018 snapshot, with Arabic names and an Arabic quote; and
photos written to the default storage for it.

``full_payload()`` returns a fresh deep copy each time; ``write_photos(storage)``
saves the photos the payload names (all but ``MISSING_PHOTO``, which a PDF must skip).
"""

from __future__ import annotations

import copy
import functools
import io
import random

from django.core.files.base import ContentFile

AS_OF = "2018-06-30"
ATTRIBUTION = (
    'Administrative boundaries: Iraq Central Statistics Organization (CSO) / UN OCHA, "Iraq - Subnational '
    'Administrative Boundaries" (HDX, cod-ab-irq, 2019-06-03), CC BY-IGO 3.0. Simplified and re-attributed by '
    "this project. The boundaries and names shown do not imply official endorsement or acceptance by the "
    "United Nations."
)
FOOTNOTE = "* Multiplied by 6 (average household size in Iraq)."
ARABIC_QUOTE = "«عاد المحل يعمل وأولادي في المدرسة»"
MISSING_PHOTO = "snapshot-photos/test/missing.jpg"

GOVERNORATES = [
    ("IQG01", "Anbar", "الانبار", 1830),
    ("IQG02", "Basrah", "البصرة", 912),
    ("IQG03", "Muthanna", "المثنى", 0),
    ("IQG04", "Najaf", "النجف", 640),
    ("IQG05", "Qadissiya", "القادسية", 3),
    ("IQG06", "Sulaymaniyah", "السليمانية", 2210),
    ("IQG07", "Babylon", "بابل", 488),
    ("IQG08", "Baghdad", "بغداد", 1544),
    ("IQG09", "Dahuk", "دهوك", 2986),
    ("IQG10", "Diyala", "ديالى", 702),
    ("IQG11", "Erbil", "اربيل", 1968),
    ("IQG12", "Kerbala", "كربلاء", 356),
    ("IQG13", "Kirkuk", "كركوك", 4128),
    ("IQG14", "Missan", "ميسان", 517),
    ("IQG15", "Ninewa", "نينوى", 6354),
    ("IQG16", "Salah al-Din", "صلاح الدين", 2275),
    ("IQG17", "Thi-Qar", "ذي قار", 433),
    ("IQG18", "Wassit", "واسط", 0),
]


def _display(value: int, unit: str = "people") -> str:
    """As the dashboards print it: small counts of people are hidden."""
    return "<5" if unit in ("people", "households") and 0 < value < 5 else f"{value:,}"


def figure(code, label, value, *, unit="people", starred=False, marker=None, previous=None) -> dict:
    return {
        "code": code,
        "label": label,
        "value": value,
        "display": _display(value, unit),
        "unit": unit,
        "starred": starred,
        "as_of": AS_OF,
        "marker": marker,
        "previous": previous,
    }


PHOTOS = [
    (
        "snapshot-photos/test/cover.jpg",
        "IOM staff meeting members of Al-Eziri village in Hawija to identify the village's problems.",
        "Thikra Al-Bayaty",
        "USA",
        "Kirkuk",
    ),
    (
        "snapshot-photos/test/interview.jpg",
        "An interview with a returnee in Hay Al Tahrir, Mosul, for her potential selection as a beneficiary.",
        "Marwa Al-Naamat",
        "USA",
        "Ninewa",
    ),
    (
        "snapshot-photos/test/upholstery.jpg",
        "Sarbast opened a car-seat upholstery shop with the toolkit he received.",
        "Tazhan Shareef",
        "USA",
        "Sulaymaniyah",
    ),
    (MISSING_PHOTO, "A photo whose file was deleted.", "Nobody", "USA", "Basrah"),
    (
        "snapshot-photos/test/greenhouse.jpg",
        "Refugees selling the produce of the Kanipanka green houses.",
        "Hassan Karim",
        "USA",
        "Sulaymaniyah",
    ),
    (
        "snapshot-photos/test/shop.jpg",
        f"A shop owner in Fallujah: {ARABIC_QUOTE}",
        "Mohanned Kanoosh",
        "Germany",
        "Anbar",
    ),
    (
        "snapshot-photos/test/policing.jpg",
        "A stakeholder exercise with law enforcement agents in Alqadisiya Al-Thania.",
        "Abdulrahman Sinur",
        "Canada",
        "Ninewa",
    ),
    (
        "snapshot-photos/test/park.jpg",
        "The rehabilitated park in Gwer sub-district.",
        "Nadya Al-aghidi",
        "Canada",
        "Ninewa",
    ),
]

FULL_PAYLOAD: dict = {
    "version": 1,
    "title": "Return and Recovery Programme",
    "programmes": [
        {
            "code": "RRP",
            "name": "Return and Recovery Programme",
            "outcome_area": "social_services",
            "outcome_area_label": "Improving access to social services",
        }
    ],
    "quarter_end": "2018-06-30",
    "quarter_label": "Q2 2018",
    "period_start": "2018-01-01",
    "as_of": AS_OF,
    "status": "published",
    "published_at": "2018-07-05T10:00:00+03:00",
    "multiplier": {"value": 6, "footnote": "Multiplied by 6 (average household size in Iraq)"},
    "headlines": [
        figure(
            "people-reached",
            "People reached",
            31346,
            starred=True,
            marker="increased",
            previous=27010,
        ),
        figure(
            "projects", "Community projects", 58, unit="projects", marker="increased", previous=51
        ),
        figure(
            "bsp-beneficiaries",
            "Beneficiaries supported through business support packages",
            2664,
            starred=True,
        ),
        figure("visits", "Monitoring visits", 412, unit="records"),
        figure("governorates", "Governorates reached", 16, unit="units"),
        figure("feedback-responses", "Beneficiaries who gave feedback", 340, unit="records"),
    ],
    "contributions": {
        "total_usd": 27460000.0,
        "donors": [
            {"name": "USA", "usd": 19300000.0, "share": 70.28},
            {"name": "Canada", "usd": 3990000.0, "share": 14.53},
            {"name": "Germany", "usd": 3070000.0, "share": 11.18},
            {"name": "Sweden", "usd": 1100000.0, "share": 4.01},
        ],
    },
    "areas": {
        "name": "People reached",
        "values": [
            {"pcode": p, "name": n, "name_ar": ar, "value": v, "display": _display(v)}
            for p, n, ar, v in GOVERNORATES
        ],
    },
    "sections": [
        {
            "code": "accountability",
            "title": "Accountability to communities",
            "figures": [
                figure("mappings", "Service point mappings conducted", 5, unit="units"),
                figure("interviews", "Key informant interviews conducted", 5, unit="units"),
                figure(
                    "meetings",
                    "Townhall meetings conducted",
                    5,
                    unit="units",
                    marker="increased",
                    previous=3,
                ),
                figure("surveys", "Household surveys conducted", 5, unit="units"),
                figure("workshops", "Community members workshops", 3, unit="units"),
            ],
            "projects_by_sector_status": None,
            "gender_split": None,
        },
        {
            "code": "social_services",
            "title": "Access to basic services",
            "figures": [
                figure(
                    "qip",
                    "Quick impact projects",
                    56,
                    unit="projects",
                    marker="increased",
                    previous=48,
                ),
                figure("csp", "Community service projects", 2, unit="projects"),
                figure("cpo", "Community policing offices in planning stage", 7, unit="projects"),
                figure(
                    "students",
                    "Refugee students provided with transportation",
                    166,
                    marker="corrected",
                    previous=160,
                ),
            ],
            "projects_by_sector_status": [
                {"sector": "Infrastructure", "completed": 5, "ongoing": 11, "preparation": 2},
                {"sector": "Education", "completed": 24, "ongoing": 4, "preparation": 1},
                {"sector": "Health", "completed": 9, "ongoing": 2, "preparation": 0},
                {"sector": "Water and sanitation", "completed": 7, "ongoing": 1, "preparation": 2},
                {"sector": "Community centres", "completed": 1, "ongoing": 0, "preparation": 1},
                {
                    "sector": "Materials and equipment provision",
                    "completed": 4,
                    "ongoing": 0,
                    "preparation": 0,
                },
            ],
            "gender_split": None,
        },
        {
            "code": "human_capital",
            "title": "Enhancing human capital",
            "figures": [
                figure(
                    "vt",
                    "Beneficiaries of vocational training",
                    404,
                    marker="increased",
                    previous=310,
                ),
                figure("ojt", "Beneficiaries of on-the-job training", 116),
                figure("bds", "Business development services provided", 330, unit="units"),
            ],
            "projects_by_sector_status": None,
            "gender_split": None,
        },
        {
            "code": "local_economies",
            "title": "Supporting local economies",
            "figures": [
                figure(
                    "bsp-beneficiaries",
                    "Beneficiaries supported through business support packages",
                    2664,
                    starred=True,
                    marker="increased",
                    previous=2400,
                ),
                figure(
                    "bep-beneficiaries",
                    "Beneficiaries supported through business enhancement packages",
                    354,
                    starred=True,
                    marker="corrected",
                    previous=330,
                ),
                figure("factories", "Wool and carpet factory established", 1, unit="units"),
            ],
            "projects_by_sector_status": None,
            "gender_split": {"female": 1545, "male": 1119},
        },
        {
            "code": "good_governance",
            "title": "Good governance",
            "figures": [
                figure("cap-meetings", "Community action plan meetings", 4, unit="units"),
                figure("cap", "Community action plans developed", 48, unit="units"),
            ],
            "projects_by_sector_status": None,
            "gender_split": None,
        },
        {
            "code": "safer_communities",
            "title": "Safer communities",
            "figures": [
                figure(
                    "cp-trained",
                    "Community members and officials trained in community policing",
                    145,
                ),
                figure("cp-offices", "Community policing offices", 7, unit="projects"),
            ],
            "projects_by_sector_status": None,
            "gender_split": None,
        },
    ],
    "feedback": [
        {
            "question": "How satisfied are you with the assistance?",
            "responses": 340,
            "answers": [
                {"label": "Very satisfied", "count": 156, "share": 45.9},
                {"label": "Satisfied", "count": 173, "share": 50.9},
                {"label": "Average", "count": 8, "share": 2.4},
                {"label": "Dissatisfied", "count": 3, "share": 0.9},
            ],
        },
        {
            "question": "How helpful was IOM staff during the training?",
            "responses": 273,
            "answers": [
                {"label": "Very satisfied", "count": 134, "share": 49.1},
                {"label": "Satisfied", "count": 134, "share": 49.1},
                {"label": "Average", "count": 5, "share": 1.8},
            ],
        },
        {
            "question": "How good is the training material?",
            "responses": 273,
            "answers": [
                {"label": "Very satisfied", "count": 126, "share": 46.2},
                {"label": "Satisfied", "count": 141, "share": 51.6},
                {"label": "Dissatisfied", "count": 6, "share": 2.2},
            ],
        },
    ],
    "population_groups": [
        {"code": "idp", "label": "IDPs", "value": 12410, "display": "12,410"},
        {"code": "returnee", "label": "Returnees", "value": 14322, "display": "14,322"},
        {"code": "host", "label": "Host community members", "value": 4611, "display": "4,611"},
        {"code": "refugee", "label": "Refugees", "value": 3, "display": "<5"},
    ],
    "gender": {"female": 16212, "male": 15134},
    "corrections": [
        {
            "code": "students",
            "label": "Refugee students provided with transportation",
            "period": "Q1 2018",
            "old": 160,
            "new": 166,
            "old_display": "160",
            "new_display": "166",
        },
        {
            "code": "bep-beneficiaries",
            "label": "Beneficiaries supported through business enhancement packages",
            "period": "Q1 2018",
            "old": 330,
            "new": 354,
            "old_display": "330",
            "new_display": "354",
        },
    ],
    "photos": [
        {
            "storage_name": name,
            "caption": caption,
            "credit": credit,
            "donor": donor,
            "governorate": gov,
        }
        for name, caption, credit, donor, gov in PHOTOS
    ],
    "footnotes": [FOOTNOTE],
    "attribution": ATTRIBUTION,
}


def full_payload(**overrides) -> dict:
    """A fresh copy of the full payload, with top-level keys replaced."""
    payload = copy.deepcopy(FULL_PAYLOAD)
    payload.update(overrides)
    return payload


def empty_payload(**overrides) -> dict:
    """A portfolio with nothing yet: no figures, donors, feedback or photos."""
    payload = full_payload(
        status="draft",
        published_at=None,
        multiplier=None,
        headlines=[],
        contributions={"total_usd": 0.0, "donors": []},
        areas={"name": "People reached", "values": []},
        sections=[],
        feedback=[],
        population_groups=[],
        gender=None,
        corrections=[],
        photos=[],
        footnotes=[],
    )
    payload.update(overrides)
    return payload


@functools.cache
def _photo_bytes(seed: int, size=(2400, 1600)) -> bytes:
    """A camera-sized JPEG with a photo's mix of smooth areas and detail.
    Made once a process: the blur and the noise took about half a second a
    photo, for the seven photos of each of the three modules that print them."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    tint = Image.new("RGB", size, tuple(rng.randint(60, 200) for _ in range(3)))
    image = Image.blend(image, tint, 0.6)
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randint(20, 260)
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=tuple(rng.randint(0, 255) for _ in range(3))
        )
    image = image.filter(ImageFilter.GaussianBlur(3))
    noise = Image.effect_noise(size, 18).convert("RGB")
    image = Image.blend(image, noise, 0.12)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def write_photos(storage) -> list[str]:
    """Save the payload's photos (not MISSING_PHOTO) to ``storage``; their names."""
    names = []
    for index, (name, *_rest) in enumerate(PHOTOS):
        if name == MISSING_PHOTO:
            continue
        if storage.exists(name):
            storage.delete(name)
        names.append(storage.save(name, ContentFile(_photo_bytes(index))))
    return names
