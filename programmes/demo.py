"""Demo and benchmark data, generated from a seed.

Two modes, both deterministic for a given seed (``numpy.random.Generator`` and
``random.Random`` seeded from it, fixed dates, no ``date.today()``):

- ``demo_load`` (the demo stack): reference data modelled on the IOM Iraq
  snapshot reports (programmes, donors and contributions, sectors, activity
  types, a feedback survey), the demo users, ~160 ``DEMO-`` projects in all 18
  governorates and, on those projects, ~5,000 assistance records with their
  recipient breakdown (the 32 sex x age group x population group columns of
  the record), monitoring visits, referrals and feedback responses.
- ``scale_load`` (benchmarks): the same reference data, ``BENCH-`` projects
  and N assistance records shaped like docs/BENCHMARK.md, generated with numpy
  and loaded with PostgreSQL ``COPY`` in chunks (a million records in well
  under a minute on two cores).

Re-running is idempotent. Reference data is synchronised on natural keys
(codes, references, user names) and saved only when a value differs, so a
second run writes no row and no history entry. Generated records (assistance
with its recipient breakdown, visits, referrals, feedback) are owned by their
mode's projects: each run deletes them and generates them again in the same
transaction, so the result depends on the seed alone, never on what an
earlier run left. The deletes are plain SQL, not ``QuerySet.delete()``, so that resetting the demo
writes no history rows either.

The generated records bypass ``save()`` (bulk_create, COPY) and so have no
history entries, which is fine for made-up data.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import DateTimeField, F
from django.db.models.functions import Cast

from beneficiaries.models import (
    RECIPIENT_CELLS,
    RECIPIENT_FIELDS,
    ActivityType,
    AgeGroup,
    Answer,
    AssistanceRecord,
    FeedbackResponse,
    MonitoringVisit,
    Photo,
    PopulationGroup,
    Question,
    Referral,
    ReviewStatus,
    Sex,
    Survey,
)
from programmes.models import (
    Contribution,
    Donor,
    Governorate,
    Programme,
    Project,
    Sector,
    UserProfile,
)

Log = Callable[[str], None]

DEFAULT_SEED = 2018
DEMO_PASSWORD = "iomdash-demo"
#: Bump when the generated data changes shape, so a benchmark rebuilds its database.
GENERATOR_VERSION = 2

DEMO_PREFIX = "DEMO-"
BENCH_PREFIX = "BENCH-"
# The demo covers 2016-Q1 to 2026-Q3; the benchmark ten years of months.
DEMO_FIRST_DAY = date(2016, 1, 1)
SCALE_FIRST_DAY = date(2016, 10, 1)
AS_OF = date(2026, 9, 30)

DEMO_RECORDS = 5_000
DEMO_VISITS = 1_200
SCALE_CHUNK = 100_000
MAX_PROJECT_SHARE = 0.02  # no project holds more than this share of the records
HOUSEHOLD_SIZE_SHARE = 0.30
HOUSEHOLD_SIZE_RANGE = (1, 15)

SEXES = [Sex.FEMALE.value, Sex.MALE.value]
AGE_GROUPS = [g.value for g in AgeGroup]  # 0-5, 6-17, 18-59, 60+
POPULATION_GROUPS = [g.value for g in PopulationGroup]  # idp, returnee, host, refugee
STATUSES = [
    ReviewStatus.APPROVED.value,
    ReviewStatus.SUBMITTED.value,
    ReviewStatus.DRAFT.value,
    ReviewStatus.RETURNED.value,
]
APPROVED, SUBMITTED, DRAFT, RETURNED = range(4)
EPOCH = date(1970, 1, 1)


def _cell_columns() -> np.ndarray:
    """The breakdown column (index into RECIPIENT_FIELDS) of each cell, as
    [sex, age group, population group] (indices into SEXES, AGE_GROUPS and
    POPULATION_GROUPS); taken from RECIPIENT_CELLS, so its order is the model's."""
    columns = np.zeros((len(SEXES), len(AGE_GROUPS), len(POPULATION_GROUPS)), dtype=np.int64)
    for i, (sex, age, group, _name) in enumerate(RECIPIENT_CELLS):
        columns[SEXES.index(sex), AGE_GROUPS.index(age), POPULATION_GROUPS.index(group)] = i
    return columns


CELL_COLUMN = _cell_columns()

# --- Reference data -----------------------------------------------------------------
# Donors as the snapshots name them; ``weight`` sets their share of contributions
# (USA about 70%, as on the 2017 and 2018 snapshots).
DONORS = [
    # code, name, kind, weight
    ("USA", "USA", Donor.Kind.GOVERNMENT, 0.56),
    ("DEU", "Germany", Donor.Kind.GOVERNMENT, 0.10),
    ("CAN", "Canada", Donor.Kind.GOVERNMENT, 0.07),
    ("EU", "European Union", Donor.Kind.INSTITUTION, 0.06),
    ("SWE", "Sweden", Donor.Kind.GOVERNMENT, 0.035),
    ("JPN", "Japan", Donor.Kind.GOVERNMENT, 0.03),
    ("GBR", "United Kingdom", Donor.Kind.GOVERNMENT, 0.02),
]

DONOR_WEIGHTS = {code: weight for code, _name, _kind, weight in DONORS}

SECTORS = [
    ("education", "Education"),
    ("health", "Health"),
    ("water-sanitation", "Water and sanitation"),
    ("energy", "Energy"),
    ("recreation", "Recreational facilities"),
    ("community-centres", "Community centres"),
    ("livelihoods", "Livelihoods"),
    ("agriculture", "Agriculture"),
    ("shelter-nfi", "Shelter and non-food items"),
    ("protection", "Protection"),
    ("materials-equipment", "Materials and equipment provision"),
    ("community-policing", "Community policing"),
    ("governance", "Local governance"),
]

# Age profiles of direct recipients: shares of 0-5, 6-17, 18-59, 60+.
AGE_PROFILES = {
    "adult": (0.0, 0.06, 0.88, 0.06),
    "all": (0.14, 0.30, 0.46, 0.10),
    "children": (0.50, 0.50, 0.0, 0.0),
    "youth": (0.0, 0.60, 0.40, 0.0),
}


@dataclass(frozen=True)
class ActivitySpec:
    """An activity type and the shape of one delivery of it: ``units`` and
    ``people_per_unit`` ranges, households per person, share of women and girls."""

    code: str
    name: str
    unit: str
    sectors: tuple[str, ...]
    units: tuple[int, int]
    people_per_unit: tuple[int, int]
    households_per_person: float
    female: float
    ages: str


ACTIVITIES = [
    ActivitySpec("vocational-training", "Vocational training", "trainee", ("livelihoods", "education"), (5, 30), (1, 1), 1.0, 0.45, "adult"),
    ActivitySpec("on-the-job-training", "On-the-job training", "trainee", ("livelihoods",), (3, 20), (1, 1), 1.0, 0.30, "adult"),
    ActivitySpec("business-development-services", "Business development services", "service", ("livelihoods",), (5, 60), (1, 1), 1.0, 0.40, "adult"),
    ActivitySpec("business-support-package", "Business support package", "package", ("livelihoods",), (1, 30), (1, 1), 1.0, 0.35, "adult"),
    ActivitySpec("business-enhancement-package", "Business enhancement package", "package", ("livelihoods",), (1, 15), (1, 1), 1.0, 0.30, "adult"),
    ActivitySpec("farmer-training", "Farmer training", "trainee", ("agriculture", "livelihoods"), (5, 30), (1, 1), 1.0, 0.30, "adult"),
    ActivitySpec("cash-for-work", "Cash for work", "worker", ("livelihoods", "water-sanitation", "recreation", "energy"), (10, 80), (1, 1), 1.0, 0.20, "adult"),
    ActivitySpec("multipurpose-cash", "Multipurpose cash assistance", "transfer", ("protection", "shelter-nfi", "livelihoods"), (10, 120), (1, 1), 1.0, 0.55, "adult"),
    ActivitySpec("nfi-kit", "Non-food item (NFI) kit", "kit", ("shelter-nfi",), (20, 200), (1, 1), 1.0, 0.50, "adult"),
    ActivitySpec("start-up-toolkit", "Start-up toolkit", "toolkit", ("livelihoods",), (3, 25), (1, 1), 1.0, 0.35, "adult"),
    ActivitySpec("job-placement", "Job placement", "placement", ("livelihoods",), (2, 20), (1, 1), 1.0, 0.35, "adult"),
    ActivitySpec("small-grant", "Small and medium enterprise grant", "grant", ("livelihoods", "agriculture", "governance"), (1, 8), (1, 3), 1.0, 0.30, "adult"),
    ActivitySpec("infrastructure-rehabilitation", "Rehabilitation of infrastructure", "facility", ("education", "health", "water-sanitation", "energy", "recreation", "community-centres", "community-policing"), (1, 1), (80, 3000), 0.17, 0.50, "all"),
    ActivitySpec("equipment-provision", "Provision of materials and equipment", "kit", ("materials-equipment", "health", "education", "community-policing"), (1, 20), (3, 40), 0.25, 0.40, "adult"),
    ActivitySpec("community-policing-training", "Community policing training", "trainee", ("community-policing",), (10, 40), (1, 1), 1.0, 0.15, "adult"),
    ActivitySpec("awareness-session", "Awareness-raising session", "session", ("community-policing", "health", "governance"), (1, 6), (15, 60), 0.8, 0.50, "youth"),
    ActivitySpec("psychosocial-support", "Psychosocial support session", "session", ("health", "protection", "community-centres"), (1, 10), (5, 20), 0.7, 0.60, "all"),
    ActivitySpec("childcare-services", "Childcare services", "child place", ("community-centres", "education"), (10, 60), (1, 1), 0.8, 0.50, "children"),
    ActivitySpec("transportation-services", "Transportation services for students", "student place", ("education",), (20, 120), (1, 1), 0.8, 0.50, "youth"),
    ActivitySpec("internet-centre-access", "Community access centre visits", "visit", ("community-centres",), (50, 600), (1, 1), 0.5, 0.40, "youth"),
    ActivitySpec("community-action-planning", "Community action planning meeting", "meeting", ("governance",), (1, 3), (10, 40), 0.9, 0.35, "adult"),
]  # fmt: skip


