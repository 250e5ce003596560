"""The demo's reference data and the generators' constants: donors, sectors,
activity types, programmes, governorates, the survey and the demo users."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from beneficiaries.models import (
    RECIPIENT_CELLS,
    AgeGroup,
    PopulationGroup,
    Question,
    ReviewStatus,
    Sex,
)
from programmes.models import (
    Donor,
    Programme,
    Project,
    UserProfile,
)

Log = Callable[[str], None]


DEFAULT_SEED = 2018
DEMO_PASSWORD = "iomdash-demo"
#: Bump when the generated data changes shape, so a benchmark rebuilds its database.
GENERATOR_VERSION = 3

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

# Where operations concentrate (relative weights), and the places named in project names
# with the P-code of their district (Qayyarah, a sub-district, is in Al-Mosul).
GOVERNORATES = {
    "IQG01": (
        1.6,
        (
            ("Ramadi", "IQG01Q03"),
            ("Falluja", "IQG01Q01"),
            ("Heet", "IQG01Q07"),
            ("Al-Qaim", "IQG01Q02"),
        ),
    ),
    "IQG02": (
        0.8,
        (("Basrah", "IQG02Q02"), ("Abu Al-Khaseeb", "IQG02Q01"), ("Zubair", "IQG02Q06")),
    ),
    "IQG03": (0.3, (("Samawa", "IQG03Q04"), ("Rumaitha", "IQG03Q02"))),
    "IQG04": (0.5, (("Najaf", "IQG04Q03"), ("Kufa", "IQG04Q01"))),
    "IQG05": (0.4, (("Diwaniya", "IQG05Q02"), ("Afaq", "IQG05Q01"))),
    "IQG06": (
        1.0,
        (
            ("Sulaymaniyah", "IQG06Q01"),
            ("Halabja", "IQG06Q05"),
            ("Kalar", "IQG06Q06"),
            ("Darbandikhan", "IQG06Q03"),
        ),
    ),
    "IQG07": (0.6, (("Hilla", "IQG07Q02"), ("Mahawil", "IQG07Q03"), ("Musayab", "IQG07Q04"))),
    "IQG08": (
        1.2,
        (
            ("Karkh", "IQG08Q03"),
            ("Resafa", "IQG08Q06"),
            ("Abu Ghraib", "IQG08Q02"),
            ("Mahmoudiya", "IQG08Q05"),
        ),
    ),
    "IQG09": (
        1.3,
        (
            ("Duhok", "IQG09Q02"),
            ("Zakho", "IQG09Q04"),
            ("Sumel", "IQG09Q03"),
            ("Amedi", "IQG09Q01"),
        ),
    ),
    "IQG10": (1.0, (("Baquba", "IQG10Q04"), ("Khanaqin", "IQG10Q05"), ("Muqdadiya", "IQG10Q02"))),
    "IQG11": (
        1.3,
        (
            ("Erbil", "IQG11Q02"),
            ("Makhmour", "IQG11Q04"),
            ("Koysinjaq", "IQG11Q03"),
            ("Shaqlawa", "IQG11Q06"),
        ),
    ),
    "IQG12": (0.5, (("Kerbala", "IQG12Q03"), ("Al-Hindiya", "IQG12Q02"))),
    "IQG13": (
        1.4,
        (
            ("Kirkuk", "IQG13Q04"),
            ("Hawija", "IQG13Q01"),
            ("Daquq", "IQG13Q02"),
            ("Dibis", "IQG13Q03"),
        ),
    ),
    "IQG14": (0.5, (("Amara", "IQG14Q01"), ("Al-Maimouna", "IQG14Q04"))),
    "IQG15": (
        3.0,
        (
            ("Mosul", "IQG15Q05"),
            ("Al-Hamdaniya", "IQG15Q03"),
            ("Telafar", "IQG15Q08"),
            ("Sinjar", "IQG15Q07"),
            ("Qayyarah", "IQG15Q05"),
        ),
    ),
    "IQG16": (
        1.5,
        (
            ("Tikrit", "IQG16Q06"),
            ("Samarra", "IQG16Q05"),
            ("Baiji", "IQG16Q03"),
            ("Tooz", "IQG16Q07"),
        ),
    ),
    "IQG17": (
        0.6,
        (("Nassriya", "IQG17Q04"), ("Al-Shatra", "IQG17Q03"), ("Suq Al-Shoyokh", "IQG17Q05")),
    ),
    "IQG18": (0.4, (("Kut", "IQG18Q02"), ("Al-Suwaira", "IQG18Q04"))),
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