@dataclass(frozen=True)
class ProgrammeSpec:
    """A programme, where it works (None: everywhere), who funds it, what it
    delivers, and its demo size (projects, budget per year)."""

    code: str
    name: str
    outcome_area: str
    start: date
    end: date | None
    governorates: tuple[str, ...] | None
    donors: tuple[str, ...]
    activities: tuple[str, ...]
    sectors: tuple[str, ...]
    demo_projects: int
    annual_budget: int
    population: tuple[float, float, float, float] | None = None


OA = Programme.OutcomeArea
RETAKEN = ("IQG15", "IQG16", "IQG01", "IQG13", "IQG10")
KRI = ("IQG11", "IQG09", "IQG06")
PROGRAMMES = [
    ProgrammeSpec(
        "CRP", "Community Revitalization Programme", OA.LOCAL_ECONOMIES, date(2011, 6, 1), None, None,
        ("USA", "DEU", "CAN", "SWE", "EU"),
        ("vocational-training", "on-the-job-training", "business-development-services", "business-support-package",
         "business-enhancement-package", "farmer-training", "start-up-toolkit", "job-placement", "cash-for-work",
         "small-grant", "infrastructure-rehabilitation", "childcare-services", "internet-centre-access",
         "transportation-services", "awareness-session", "community-action-planning", "community-policing-training"),
        ("livelihoods", "agriculture", "education", "health", "water-sanitation", "energy", "recreation",
         "community-centres", "governance", "community-policing"),
        40, 12_000_000,
    ),
    ProgrammeSpec(
        "RRP", "Rapid Recovery Programme", OA.SOCIAL_SERVICES, date(2016, 10, 1), date(2021, 12, 31), RETAKEN,
        ("USA", "DEU", "JPN", "GBR"),
        ("business-support-package", "business-enhancement-package", "cash-for-work", "infrastructure-rehabilitation",
         "nfi-kit", "multipurpose-cash", "equipment-provision"),
        ("livelihoods", "education", "health", "water-sanitation", "energy", "shelter-nfi", "materials-equipment"),
        24, 6_000_000,
    ),
    ProgrammeSpec(
        "3RP", "Regional Refugee and Resilience Plan", OA.HUMAN_CAPITAL, date(2015, 1, 1), date(2026, 12, 31), KRI,
        ("USA", "DEU", "CAN", "EU", "JPN"),
        ("vocational-training", "on-the-job-training", "business-development-services", "start-up-toolkit",
         "job-placement", "farmer-training", "transportation-services", "multipurpose-cash", "psychosocial-support",
         "nfi-kit", "childcare-services", "internet-centre-access"),
        ("livelihoods", "agriculture", "education", "protection", "shelter-nfi", "health", "community-centres"),
        20, 4_000_000, (0.10, 0.0, 0.30, 0.60),
    ),
    ProgrammeSpec(
        "CPP", "Community Policing Programme", OA.SAFER_COMMUNITIES, date(2014, 4, 1), None, None,
        ("USA", "CAN", "GBR", "EU", "SWE"),
        ("community-policing-training", "equipment-provision", "awareness-session", "infrastructure-rehabilitation",
         "community-action-planning"),
        ("community-policing", "materials-equipment", "governance"),
        16, 2_500_000,
    ),
    ProgrammeSpec(
        "SIP", "Special Impact Project", OA.SOCIAL_SERVICES, date(2017, 7, 1), date(2020, 6, 30),
        ("IQG02", "IQG14", "IQG17", "IQG03", "IQG07", "IQG04", "IQG12", "IQG05", "IQG18", "IQG08"),
        ("USA", "SWE", "JPN"),
        ("infrastructure-rehabilitation", "equipment-provision", "cash-for-work", "awareness-session",
         "transportation-services"),
        ("education", "health", "water-sanitation", "energy", "recreation", "materials-equipment"),
        12, 2_000_000,
    ),
    ProgrammeSpec(
        "EDF", "Enterprise Development Fund", OA.LOCAL_ECONOMIES, date(2019, 7, 1), None, None,
        ("USA", "DEU", "EU", "SWE", "GBR"),
        ("small-grant", "business-development-services", "business-enhancement-package", "job-placement",
         "on-the-job-training", "farmer-training", "start-up-toolkit"),
        ("livelihoods", "agriculture"),
        20, 8_000_000,
    ),
    ProgrammeSpec(
        "WASL", "Wasl Civil Society Fund", OA.GOOD_GOVERNANCE, date(2020, 1, 1), None, None,
        ("USA", "EU", "SWE", "CAN"),
        ("community-action-planning", "awareness-session", "small-grant", "psychosocial-support",
         "internet-centre-access", "community-policing-training"),
        ("governance", "community-centres", "protection", "community-policing"),
        12, 1_500_000,
    ),
    ProgrammeSpec(
        "FAP", "Family Assistance Project", OA.SOCIAL_SERVICES, date(2021, 3, 1), None,
        ("IQG15", "IQG01", "IQG16", "IQG13", "IQG08"),
        ("USA", "DEU", "JPN", "EU"),
        ("multipurpose-cash", "nfi-kit", "psychosocial-support", "vocational-training", "business-support-package",
         "childcare-services", "start-up-toolkit"),
        ("protection", "shelter-nfi", "livelihoods", "health", "community-centres"),
        16, 3_000_000, (0.45, 0.35, 0.20, 0.0),
    ),
]  # fmt: skip
PROGRAMME_DESCRIPTIONS = {
    "CRP": "Stabilises communities with many IDPs and returnees: livelihoods, services, social cohesion.",
    "RRP": "Restarts small businesses and basic services right after areas are retaken (Mosul response).",
    "3RP": "Emergency and livelihood assistance to Syrian refugees and their host communities.",
    "CPP": "Builds trust between security actors and communities: training, fora, police offices.",
    "SIP": "Quick, visible rehabilitation of services in the centre and south.",
    "EDF": "Grants to small and medium enterprises that create jobs.",
    "WASL": "Grants and support to civil society organisations.",
    "FAP": "Cash, kits and psychosocial support to families returning from camps.",
}

# Where operations concentrate (relative weights) and the districts named in project names.
GOVERNORATES = {
    "IQG01": (1.6, ("Ramadi", "Falluja", "Heet", "Al-Qaim")),
    "IQG02": (0.8, ("Basrah", "Abu Al-Khaseeb", "Zubair")),
    "IQG03": (0.3, ("Samawa", "Rumaitha")),
    "IQG04": (0.5, ("Najaf", "Kufa")),
    "IQG05": (0.4, ("Diwaniya", "Afaq")),
    "IQG06": (1.0, ("Sulaymaniyah", "Halabja", "Kalar", "Darbandikhan")),
    "IQG07": (0.6, ("Hilla", "Mahawil", "Musayab")),
    "IQG08": (1.2, ("Karkh", "Resafa", "Abu Ghraib", "Mahmoudiya")),
    "IQG09": (1.3, ("Duhok", "Zakho", "Sumel", "Amedi")),
    "IQG10": (1.0, ("Baquba", "Khanaqin", "Muqdadiya")),
    "IQG11": (1.3, ("Erbil", "Makhmour", "Koysinjaq", "Shaqlawa")),
    "IQG12": (0.5, ("Kerbala", "Al-Hindiya")),
    "IQG13": (1.4, ("Kirkuk", "Hawija", "Daquq", "Dibis")),
    "IQG14": (0.5, ("Amara", "Al-Maimouna")),
    "IQG15": (3.0, ("Mosul", "Al-Hamdaniya", "Telafar", "Sinjar", "Qayyarah")),
    "IQG16": (1.5, ("Tikrit", "Samarra", "Baiji", "Tooz")),
    "IQG17": (0.6, ("Nassriya", "Al-Shatra", "Suq Al-Shoyokh")),
    "IQG18": (0.4, ("Kut", "Al-Suwaira")),
}
# Shares of IDPs, returnees, host community and refugees among recipients, by area.
POPULATION_BY_AREA = {
    "kri": (0.42, 0.05, 0.30, 0.23),
    "retaken": (0.33, 0.42, 0.23, 0.02),
    "other": (0.22, 0.18, 0.58, 0.02),
}
SECTOR_PROJECT_NAMES = {
    "education": (
        "Rehabilitation of primary school",
        "School furniture and heating",
        "Transport for students",
    ),
    "health": ("Rehabilitation of primary health care centre", "Medical equipment for hospital"),
    "water-sanitation": ("Rehabilitation of water treatment network", "Sewage network repair"),
    "energy": ("Solar street lighting", "Rehabilitation of electricity substation"),
    "recreation": ("Youth sports field", "Public park rehabilitation"),
    "community-centres": ("Community access centre", "Women's centre and childcare"),
    "livelihoods": (
        "Business support packages",
        "Vocational training courses",
        "Marketplace construction",
    ),
    "agriculture": ("Farmer training and livestock", "Greenhouses for refugee farmers"),
    "shelter-nfi": ("Winterisation kits", "Household item distribution"),
    "protection": ("Cash and case management", "Psychosocial support"),
    "materials-equipment": ("Equipment for municipal services", "IT equipment for directorates"),
    "community-policing": ("Community policing office", "Community policing forum"),
    "governance": ("Community action plans", "Support to civil society"),
}
SECTOR_KINDS = {
    "livelihoods": (Project.Kind.LIVELIHOODS, Project.Kind.TRAINING),
    "agriculture": (Project.Kind.TRAINING, Project.Kind.LIVELIHOODS),
    "community-policing": (Project.Kind.POLICING_OFFICE, Project.Kind.TRAINING),
    "materials-equipment": (Project.Kind.OTHER,),
    "governance": (Project.Kind.ASSESSMENT, Project.Kind.OTHER),
    "shelter-nfi": (Project.Kind.OTHER,),
    "protection": (Project.Kind.OTHER,),
    "water-sanitation": (Project.Kind.QIP, Project.Kind.CSP, Project.Kind.INFRASTRUCTURE),
    "energy": (Project.Kind.QIP, Project.Kind.INFRASTRUCTURE),
}
BUDGETS = {  # US$ range by project kind
    Project.Kind.QIP: (20_000, 150_000),
    Project.Kind.CSP: (50_000, 400_000),
    Project.Kind.INFRASTRUCTURE: (150_000, 1_200_000),
    Project.Kind.TRAINING: (30_000, 250_000),
    Project.Kind.LIVELIHOODS: (50_000, 600_000),
    Project.Kind.POLICING_OFFICE: (40_000, 300_000),
    Project.Kind.ASSESSMENT: (10_000, 80_000),
    Project.Kind.OTHER: (20_000, 300_000),
}

SURVEY_CODE = "beneficiary-feedback"
SURVEY_TITLE = "Beneficiary and stakeholder feedback"
# code, text, kind, [(answer code, label, share of answers)]
QUESTIONS = [
    ("satisfaction", "How satisfied are you with the assistance you received?", Question.Kind.LIKERT, [
        ("5", "Very satisfied", 0.46), ("4", "Satisfied", 0.31), ("3", "Neither satisfied nor dissatisfied", 0.12),
        ("2", "Dissatisfied", 0.07), ("1", "Not satisfied at all", 0.04)]),
    ("usefulness", "How useful was the assistance for you and your household?", Question.Kind.LIKERT, [
        ("5", "Very useful", 0.52), ("4", "Useful", 0.28), ("3", "Somewhat useful", 0.11),
        ("2", "Not very useful", 0.06), ("1", "Not useful at all", 0.03)]),
    ("needs-met", "Did IOM staff provide the advice or training you needed?", Question.Kind.CHOICE, [
        ("yes", "Yes", 0.89), ("no", "No", 0.02), ("not-specified", "Not specified", 0.09)]),
    ("heard-from", "How did you hear about the programme?", Question.Kind.CHOICE, [
        ("community-leader", "Community leader or mukhtar", 0.31), ("iom-staff", "IOM staff or outreach team", 0.24),
        ("friends-family", "Friends or family", 0.22), ("local-authority", "Local authorities", 0.12),
        ("social-media", "Social media", 0.08), ("other", "Other", 0.03)]),
    ("reason-joined", "Why did you join the programme?", Question.Kind.CHOICE, [
        ("income", "To increase my income", 0.32), ("skills", "To learn new skills", 0.22),
        ("business", "To start or restore a business", 0.20), ("job", "To find a job", 0.14),
        ("services", "To get access to services", 0.08), ("other", "Other", 0.04)]),
]  # fmt: skip

FINDINGS = (
    "Business operating as planned; the beneficiary reports a higher income.",
    "Construction works on schedule; the contractor follows the bill of quantities.",
    "Training attended by all enrolled participants; toolkits distributed at the end.",
    "Facility handed over to the directorate and in use.",
    "Distribution list checked against IDs; no discrepancies found.",
    "Beneficiaries satisfied with the quality of the package items.",
    "Community policing forum met with the local police; minutes kept.",
    "Works delayed by heavy rain; new completion date agreed with the contractor.",
    "Equipment installed and staff trained on its use.",
    "Follow-up call: the business is still open six months after the grant.",
)
RETURN_REASONS = (
    "Photos lack a caption and credit.",
    "The number of participants does not match the attendance sheet.",
    "Please add the breakdown by sex and age.",
    "The visit date is before the project start; check the date.",
    "Findings are too short to show what was verified.",
)
REFERRAL_ISSUES = (
    ("Toolkit items missing from the package", "IOM procurement unit"),
    ("Beneficiary asks for further business training", "IOM livelihoods team"),
    ("Water pump not working after hand-over", "Directorate of Water"),
    (
        "Complaint about the beneficiary selection",
        "IOM accountability to affected populations focal point",
    ),
    ("Contractor late in paying daily workers", "IOM engineering unit"),
    ("Generator fuel shortage at the health centre", "Directorate of Health"),
    ("Security concern raised by residents", "Community policing forum"),
    ("Child out of school identified during the visit", "IOM protection unit"),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    governorates: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    donor: str | None = None
    login: bool = True  # False: a monitor who owns visits but cannot log in

    def describe(self, governorate_names: dict[str, str]) -> str:
        """The role and scope, as the login list shows them."""
        parts = [str(UserProfile.Role(self.role).label)]
        if self.role == R.ADMIN:
            parts.append("superuser, everything")
        if self.programmes:
            parts.append("programmes " + ", ".join(self.programmes))
        if self.governorates:
            parts.append(", ".join(governorate_names.get(p, p) for p in self.governorates))
        if self.donor:
            parts.append("donor " + dict((c, n) for c, n, _k, _w in DONORS)[self.donor])
        return " — ".join(parts)


R = UserProfile.Role
DEMO_USERS = [
    DemoUser("admin", R.ADMIN, "Demo", "Administrator"),
    DemoUser("manager", R.MANAGER, "Demo", "Manager", ("IQG13", "IQG15", "IQG16"), ("CRP", "RRP")),
    DemoUser("field", R.MONITOR, "Demo", "Monitor", ("IQG13", "IQG15", "IQG16")),
    DemoUser("donor", R.DONOR, "Demo", "Donor", donor="USA"),
    # Monitors of the other governorates, so that every visit has one in scope.
    DemoUser("monitor.kri", R.MONITOR, "Monitor", "KRI", KRI, login=False),
    DemoUser("monitor.west", R.MONITOR, "Monitor", "West", ("IQG01", "IQG10", "IQG08"), login=False),
    DemoUser("monitor.centre", R.MONITOR, "Monitor", "Centre", ("IQG07", "IQG12", "IQG04", "IQG05", "IQG18"), login=False),
    DemoUser("monitor.south", R.MONITOR, "Monitor", "South", ("IQG02", "IQG14", "IQG17", "IQG03"), login=False),
]  # fmt: skip


# --- Helpers ----------------------------------------------------------------------------


def _sync(model: type[models.Model], key: str, rows: Iterable[dict[str, Any]]) -> dict[Any, Any]:
    """Create or update ``model`` rows by their natural ``key``; a row is saved
    only when a value differs, so an unchanged rerun writes nothing (and no
    history). Values use attnames (``programme_id``). Returns key -> object."""
    rows = list(rows)
    existing = {
        getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": [r[key] for r in rows]})
    }
    result = {}
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model.objects.create(**row)
        else:
            changed = [name for name, value in row.items() if getattr(obj, name) != value]
            if changed:
                for name in changed:
                    setattr(obj, name, row[name])
                obj.save(update_fields=changed)
        result[row[key]] = obj
    return result


def _days(day: date) -> int:
    return (day - EPOCH).days


def _to_dates(days: np.ndarray) -> list[date]:
    return days.astype("datetime64[D]").astype(object).tolist()


def _date_strings(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D")


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` split into integers proportional to ``weights`` (largest remainder)."""
    share = weights / weights.sum() * total
    counts = np.floor(share).astype(np.int64)
    rest = total - counts.sum()
    if rest:
        counts[np.argsort(-(share - counts), kind="stable")[:rest]] += 1
    return counts


def _capped_weights(rng: np.random.Generator, base: np.ndarray, cap: float) -> np.ndarray:
    """Uneven weights (``base`` times lognormal noise) summing to 1, none above ``cap``."""
    weights = base * rng.lognormal(0.0, 0.9, len(base))
    weights /= weights.sum()
    for _ in range(100):
        over = weights > cap
        if not over.any():
            break
        weights[over] = cap
        free = ~over
        weights[free] *= (1.0 - cap * over.sum()) / weights[free].sum()
    return weights


# --- Reference data --------------------------------------------------------------------


@dataclass
class Reference:
    """The reference rows both modes build on, by code."""

    governorates: dict[str, Governorate]
    donors: dict[str, Donor]
    programmes: dict[str, Programme]
    sectors: dict[str, Sector]
    activities: dict[str, ActivityType]
    survey: Survey
    questions: list[Question]


def reference_ensure(*, seed: int = DEFAULT_SEED) -> Reference:
    """Donors, programmes (8, overlapping periods, all five outcome areas),
    contributions, sectors, activity types (each linked to the sectors it fits)
    and the feedback survey, created or brought up to date on their natural
    keys. Never creates governorates: the 18 rows come from a migration."""
    governorates = {g.pcode: g for g in Governorate.objects.order_by("pcode")}
    if len(governorates) != 18:
        raise RuntimeError(
            f"Expected the 18 governorates loaded by migrations, found {len(governorates)}: run migrate."
        )
    donors = _sync(Donor, "code", [{"code": c, "name": n, "kind": k} for c, n, k, _w in DONORS])
    programmes = _sync(
        Programme,
        "code",
        [
            {
                "code": p.code,
                "name": p.name,
                "outcome_area": p.outcome_area,
                "description": PROGRAMME_DESCRIPTIONS[p.code],
                "start_date": p.start,
                "end_date": p.end,
            }
            for p in PROGRAMMES
        ],
    )
    sectors = _sync(Sector, "code", [{"code": c, "name": n} for c, n in SECTORS])
    activities = _sync(
        ActivityType, "code", [{"code": a.code, "name": a.name, "unit": a.unit} for a in ACTIVITIES]
    )
    for spec in ACTIVITIES:
        activity = activities[spec.code]
        wanted = {sectors[s].pk for s in spec.sectors}
        if set(activity.sectors.values_list("pk", flat=True)) != wanted:
            activity.sectors.set(wanted)
    _sync(Contribution, "reference", _contribution_rows(random.Random(seed), donors, programmes))
    survey, _ = Survey.objects.get_or_create(code=SURVEY_CODE, defaults={"title": SURVEY_TITLE})
    if survey.title != SURVEY_TITLE:
        survey.title = SURVEY_TITLE
        survey.save(update_fields=["title"])
    questions = []
    for position, (code, text, kind, options) in enumerate(QUESTIONS, start=1):
        values = {
            "text": text,
            "kind": kind,
            "choices": [[c, label] for c, label, _share in options],
            "position": position,
        }
        question = Question.objects.filter(survey=survey, code=code).first()
        if question is None:
            question = Question.objects.create(survey=survey, code=code, **values)
        elif any(getattr(question, k) != v for k, v in values.items()):
            Question.objects.filter(pk=question.pk).update(**values)
        questions.append(question)
    return Reference(governorates, donors, programmes, sectors, activities, survey, questions)


def _contribution_rows(
    rng: random.Random, donors: dict[str, Donor], programmes: dict[str, Programme]
) -> list[dict[str, Any]]:
    """One contribution per donor, programme and year of the programme within
    the demo years; amounts follow the donor weights (USA about 70%)."""
    weights = DONOR_WEIGHTS
    rows = []
    for spec in PROGRAMMES:
        share = sum(weights[d] for d in spec.donors)
        for year in range(DEMO_FIRST_DAY.year, AS_OF.year + 1):
            start = max(date(year, 1, 1), spec.start)
            end = min(date(year, 12, 31), spec.end or date(year, 12, 31))
            if end < start + timedelta(days=60):
                continue
            for donor in spec.donors:
                amount = spec.annual_budget * weights[donor] / share * rng.lognormvariate(0, 0.25)
                received = start + timedelta(days=rng.randrange(0, 45))
                rows.append(
                    {
                        "reference": f"{DEMO_PREFIX}{spec.code}-{donor}-{year}",
                        "donor_id": donors[donor].pk,
                        "programme_id": programmes[spec.code].pk,
                        "amount_usd": Decimal(max(5_000, round(amount, -3))).quantize(
                            Decimal("0.01")
                        ),
                        "date": received,
                        "period_start": start,
                        "period_end": end,
                    }
                )
    return rows


def users_ensure(ref: Reference) -> dict[str, Any]:
    """The demo users with their profiles: ``admin`` (superuser), ``manager``,
    ``field`` and ``donor`` with password DEMO_PASSWORD, and monitors without a
    usable password for the other governorates. A password is set only when it
    does not already match, so a rerun changes nothing."""
    User = get_user_model()
    users = {}
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        created = user is None
        if created:
            user = User(username=spec.username)
        values = {
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@demo.iomdash.invalid",
            "is_superuser": spec.role == R.ADMIN,
            "is_staff": spec.role == R.ADMIN,
            "is_active": True,
        }
        changed = [k for k, v in values.items() if getattr(user, k) != v]
        for k in changed:
            setattr(user, k, values[k])
        if spec.login and not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed.append("password")
        elif not spec.login and created:
            user.set_unusable_password()
        if created:
            user.save()
        elif changed:
            user.save(update_fields=changed)
        donor_id = ref.donors[spec.donor].pk if spec.donor else None
        profile = UserProfile.objects.filter(user=user).first()
        if profile is None:
            profile = UserProfile.objects.create(user=user, role=spec.role, donor_id=donor_id)
        elif (profile.role, profile.donor_id) != (spec.role, donor_id):
            profile.role, profile.donor_id = spec.role, donor_id
            profile.save(update_fields=["role", "donor"])
        governorates = {ref.governorates[p].pk for p in spec.governorates}
        if set(profile.governorates.values_list("pk", flat=True)) != governorates:
            profile.governorates.set(governorates)
        programmes = {ref.programmes[p].pk for p in spec.programmes}
        if set(profile.programmes.values_list("pk", flat=True)) != programmes:
            profile.programmes.set(programmes)
        users[spec.username] = user
    return users


def demo_logins() -> list[tuple[str, str]]:
    """(user name, description) of the demo users that exist and can log in."""
    present = set(
        get_user_model()
        .objects.filter(username__in=[u.username for u in DEMO_USERS])
        .values_list("username", flat=True)
    )
    names = dict(Governorate.objects.values_list("pcode", "name_iom"))
    return [
        (u.username, u.describe(names)) for u in DEMO_USERS if u.login and u.username in present
    ]


def portfolio_exists() -> bool:
    """True when the database already holds a programme (``--if-empty`` skips then)."""
    return Programme.objects.exists()


# --- Projects --------------------------------------------------------------------------


@dataclass
class ProjectTable:
    """The projects records are generated for, as numpy columns (one row each)."""

    ids: np.ndarray
    codes: list[str]
    governorate: np.ndarray  # index into sorted P-codes
    programme: np.ndarray  # index into PROGRAMMES
    start: np.ndarray  # first day records may carry (epoch days)
    end: np.ndarray  # last day records may carry
    pool: np.ndarray  # activity indices (into ACTIVITIES) this project delivers, padded
    pool_size: np.ndarray
    population_cdf: np.ndarray  # (n, 4) cumulative shares of population groups

    def __len__(self) -> int:
        return len(self.ids)


def _sector_pools(spec: ProgrammeSpec) -> dict[str, list[int]]:
    """For each sector of the programme, the programme's activities that fit it."""
    pools = {}
    for sector in spec.sectors:
        pool = [
            i for i, a in enumerate(ACTIVITIES) if a.code in spec.activities and sector in a.sectors
        ]
        if pool:
            pools[sector] = pool
    return pools


# A project to plan: code, programme code, and the governorate and donor codes
# when they are fixed (None: drawn from the programme's areas and donors).
Slot = tuple[str, str, str | None, str | None]


def _plan_projects(
    rng: random.Random, slots: list[Slot], *, first_day: date, preparation_share: float
) -> list[dict[str, Any]]:
    """Project rows (by codes, FKs not resolved) for ``slots``, each inside its
    programme's period, in a sector the programme works in, funded by one of
    the programme's donors; ``preparation_share`` of them start after AS_OF."""
    specs = {p.code: p for p in PROGRAMMES}
    all_pcodes = sorted(GOVERNORATES)
    plans = []
    for code, programme_code, pcode, donor in slots:
        spec = specs[programme_code]
        if pcode is None:
            choices = list(spec.governorates or all_pcodes)
            pcode = rng.choices(choices, weights=[GOVERNORATES[c][0] for c in choices])[0]
        sector = rng.choice(sorted(_sector_pools(spec)))
        kinds = SECTOR_KINDS.get(sector, (Project.Kind.QIP, Project.Kind.CSP))
        kind = rng.choice(kinds)
        # Projects of older programmes may have started before the generated
        # years, so that the first months already see several projects at work.
        window_start = max(spec.start, first_day - timedelta(days=365))
        window_end = min(spec.end or AS_OF, AS_OF)
        prepared = (spec.end is None or spec.end > AS_OF + timedelta(days=120)) and (
            rng.random() < preparation_share
        )
        if prepared:
            start = AS_OF + timedelta(days=rng.randint(1, 90))
        else:
            latest = window_end - timedelta(days=90)
            start = window_start + timedelta(days=rng.randint(0, (latest - window_start).days))
        end = max(start + timedelta(days=30 * rng.randint(9, 48)), first_day + timedelta(days=180))
        if spec.end is not None:
            end = min(end, spec.end)
        status = (
            Project.Status.PREPARATION
            if start > AS_OF
            else Project.Status.COMPLETED
            if end < AS_OF
            else Project.Status.ONGOING
        )
        district = rng.choice(GOVERNORATES[pcode][1])
        low, high = BUDGETS[kind]
        if donor is None:
            donor = rng.choices(spec.donors, weights=[DONOR_WEIGHTS[d] for d in spec.donors])[0]
        plans.append(
            {
                "code": code,
                "name": f"{rng.choice(SECTOR_PROJECT_NAMES[sector])} — {district}",
                "programme": programme_code,
                "governorate": pcode,
                "district": district,
                "community": "",
                "sector": sector,
                "kind": kind,
                "status": status,
                "donor": donor,
                "start_date": start,
                "end_date": end,
                "budget_usd": Decimal(round(rng.uniform(low, high), -2)).quantize(Decimal("0.01")),
            }
        )
    return plans


def _save_projects(ref: Reference, plans: list[dict[str, Any]]) -> dict[str, Project]:
    rows = []
    for plan in plans:
        row = dict(plan)
        row["programme_id"] = ref.programmes[row.pop("programme")].pk
        row["governorate_id"] = ref.governorates[row.pop("governorate")].pk
        row["sector_id"] = ref.sectors[row.pop("sector")].pk
        row["donor_id"] = ref.donors[row.pop("donor")].pk
        rows.append(row)
    return _sync(Project, "code", rows)


def _project_table(
    ref: Reference, plans: list[dict[str, Any]], projects: dict[str, Project], first_day: date
) -> ProjectTable:
    """Columns of the projects that can carry records (started by AS_OF)."""
    pcodes = sorted(GOVERNORATES)
    programme_index = {p.code: i for i, p in enumerate(PROGRAMMES)}
    active = [p for p in plans if p["start_date"] <= AS_OF]
    n = len(active)
    width = max(len(v) for p in PROGRAMMES for v in _sector_pools(p).values())
    pool = np.zeros((n, width), dtype=np.int64)
    pool_size = np.zeros(n, dtype=np.int64)
    population = np.zeros((n, 4))
    for i, plan in enumerate(active):
        spec = PROGRAMMES[programme_index[plan["programme"]]]
        members = _sector_pools(spec)[plan["sector"]]
        pool[i, : len(members)] = members
        pool_size[i] = len(members)
        area = (
            "kri"
            if plan["governorate"] in KRI
            else "retaken"
            if plan["governorate"] in RETAKEN
            else "other"
        )
        shares = np.array(POPULATION_BY_AREA[area])
        if spec.population:
            shares = 0.5 * shares + 0.5 * np.array(spec.population)
        population[i] = shares / shares.sum()
    return ProjectTable(
        ids=np.array([projects[p["code"]].pk for p in active], dtype=np.int64),
        codes=[p["code"] for p in active],
        governorate=np.array([pcodes.index(p["governorate"]) for p in active]),
        programme=np.array([programme_index[p["programme"]] for p in active]),
        start=np.array([_days(max(p["start_date"], first_day)) for p in active]),
        end=np.array([_days(min(p["end_date"], AS_OF)) for p in active]),
        pool=pool,
        pool_size=pool_size,
        population_cdf=np.cumsum(population, axis=1),
    )


# --- Column generators (shared by both modes) --------------------------------------------

SEASON = np.array([0.70, 0.85, 1.15, 1.25, 1.20, 0.95, 0.70, 0.65, 1.00, 1.20, 1.30, 1.05])


class Calendar:
    """The months between ``first_day`` and AS_OF, weighted for growth over time
    (the last month about three times the first) and seasonal peaks (spring and
    autumn; summer heat and winter are quiet)."""

    def __init__(self, first_day: date):
        months = []
        year, month = first_day.year, first_day.month
        while (year, month) <= (AS_OF.year, AS_OF.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        self.months = months
        self.start = np.array([_days(date(y, m, 1)) for y, m in months])
        self.end = np.append(self.start[1:] - 1, _days(AS_OF))
        t = np.linspace(0.0, 1.0, len(months))
        weights = (0.5 + 1.0 * t) * SEASON[[m - 1 for _y, m in months]]
        self.cdf = np.concatenate([[0.0], np.cumsum(weights / weights.sum())])

    def month_of(self, days: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.start, days, side="right") - 1

    def sample(self, rng: np.random.Generator, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """One day per row between ``start`` and ``end`` (epoch days, inclusive),
        months drawn by the calendar's weights restricted to that range."""
        m0, m1 = self.month_of(start), self.month_of(end)
        low, high = self.cdf[m0], self.cdf[m1 + 1]
        u = low + rng.random(len(start)) * (high - low)
        month = np.clip(np.searchsorted(self.cdf, u, side="right") - 1, m0, m1)
        first = np.maximum(self.start[month], start)
        last = np.minimum(self.end[month], end)
        return first + np.floor(rng.random(len(start)) * (last - first + 1)).astype(np.int64)


def _status(rng: np.random.Generator, days: np.ndarray, recent_approved: float) -> np.ndarray:
    """Review status codes (APPROVED ...): about 93% approved, fewer in the last
    four months, where drafts and submissions wait for review."""
    recent = days > _days(AS_OF) - 120
    approved = rng.random(len(days)) < np.where(recent, recent_approved, 0.93)
    other = rng.choice([SUBMITTED, DRAFT, RETURNED], size=len(days), p=[0.45, 0.35, 0.20])
    return np.where(approved, APPROVED, other)


_ACT = {
    "units_low": np.array([a.units[0] for a in ACTIVITIES]),
    "units_high": np.array([a.units[1] for a in ACTIVITIES]),
    "ppu_low": np.array([a.people_per_unit[0] for a in ACTIVITIES]),
    "ppu_high": np.array([a.people_per_unit[1] for a in ACTIVITIES]),
    "households": np.array([a.households_per_person for a in ACTIVITIES]),
    "female": np.array([a.female for a in ACTIVITIES]),
    "age_cdf": np.cumsum([AGE_PROFILES[a.ages] for a in ACTIVITIES], axis=1),
}


def _pick(rng: np.random.Generator, cdf: np.ndarray) -> np.ndarray:
    """One category per row of a (rows, k) cumulative share table."""
    u = rng.random(len(cdf))[:, None]
    return np.minimum((u >= cdf).sum(axis=1), cdf.shape[1] - 1)


def records_generate(
    rng: np.random.Generator, table: ProjectTable, rows: np.ndarray, days: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Columns of assistance records for project rows ``rows`` (indices into
    ``table``) delivered on ``days``, and their recipient breakdown: an (n, 32)
    array whose columns are RECIPIENT_FIELDS, in that order.

    Guarantees: the activity is one the project's programme delivers in the
    project's sector; 1 <= households <= people; household_size is set on about
    30% of records, in 1..15; the breakdown (sex x age group x population group,
    at most four non-zero cells per record) adds up to people.
    """
    n = len(rows)
    activity = table.pool[rows, np.floor(rng.random(n) * table.pool_size[rows]).astype(np.int64)]
    low, high = _ACT["units_low"][activity], _ACT["units_high"][activity]
    units = low + np.floor((high - low + 1) * rng.random(n) ** 2).astype(np.int64)
    plow, phigh = _ACT["ppu_low"][activity], _ACT["ppu_high"][activity]
    per_unit = plow + np.floor((phigh - plow + 1) * rng.random(n) ** 1.5).astype(np.int64)
    people = np.maximum(units * per_unit, 1)
    households = np.clip(np.rint(people * _ACT["households"][activity]), 1, people).astype(np.int64)
    size = 1 + rng.binomial(14, 0.36, n)  # mean about 6, the average household in Iraq
    household_size = np.where(rng.random(n) < HOUSEHOLD_SIZE_SHARE, size, 0)
    status = _status(rng, days, recent_approved=0.5)
    records = {
        "project": rows,
        "activity": activity,
        "day": days,
        "units": units,
        "households": households,
        "people": people,
        "household_size": household_size,  # 0: not recorded
        "status": status,
    }
    # Recipients: one population group per record, one or two age groups, both sexes.
    population = _pick(rng, table.population_cdf[rows])
    age_cdf = _ACT["age_cdf"][activity]
    age1, age2 = _pick(rng, age_cdf), _pick(rng, age_cdf)
    split = (age2 != age1) & (people > 1) & (rng.random(n) < 0.4)
    part1 = np.where(split, rng.binomial(people, 0.7), people)
    part2 = people - part1
    female_share = np.clip(_ACT["female"][activity] + rng.normal(0, 0.08, n), 0.02, 0.98)
    f1, f2 = rng.binomial(part1, female_share), rng.binomial(part2, female_share)
    recipients = np.zeros((n, len(RECIPIENT_FIELDS)), dtype=np.int64)
    record = np.arange(n)
    # One statement per part, so that no (record, column) pair repeats within
    # one; age2 may equal age1 when part2 is 0, which then adds nothing.
    for sex, age, count in (
        (0, age1, f1),
        (1, age1, part1 - f1),
        (0, age2, f2),
        (1, age2, part2 - f2),
    ):
        recipients[record, CELL_COLUMN[sex, age, population]] += count
    return records, recipients


def visits_generate(
    rng: np.random.Generator,
    table: ProjectTable,
    calendar: Calendar,
    weights: np.ndarray,
    count: int,
) -> dict[str, np.ndarray]:
    """Columns of ``count`` monitoring visits, spread over projects by
    ``weights`` and over each project's period; sorted by (project, day).
    About 88% approved; the recent ones more often draft or submitted, and
    none submitted or reviewed after AS_OF."""
    per_project = _allocate(count, weights)
    rows = np.repeat(np.arange(len(table)), per_project)
    days = calendar.sample(rng, table.start[rows], table.end[rows])
    order = np.lexsort((days, rows))
    rows, days = rows[order], days[order]
    status = _status(rng, days, recent_approved=0.35)
    submitted = days + rng.integers(0, 4, count)
    reviewed = submitted + rng.integers(1, 15, count)
    as_of = _days(AS_OF)
    status = np.where(np.isin(status, [APPROVED, RETURNED]) & (reviewed > as_of), SUBMITTED, status)
    status = np.where((status != DRAFT) & (submitted > as_of), DRAFT, status)
    return {
        "project": rows,
        "day": days,
        "status": status,
        "submitted": submitted,
        "reviewed": reviewed,
        "findings": rng.integers(0, len(FINDINGS), count),
        "reason": rng.integers(0, len(RETURN_REASONS), count),
    }


def visit_links(
    rng: np.random.Generator,
    visits: dict[str, np.ndarray],
    records: dict[str, np.ndarray],
    share: float = 0.35,
) -> np.ndarray:
    """For each record, the index of the visit that verified it (-1: none): for
    about ``share`` of records, the project's first visit on or within 120 days
    after the delivery."""
    key_v = visits["project"] * 100_000 + visits["day"]
    key_r = records["project"] * 100_000 + records["day"]
    found = np.searchsorted(key_v, key_r, side="left")
    safe = np.minimum(found, len(key_v) - 1)
    ok = (
        (found < len(key_v))
        & (visits["project"][safe] == records["project"])
        & (visits["day"][safe] - records["day"] <= 120)
        & (rng.random(len(key_r)) < share)
    )
    return np.where(ok, safe, -1)


def referrals_generate(
    rng: np.random.Generator, visits: dict[str, np.ndarray], share: float
) -> dict[str, np.ndarray]:
    """Referrals on about ``share`` of submitted, approved or returned visits,
    one or two each; about 70% closed 3..90 days later (never after AS_OF), the
    rest still open (closed = -1)."""
    eligible = (visits["status"] != DRAFT) & (rng.random(len(visits["day"])) < share)
    per_visit = np.where(eligible, 1 + (rng.random(len(eligible)) < 0.25), 0)
    visit = np.repeat(np.arange(len(eligible)), per_visit)
    closed = visits["day"][visit] + rng.integers(3, 91, len(visit))
    closed = np.where((rng.random(len(visit)) < 0.7) & (closed <= _days(AS_OF)), closed, -1)
    return {
        "visit": visit,
        "issue": rng.integers(0, len(REFERRAL_ISSUES), len(visit)),
        "closed": closed,
    }


def feedback_generate(
    rng: np.random.Generator,
    table: ProjectTable,
    visits: dict[str, np.ndarray],
    share: float,
    mean_responses: float,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Feedback responses collected on about ``share`` of visits (1 + Poisson
    responses each, on the visit's day, with the visit's status) and their
    answers: a (responses, questions) array of option indices drawn from each
    question's distribution (about 46% very satisfied)."""
    chosen = rng.random(len(visits["day"])) < share
    per_visit = np.where(chosen, 1 + rng.poisson(mean_responses - 1, len(chosen)), 0)
    visit = np.repeat(np.arange(len(chosen)), per_visit)
    n = len(visit)
    rows = visits["project"][visit]
    responses = {
        "visit": visit,
        "project": rows,
        "day": visits["day"][visit],
        "status": visits["status"][visit],
        "sex": (rng.random(n) < 0.55).astype(np.int64),  # 0 female, 1 male
        "age": _pick(rng, np.tile(np.cumsum([0.0, 0.12, 0.78, 0.10]), (n, 1))),
        "population": _pick(rng, table.population_cdf[rows]),
    }
    answers = (
        np.column_stack(
            [
                rng.choice(len(options), size=n, p=[s for _c, _l, s in options])
                for _code, _text, _kind, options in QUESTIONS
            ]
        )
        if n
        else np.zeros((0, len(QUESTIONS)), dtype=np.int64)
    )
    return responses, answers


# --- Deleting generated data ---------------------------------------------------------------


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _generated_delete(prefix: str) -> None:
    """Delete the generated records of the projects whose code starts with
    ``prefix``, children first, in plain SQL (no history rows, no per-row
    signals). Links from other projects' records to these visits are cleared,
    as the model's SET_NULL would."""
    projects = f"SELECT id FROM {_table(Project)} WHERE code LIKE %s"
    visits = f"SELECT id FROM {_table(MonitoringVisit)} WHERE project_id IN ({projects})"
    responses = f"SELECT id FROM {_table(FeedbackResponse)} WHERE project_id IN ({projects})"
    statements = [
        f"DELETE FROM {_table(Answer)} WHERE response_id IN ({responses})",
        f"DELETE FROM {_table(FeedbackResponse)} WHERE project_id IN ({projects})",
        f"DELETE FROM {_table(AssistanceRecord)} WHERE project_id IN ({projects})",
        f"UPDATE {_table(AssistanceRecord)} SET visit_id = NULL WHERE visit_id IN ({visits})",
        f"UPDATE {_table(FeedbackResponse)} SET visit_id = NULL WHERE visit_id IN ({visits})",
        f"DELETE FROM {_table(Referral)} WHERE visit_id IN ({visits})",
        f"DELETE FROM {_table(Photo)} WHERE visit_id IN ({visits})",
        f"DELETE FROM {_table(MonitoringVisit)} WHERE project_id IN ({projects})",
    ]
    pattern = prefix.replace("%", r"\%").replace("_", r"\_") + "%"
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, [pattern])


# --- Default mode ----------------------------------------------------------------------------


def _demo_slots() -> list[Slot]:
    """The demo projects: a fixed number per programme (so the set of codes
    never depends on the seed); the first 18 CRP projects one in each
    governorate; each programme's first projects one per donor of it."""
    pcodes = sorted(GOVERNORATES)
    slots = []
    for spec in PROGRAMMES:
        for k in range(spec.demo_projects):
            slots.append(
                (
                    f"{DEMO_PREFIX}{spec.code}-{k + 1:03d}",
                    spec.code,
                    pcodes[k] if spec.code == "CRP" and k < len(pcodes) else None,
                    spec.donors[k] if k < len(spec.donors) else None,
                )
            )
    return slots


def _growth(table: ProjectTable, first_day: date) -> np.ndarray:
    """A weight per project growing with its mid-date (0.6 at ``first_day`` to
    1.4 at AS_OF), so that record volumes grow over the years."""
    middle = (table.start + table.end) / 2
    t = (middle - _days(first_day)) / (_days(AS_OF) - _days(first_day))
    return 0.6 + 0.8 * np.clip(t, 0.0, 1.0)


@transaction.atomic
def demo_load(*, seed: int = DEFAULT_SEED, log: Log = print) -> dict[str, int]:
    """Load the demo stack for ``seed`` and return the number of rows of each kind.

    Guarantees: the reference data and demo users exist with the values this
    module defines; the ``DEMO-`` projects' generated records are exactly those
    of ``seed`` (earlier ones are deleted first, in the same transaction), so
    a rerun gives the same database and two databases the same content.
    """
    started = time.monotonic()
    ref = reference_ensure(seed=seed)
    users = users_ensure(ref)
    py_rng = random.Random(seed)
    rng = np.random.default_rng([seed, 1])
    plans = _plan_projects(py_rng, _demo_slots(), first_day=DEMO_FIRST_DAY, preparation_share=0.05)
    projects = _save_projects(ref, plans)
    log(f"reference data, users and {len(projects)} projects ready")
    _generated_delete(DEMO_PREFIX)

    table = _project_table(ref, plans, projects, DEMO_FIRST_DAY)
    calendar = Calendar(DEMO_FIRST_DAY)
    weights = _capped_weights(rng, _growth(table, DEMO_FIRST_DAY), MAX_PROJECT_SHARE)
    per_project = _allocate(DEMO_RECORDS, weights)
    rows = np.repeat(np.arange(len(table)), per_project)
    days = calendar.sample(rng, table.start[rows], table.end[rows])
    order = np.argsort(days, kind="stable")  # ids grow with time, as if entered as delivered
    rows, days = rows[order], days[order]

    visits = visits_generate(rng, table, calendar, per_project + 2, DEMO_VISITS)
    records, recipients = records_generate(rng, table, rows, days)
    links = visit_links(rng, visits, records)
    referrals = referrals_generate(rng, visits, share=0.15)
    responses, answers = feedback_generate(rng, table, visits, share=0.5, mean_responses=4.5)

    monitors = _monitor_by_governorate(ref, users)
    manager = users["manager"].pk
    visit_objects = MonitoringVisit.objects.bulk_create(
        [_visit_object(visits, i, table, monitors, manager) for i in range(len(visits["day"]))],
        batch_size=2000,
    )
    visit_ids = [v.pk for v in visit_objects]
    activity_ids = np.array([ref.activities[a.code].pk for a in ACTIVITIES])
    record_objects = AssistanceRecord.objects.bulk_create(
        [
            AssistanceRecord(
                project_id=project,
                activity_type_id=activity,
                visit_id=visit_ids[link] if link >= 0 else None,
                delivered_on=day,
                units=units,
                households=households,
                people=people,
                household_size=size or None,
                status=STATUSES[status],
                **dict(zip(RECIPIENT_FIELDS, breakdown, strict=True)),
            )
            for project, activity, link, day, units, households, people, size, status, breakdown in zip(
                table.ids[records["project"]].tolist(),
                activity_ids[records["activity"]].tolist(),
                links.tolist(),
                _to_dates(records["day"]),
                records["units"].tolist(),
                records["households"].tolist(),
                records["people"].tolist(),
                records["household_size"].tolist(),
                records["status"].tolist(),
                recipients.tolist(),
                strict=True,
            )
        ],
        batch_size=1000,
    )
    Referral.objects.bulk_create(
        [
            Referral(
                visit_id=visit_ids[visit],
                issue=REFERRAL_ISSUES[issue][0],
                referred_to=REFERRAL_ISSUES[issue][1],
                closed_on=EPOCH + timedelta(days=closed) if closed >= 0 else None,
            )
            for visit, issue, closed in zip(
                referrals["visit"].tolist(),
                referrals["issue"].tolist(),
                referrals["closed"].tolist(),
                strict=True,
            )
        ]
    )
    response_objects = FeedbackResponse.objects.bulk_create(
        [
            FeedbackResponse(
                survey=ref.survey,
                project_id=project,
                visit_id=visit_ids[visit],
                collected_on=day,
                sex=SEXES[sex],
                age_group=AGE_GROUPS[age],
                population_group=POPULATION_GROUPS[population],
                status=STATUSES[status],
            )
            for project, visit, day, sex, age, population, status in zip(
                table.ids[responses["project"]].tolist(),
                responses["visit"].tolist(),
                _to_dates(responses["day"]),
                responses["sex"].tolist(),
                responses["age"].tolist(),
                responses["population"].tolist(),
                responses["status"].tolist(),
                strict=True,
            )
        ],
        batch_size=2000,
    )
    options = [[code for code, _l, _s in q[3]] for q in QUESTIONS]
    Answer.objects.bulk_create(
        [
            Answer(response_id=response.pk, question=question, value=options[q][choice])
            for response, row in zip(response_objects, answers.tolist(), strict=True)
            for q, (question, choice) in enumerate(zip(ref.questions, row, strict=True))
        ],
        batch_size=5000,
    )
    # bulk_create stamps "now"; records and visits look entered when they happened.
    demo = Project.objects.filter(code__startswith=DEMO_PREFIX)
    stamp = Cast(F("delivered_on"), DateTimeField())
    AssistanceRecord.objects.filter(project__in=demo).update(created_at=stamp, updated_at=stamp)
    stamp = Cast(F("visit_date"), DateTimeField())
    MonitoringVisit.objects.filter(project__in=demo).update(created_at=stamp, updated_at=stamp)

    counts = {
        "projects": len(projects),
        "assistance records": len(record_objects),
        "recipient cells": int(np.count_nonzero(recipients)),
        "monitoring visits": len(visit_objects),
        "referrals": len(referrals["visit"]),
        "feedback responses": len(response_objects),
        "answers": int(answers.size),
    }
    log(
        "loaded "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        + f" in {time.monotonic() - started:.1f}s (seed {seed})"
    )
    return counts


def _monitor_by_governorate(ref: Reference, users: dict[str, Any]) -> np.ndarray:
    """User id of the monitor assigned to each governorate (sorted P-codes)."""
    by_pcode = {}
    for spec in DEMO_USERS:
        if spec.role == R.MONITOR:
            for pcode in spec.governorates:
                by_pcode[pcode] = users[spec.username].pk
    return np.array([by_pcode[p] for p in sorted(GOVERNORATES)])


# Fixed times of day (UTC) of submissions and reviews.
SUBMITTED_AT, REVIEWED_AT = 14, 9


def _aware(day: int, hour: int) -> datetime:
    """A fixed time of day (UTC) on an epoch day."""
    return datetime(1970, 1, 1, hour, tzinfo=UTC) + timedelta(days=day)


def _timestamps(days: np.ndarray, hour: int) -> pd.Series:
    """COPY text of ``_aware(day, hour)`` for each day."""
    return pd.Series(_date_strings(days)) + f" {hour:02d}:00:00+00"


def _visit_object(
    visits: dict[str, np.ndarray], i: int, table: ProjectTable, monitors: np.ndarray, manager: int
) -> MonitoringVisit:
    status = int(visits["status"][i])
    reviewed = status in (APPROVED, RETURNED)
    row = int(visits["project"][i])
    return MonitoringVisit(
        project_id=int(table.ids[row]),
        monitor_id=int(monitors[table.governorate[row]]),
        visit_date=EPOCH + timedelta(days=int(visits["day"][i])),
        findings=FINDINGS[visits["findings"][i]],
        status=STATUSES[status],
        return_reason=RETURN_REASONS[visits["reason"][i]] if status == RETURNED else "",
        submitted_at=_aware(int(visits["submitted"][i]), SUBMITTED_AT) if status != DRAFT else None,
        reviewed_at=_aware(int(visits["reviewed"][i]), REVIEWED_AT) if reviewed else None,
        reviewed_by_id=manager if reviewed else None,
    )


# --- Scale mode ------------------------------------------------------------------------------


def scale_project_count(n_records: int) -> int:
    """500 projects from 50,000 records up; fewer (down to 100) below, so that
    small test runs keep a realistic number of records per project."""
    return min(500, max(100, n_records // 100))


def scale_profile(n_records: int, *, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """A description of the data ``scale_load(n_records, seed)`` generates, for a
    benchmark to print and to compare with the profile of an existing database."""
    calendar = Calendar(SCALE_FIRST_DAY)
    donors = sorted({d for p in PROGRAMMES for d in p.donors})
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "records": n_records,
        "governorates": len(GOVERNORATES),
        "programmes": len(PROGRAMMES),
        "donors": len(donors),
        "projects": scale_project_count(n_records),
        "max_project_share": MAX_PROJECT_SHARE,
        "activity_types": len(ACTIVITIES),
        "months": len(calendar.months),
        "first_day": SCALE_FIRST_DAY.isoformat(),
        "last_day": AS_OF.isoformat(),
        "dates": "growth over time, spring and autumn peaks",
        "recipient_cells": f"sex x {len(AGE_GROUPS)} age groups x {len(POPULATION_GROUPS)} population groups",
        "household_size_share": HOUSEHOLD_SIZE_SHARE,
        "household_size_range": list(HOUSEHOLD_SIZE_RANGE),
        "approved_share": 0.90,
        "visits": max(1, n_records // 10),
        "feedback_visit_share": 0.20,
    }


def _copy(model: type[models.Model], columns: list[str], frame: pd.DataFrame) -> None:
    """COPY ``frame`` (columns in order, NULL as \\N) into ``model``'s table."""
    buffer = io.StringIO()
    frame.to_csv(buffer, header=False, index=False, na_rep="\\N")
    buffer.seek(0)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {_table(model)} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )


def _reserve_ids(model: type[models.Model], count: int) -> int:
    """The first of ``count`` consecutive ids taken from ``model``'s sequence."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def _nullable(values: np.ndarray, missing: np.ndarray) -> pd.Series:
    return pd.Series(pd.array(np.where(missing, 0, values), dtype="Int64")).mask(missing)


LOADED_MODELS = (
    MonitoringVisit,
    AssistanceRecord,
    Referral,
    FeedbackResponse,
    Answer,
)


def _foreign_keys_drop(models_: Iterable[type[models.Model]]) -> list[tuple[str, str, str]]:
    """Drop the foreign keys of ``models_``' tables and return them (table,
    name, definition) for ``_foreign_keys_restore``.

    Why: Django's foreign keys are deferred, so COPY would queue one check per
    row (about 5 million for a million records) and run them at commit, which
    takes longer than the load itself. Added back afterwards, each key is
    validated by one join over the table: as strict, several times faster, and
    it needs only table ownership. Pending checks of earlier statements run
    first (SET CONSTRAINTS ALL IMMEDIATE), as PostgreSQL cannot alter a table
    with pending trigger events. All in the caller's transaction: a failure
    rolls the constraints back with the data.
    """
    tables = [model._meta.db_table for model in models_]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            [tables],
        )
        constraints = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    return constraints


def _foreign_keys_restore(constraints: list[tuple[str, str, str]]) -> None:
    """Add back the foreign keys ``_foreign_keys_drop`` removed, as they were;
    PostgreSQL validates each against the loaded rows."""
    with connection.cursor() as cursor:
        for table, name, definition in constraints:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's default


@transaction.atomic
def scale_load(*, n_records: int, seed: int = DEFAULT_SEED, log: Log = print) -> dict[str, Any]:
    """Load ``n_records`` assistance records shaped like docs/BENCHMARK.md (see
    ``scale_profile``) on ``BENCH-`` projects, with their recipient breakdown,
    N/10 monitoring visits, referrals and feedback on about 20% of visits.

    Guarantees: afterwards the ``BENCH-`` projects hold exactly this seed's
    data (an earlier scale load is deleted first), all 18 governorates have
    records, no project holds more than 2% of them, the 32 breakdown columns
    add up to people, every foreign key is valid. Columns are generated with
    numpy in chunks of 100,000 records and loaded with COPY (ids reserved from the
    tables' sequences), the foreign keys validated once at the end, then the
    tables analysed. One transaction: a failure leaves the database as it was.
    It locks the loaded tables until it ends, so run it on a database of its
    own (``make bench`` does). Returns the profile with the row counts and the
    elapsed seconds.
    """
    if n_records < 1:
        raise ValueError("n_records must be positive")
    started = time.monotonic()
    profile = scale_profile(n_records, seed=seed)
    ref = reference_ensure(seed=seed)
    users = users_ensure(ref)
    py_rng = random.Random(seed)
    n_projects = profile["projects"]
    codes = [f"{BENCH_PREFIX}{i + 1:04d}" for i in range(n_projects)]
    # The first 18 projects cover the governorates (CRP works everywhere), the
    # next ones every programme-donor pair; the rest follow programme sizes.
    fixed = [("CRP", pcode, None) for pcode in sorted(GOVERNORATES)]
    fixed += [(p.code, None, donor) for p in PROGRAMMES for donor in p.donors]
    drawn = py_rng.choices(
        [p.code for p in PROGRAMMES],
        weights=[p.demo_projects for p in PROGRAMMES],
        k=n_projects - len(fixed),
    )
    slots = [
        (code, *plan)
        for code, plan in zip(codes, fixed + [(p, None, None) for p in drawn], strict=True)
    ]
    plans = _plan_projects(py_rng, slots, first_day=SCALE_FIRST_DAY, preparation_share=0.0)
    projects = _save_projects(ref, plans)
    _generated_delete(BENCH_PREFIX)
    with connection.cursor() as cursor:  # projects of an earlier, larger run
        cursor.execute(
            f"DELETE FROM {_table(Project)} WHERE code LIKE %s AND NOT (code = ANY(%s))",
            [BENCH_PREFIX + "%", codes],
        )
    foreign_keys = _foreign_keys_drop(LOADED_MODELS)
    log(
        f"reference data, users and {n_projects} projects ready ({time.monotonic() - started:.1f}s)"
    )

    rng = np.random.default_rng([seed, 2])
    table = _project_table(ref, plans, projects, SCALE_FIRST_DAY)
    calendar = Calendar(SCALE_FIRST_DAY)
    weights = _capped_weights(rng, _growth(table, SCALE_FIRST_DAY), MAX_PROJECT_SHARE * 0.9)
    per_project = _allocate(n_records, weights)
    rows = rng.permutation(np.repeat(np.arange(len(table)), per_project))
    days = calendar.sample(rng, table.start[rows], table.end[rows])
    order = np.argsort(days, kind="stable")
    rows, days = rows[order], days[order]

    visits = visits_generate(rng, table, calendar, per_project + 1, profile["visits"])
    n_visits = len(visits["day"])
    visit_first = _reserve_ids(MonitoringVisit, n_visits)
    monitors = _monitor_by_governorate(ref, users)
    manager = users["manager"].pk
    status_names = np.array(STATUSES, dtype=object)
    reviewed = np.isin(visits["status"], [APPROVED, RETURNED])
    submitted = visits["status"] != DRAFT
    visit_day = _date_strings(visits["day"])
    _copy(
        MonitoringVisit,
        ["id", "project_id", "monitor_id", "visit_date", "findings", "status", "return_reason",
         "submitted_at", "reviewed_at", "reviewed_by_id", "created_at", "updated_at"],
        pd.DataFrame(
            {
                "id": visit_first + np.arange(n_visits),
                "project": table.ids[visits["project"]],
                "monitor": monitors[table.governorate[visits["project"]]],
                "day": visit_day,
                "findings": np.array(FINDINGS, dtype=object)[visits["findings"]],
                "status": status_names[visits["status"]],
                "reason": np.where(
                    visits["status"] == RETURNED,
                    np.array(RETURN_REASONS, dtype=object)[visits["reason"]],
                    "",
                ),
                "submitted": _timestamps(visits["submitted"], SUBMITTED_AT).where(submitted),
                "reviewed": _timestamps(visits["reviewed"], REVIEWED_AT).where(reviewed),
                "reviewer": _nullable(np.full(n_visits, manager), ~reviewed),
                "created": visit_day,
                "updated": visit_day,
            }
        ),
    )  # fmt: skip
    log(f"{n_visits:,} monitoring visits loaded ({time.monotonic() - started:.1f}s)")

    activity_ids = np.array([ref.activities[a.code].pk for a in ACTIVITIES])
    record_first = _reserve_ids(AssistanceRecord, n_records)
    total_cells = 0
    for offset in range(0, n_records, SCALE_CHUNK):
        chunk = slice(offset, min(offset + SCALE_CHUNK, n_records))
        chunk_rng = np.random.default_rng([seed, 3, offset])
        records, recipients = records_generate(chunk_rng, table, rows[chunk], days[chunk])
        links = visit_links(chunk_rng, visits, records)
        n = len(records["day"])
        ids = record_first + offset + np.arange(n)
        day = _date_strings(records["day"])
        _copy(
            AssistanceRecord,
            ["id", "project_id", "activity_type_id", "visit_id", "delivered_on", "units",
             "households", "people", "household_size", "status", "created_at", "updated_at",
             *RECIPIENT_FIELDS],
            pd.DataFrame(
                {
                    "id": ids,
                    "project": table.ids[records["project"]],
                    "activity": activity_ids[records["activity"]],
                    "visit": _nullable(visit_first + links, links < 0),
                    "day": day,
                    "units": records["units"],
                    "households": records["households"],
                    "people": records["people"],
                    "size": _nullable(records["household_size"], records["household_size"] == 0),
                    "status": status_names[records["status"]],
                    "created": day,
                    "updated": day,
                    **{column: recipients[:, i] for i, column in enumerate(RECIPIENT_FIELDS)},
                }
            ),
        )  # fmt: skip
        total_cells += int(np.count_nonzero(recipients))
        log(
            f"{chunk.stop:,} / {n_records:,} assistance records loaded "
            f"({time.monotonic() - started:.1f}s)"
        )

    referrals = referrals_generate(rng, visits, share=0.06)
    n_referrals = len(referrals["visit"])
    if n_referrals:
        _copy(
            Referral,
            ["id", "visit_id", "issue", "referred_to", "closed_on"],
            pd.DataFrame(
                {
                    "id": _reserve_ids(Referral, n_referrals) + np.arange(n_referrals),
                    "visit": visit_first + referrals["visit"],
                    "issue": np.array([i for i, _t in REFERRAL_ISSUES], dtype=object)[referrals["issue"]],
                    "to": np.array([t for _i, t in REFERRAL_ISSUES], dtype=object)[referrals["issue"]],
                    "closed": pd.Series(_date_strings(referrals["closed"])).where(referrals["closed"] >= 0),
                }
            ),
        )  # fmt: skip
    responses, answers = feedback_generate(rng, table, visits, share=0.2, mean_responses=2.5)
    n_responses = len(responses["day"])
    if n_responses:
        response_ids = _reserve_ids(FeedbackResponse, n_responses) + np.arange(n_responses)
        _copy(
            FeedbackResponse,
            ["id", "survey_id", "project_id", "visit_id", "collected_on", "sex", "age_group",
             "population_group", "status"],
            pd.DataFrame(
                {
                    "id": response_ids,
                    "survey": np.full(n_responses, ref.survey.pk),
                    "project": table.ids[responses["project"]],
                    "visit": visit_first + responses["visit"],
                    "day": _date_strings(responses["day"]),
                    "sex": np.array(SEXES, dtype=object)[responses["sex"]],
                    "age": np.array(AGE_GROUPS, dtype=object)[responses["age"]],
                    "population": np.array(POPULATION_GROUPS, dtype=object)[responses["population"]],
                    "status": status_names[responses["status"]],
                }
            ),
        )  # fmt: skip
        n_answers = answers.size
        width = max(len(q[3]) for q in QUESTIONS)
        values = np.array(
            [[c for c, _l, _s in q[3]] + [""] * (width - len(q[3])) for q in QUESTIONS],
            dtype=object,
        )
        questions = np.array([q.pk for q in ref.questions])
        _copy(
            Answer,
            ["id", "response_id", "question_id", "value"],
            pd.DataFrame(
                {
                    "id": _reserve_ids(Answer, n_answers) + np.arange(n_answers),
                    "response": np.repeat(response_ids, len(QUESTIONS)),
                    "question": np.tile(questions, n_responses),
                    "value": values[
                        np.tile(np.arange(len(QUESTIONS)), n_responses), answers.ravel()
                    ],
                }
            ),
        )
    log(f"referrals and feedback loaded ({time.monotonic() - started:.1f}s)")

    _foreign_keys_restore(foreign_keys)
    log(f"foreign keys validated ({time.monotonic() - started:.1f}s)")
    with connection.cursor() as cursor:
        for model in LOADED_MODELS:
            cursor.execute(f"ANALYZE {_table(model)}")
    elapsed = time.monotonic() - started
    log(f"analysed; scale load finished in {elapsed:.1f}s")
    return {
        **profile,
        "loaded": {
            "assistance records": n_records,
            "recipient cells": total_cells,
            "monitoring visits": n_visits,
            "referrals": n_referrals,
            "feedback responses": n_responses,
            "answers": int(answers.size),
        },
        "elapsed_s": round(elapsed, 1),
    }
