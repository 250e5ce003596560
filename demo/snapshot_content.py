"""What the demo's reporting officer writes in the two demo series: the
sections, narratives with live references, headline figures, tables, stories
and footnotes of a quarterly CRP snapshot in the shape of seed 000 and of a
monthly "Community Transition and Recovery" snapshot (CRP and RRP) in the
shape of seed 001, plus the small edits made to each later period's copy.

Pure data: ``demo.snapshots`` writes it through the authoring services. It is
demo content an officer would type (like the generator's findings and
captions), so it is not translated. Places are named as the demo's projects
name them (``district=Muqdadiya``) or by P-code (``governorate=IQG18``):
both keep resolving when districts become P-coded places. Every number in a
narrative is a reference, so the text never disagrees with the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from string import Template

Block = tuple[str, dict]

# The sectors the seeds print under "Infrastructure" (projects by sector and status).
INFRASTRUCTURE_SECTORS = [
    "education",
    "health",
    "water-sanitation",
    "energy",
    "recreation",
    "community-centres",
]


@dataclass(frozen=True)
class StoryTemplate:
    """A story whose photo is chosen when the draft is written (the next
    approved photo of the portfolio). ``title`` and ``text`` are
    ``string.Template`` strings: ``$governorate`` is the name of the photo's
    governorate, ``$pcode`` its P-code (for references)."""

    title: str
    text: str

    def content(self, photo) -> dict:
        """The story block's content for ``photo`` (a Photo, or None)."""
        governorate = photo.visit.project.governorate if photo is not None else None
        names = {
            "governorate": governorate.name_iom if governorate else "Iraq",
            "pcode": governorate.pcode if governorate else "",
        }
        text = Template(self.text).substitute(names)
        if governorate is None:  # no photo: no place to cut by
            text = text.replace(" governorate=}", "}")
        return {
            "photo": photo.pk if photo is not None else None,
            "title": Template(self.title).substitute(names),
            "text": text,
            "caption": photo.caption if photo is not None else "",
        }


@dataclass(frozen=True)
class SectionSpec:
    """One section as the officer leaves it: ``key`` is an outcome area of
    the default sections, or a new key for a section the officer adds."""

    key: str
    title: str
    blocks: list[Block | StoryTemplate] = field(default_factory=list)
    footnotes: str = ""
    hidden: bool = False


@dataclass(frozen=True)
class Edit:
    """A change the officer makes to a copied-forward draft: in the narrative
    of section ``key``, ``old`` becomes ``new``."""

    key: str
    old: str
    new: str


def narrative(text: str) -> Block:
    return ("narrative", {"text": text.strip()})


def figures(*items: str | tuple[str, str] | tuple[str, str, str]) -> Block:
    """A figures block: each item a reference, or (reference, label[, footnote])."""
    out = []
    for item in items:
        ref, label, footnote = (item, "", "") if isinstance(item, str) else (*item, "")[:3]
        out.append({"ref": ref, "label": label, "footnote": footnote})
    return ("figures", {"items": out})


def sector_table(title: str) -> Block:
    return ("table", {"kind": "sector_status", "title": title, "sectors": INFRASTRUCTURE_SECTORS})


def groups_table(title: str, ref: str = "direct-recipients") -> Block:
    return ("table", {"kind": "population_groups", "title": title, "ref": ref})


def custom_table(title: str, *rows: tuple[str, str]) -> Block:
    return (
        "table",
        {
            "kind": "custom",
            "title": title,
            "rows": [{"label": label, "ref": ref} for label, ref in rows],
        },
    )


STARRED = "* Figure multiplied by 6 (average household size in Iraq) where the household size was not recorded."
CUMULATIVE = "Figures are cumulative since the programme began; the period's own figure is printed under each."

# --- Quarterly: Community Revitalization Programme (seed 000) ------------------------------

QUARTERLY_TITLE = "IOM Community Revitalization Programme"
QUARTERLY_SERIES = "Community Revitalization Programme — quarterly snapshot"

QUARTERLY: list[SectionSpec] = [
    SectionSpec(
        "accountability",
        "Accountability to Communities: Assessments, Planning and Participation",
        [
            narrative("""
Community selection is based on socio-economic fragility criteria. IOM then conducts assessments with community members, so that interventions answer the needs they name. Since the programme began, IOM monitors have made {monitoring-visits} monitoring visits, {monitoring-visits show=period} of them this quarter.

Beneficiaries are asked what they think of the assistance: {feedback-responses} have answered the feedback survey so far. Issues they raise are referred to the relevant IOM staff for resolution.
"""),
            figures(
                ("monitoring-visits", "monitoring visits conducted"),
                ("feedback-responses", "beneficiaries surveyed for feedback"),
                (
                    "direct-recipients activity=community-action-planning",
                    "community members consulted in action planning meetings",
                ),
            ),
            groups_table("Direct recipients by population group"),
            StoryTemplate(
                "Listening to the community in $governorate",
                "IOM staff met community members in $governorate to identify the problems of their neighbourhood and possible solutions. The programme has reached {people-reached governorate=$pcode} people in $governorate since it began.",
            ),
        ],
        footnotes="Assessments include service point mapping, key informant interviews, household surveys and townhall meetings.",
    ),
    SectionSpec(
        "social_services",
        "Access to Basic Services",
        [
            narrative("""
In coordination with other humanitarian actors, IOM works with communities to rehabilitate essential services and infrastructure, on the priorities set by communities and local authorities.

The programme has rehabilitated {facilities-rehabilitated} facilities, {facilities-rehabilitated show=period} of them this quarter; **{facility-users} people** now use them. In Wassit alone, {facility-users governorate=IQG18} people use rehabilitated schools, health centres and water networks.
"""),
            figures(
                ("projects", "projects"),
                ("projects-completed", "projects completed"),
                ("facilities-rehabilitated", "facilities rehabilitated"),
                (
                    "facility-users district=Al-Suwaira",
                    "people with access to rehabilitated facilities",
                ),
            ),
            sector_table("Infrastructure projects by sector and status"),
        ],
        footnotes="The table includes quick impact projects and community service projects.",
    ),
    SectionSpec(
        "human_capital",
        "Enhancing Human Capital",
        [
            narrative("""
IOM promotes the building of human capital among vulnerable Iraqis affected by conflict. It provides technical training to enhance vocational skills and builds capacity for viable and sustainable businesses.

So far {vt-trainees} people have completed vocational training, {ojt-trainees} have trained on the job and {bds-recipients} have received business development services.
"""),
            figures(
                ("vt-trainees", "people trained in vocational skills"),
                ("ojt-trainees", "people in on-the-job training"),
                ("bds-recipients", "business development services provided"),
            ),
            custom_table(
                "Trainings",
                ("Vocational training", "vt-trainees"),
                ("On-the-job training", "ojt-trainees"),
                ("Business development services", "bds-recipients"),
                ("Farmer training", "farmer-trainees"),
            ),
        ],
    ),
    SectionSpec(
        "local_economies",
        "Supporting Local Economies",
        [
            narrative("""
IOM supports local development with livelihood trainings, business support packages and business enhancement packages, matched with the market opportunities that assessments find.

{bsp-beneficiaries} beneficiaries were supported through {bsp-packages} business support packages, {bsp-beneficiaries district=Al-Hamdaniya} of them in Al-Hamdaniya. Cash for work employed {cash-for-work show=period} people this quarter and {cash-for-work} since the programme began.
"""),
            figures(
                ("bsp-beneficiaries", "beneficiaries supported through business support packages"),
                (
                    "bep-beneficiaries",
                    "beneficiaries supported through business enhancement packages",
                ),
                (
                    "bsp-beneficiaries district=Al-Hamdaniya",
                    "beneficiaries supported through business support packages",
                ),
                ("cash-for-work governorate=IQG18", "people employed through cash for work"),
            ),
            ("gender", {"ref": "direct-recipients"}),
            StoryTemplate(
                "Back in business in $governorate",
                "After a business development course, beneficiaries in $governorate received the packages that let them reopen their shops. Their families now rely on a steady income again.",
            ),
            StoryTemplate(
                "Cash for work in $governorate",
                "Daily workers hired through cash for work cleared and rebuilt public spaces in $governorate, earning an income while their community recovers.",
            ),
        ],
        footnotes=STARRED,
    ),
    SectionSpec(
        "good_governance",
        "Good Governance",
        [
            narrative("""
Through civic engagement that brings communities and government authorities together, IOM promotes good governance at the local level. Open dialogue builds trust and strengthens local planning.

{direct-recipients activity=community-action-planning} community members have taken part in community action planning meetings, and {awareness-participants} people in awareness-raising sessions.
"""),
            figures(("awareness-participants", "participants in awareness-raising sessions")),
            StoryTemplate(
                "Planning with the local authorities of $governorate",
                "Community Engagement Teams presented their action plan to the local authorities of $governorate, who agreed to support its priorities.",
            ),
        ],
    ),
    SectionSpec(
        "safer_communities",
        "Safer Communities",
        [
            narrative("""
Community policing builds trust between security actors and the wider community. Community policing fora offer a place where security issues are discussed before they turn into violence.

{policing-trainees} community members and officers have been trained in community policing, {policing-trainees governorate=IQG15} of them in Ninewa.
"""),
            figures(
                ("policing-trainees", "people trained in community policing"),
                ("policing-trainees governorate=IQG15", "people trained in community policing"),
            ),
        ],
    ),
]

# Q3 is a copy of Q2, brought up to date by the officer.
QUARTERLY_EDITS = [
    Edit(
        "accountability",
        "Issues they raise are referred to the relevant IOM staff for resolution.",
        "Issues they raise are referred to the relevant IOM staff for resolution; this quarter, most concerned delays in construction works.",
    ),
    Edit(
        "social_services",
        "In Wassit alone,",
        "Works continued in Wassit, where",
    ),
]

# --- Monthly: Community Transition and Recovery Programme (seed 001) -----------------------

MONTHLY_PROGRAMMES = ("CRP", "RRP")
MONTHLY_TITLE = "IOM Community Transition and Recovery Programme"
MONTHLY_SERIES = "Community Transition and Recovery — monthly snapshot"

MONTHLY: list[SectionSpec] = [
    SectionSpec(
        "rapid-recovery",
        "Mosul Response in Retaken Areas: Rapid Recovery Programme",
        [
            narrative("""
IOM uses the Rapid Recovery Programme to deliver assistance as soon as retaken areas become accessible. The programme restarts micro and small enterprises, restores access to critical services and works with the local government and community.

In Diyala, {bsp-beneficiaries programme=RRP district=Muqdadiya} beneficiaries in Muqdadiya and {bsp-beneficiaries programme=RRP district=Baquba} in Baquba were supported through business support packages.
"""),
            figures(
                (
                    "bsp-beneficiaries programme=RRP district=Muqdadiya",
                    "beneficiaries supported through business support packages",
                ),
                (
                    "bep-beneficiaries programme=RRP district=Muqdadiya",
                    "beneficiaries supported through business enhancement packages",
                ),
                (
                    "bsp-beneficiaries programme=RRP district=Baquba",
                    "beneficiaries supported through business support packages",
                ),
                (
                    "bsp-beneficiaries programme=RRP district=Sinjar",
                    "beneficiaries supported through business support packages",
                ),
                (
                    "bep-beneficiaries programme=RRP district=Falluja",
                    "beneficiaries supported through business enhancement packages",
                ),
                (
                    "facilities-rehabilitated programme=RRP district=Sinjar",
                    "facilities rehabilitated",
                ),
            ),
        ],
        footnotes=STARRED,
    ),
    SectionSpec(
        "accountability",
        "Community Ownership – Assessment & Engagement",
        [
            narrative("""
Community selection is based on socio-economic fragility criteria, following which IOM conducts assessments to understand community needs. IOM works with community platforms and supports the inclusion of women, youth and minorities.

{direct-recipients activity=community-action-planning} community members have been consulted in planning meetings, and monitors have made {monitoring-visits} visits.
"""),
            figures(
                (
                    "direct-recipients activity=community-action-planning",
                    "community members consulted",
                ),
                ("monitoring-visits", "monitoring visits conducted"),
                ("feedback-responses", "beneficiaries surveyed for feedback"),
            ),
        ],
    ),
    SectionSpec(
        "social_services",
        "Access to Social Services",
        [
            narrative("""
IOM works with communities to rehabilitate essential social services and infrastructure, on the priorities of communities and local authorities.

{facilities-rehabilitated} facilities have been rehabilitated, {facilities-rehabilitated show=period} of them this month, and {direct-recipients activity=childcare-services} children are enrolled in childcare services.
"""),
            figures(
                ("facilities-rehabilitated", "facilities rehabilitated"),
                ("facility-users", "people with access to rehabilitated facilities"),
                (
                    "direct-recipients activity=childcare-services",
                    "children enrolled in childcare services",
                ),
                (
                    "direct-recipients activity=transportation-services",
                    "students provided with transportation",
                ),
            ),
            groups_table("Beneficiaries by population group"),
            StoryTemplate(
                "A service restored in $governorate",
                "Residents of $governorate use the rehabilitated facility every day. {facility-users governorate=$pcode} people in $governorate now have access to rehabilitated services.",
            ),
        ],
        footnotes=CUMULATIVE,
    ),
    SectionSpec(
        "local_economies",
        "Supporting Local Economies",
        [
            narrative("""
IOM carries out livelihood trainings and provides business support and enhancement packages, matched with market opportunities.

{bsp-beneficiaries} beneficiaries were supported through {bsp-packages} business support packages, and {cash-for-work} people have been employed through cash for work, {cash-for-work show=period} of them this month.
"""),
            figures(
                ("bsp-beneficiaries", "beneficiaries supported through business support packages"),
                (
                    "bep-beneficiaries",
                    "beneficiaries supported through business enhancement packages",
                ),
                ("vt-trainees", "beneficiaries graduated from vocational training"),
                ("bds-recipients", "beneficiaries received business development services"),
                ("farmer-trainees", "beneficiaries receiving farmer training"),
                ("cash-for-work", "people employed through cash for work"),
            ),
            ("gender", {"ref": "direct-recipients"}),
            StoryTemplate(
                "A grocery that pays for school in $governorate",
                "After a business development course, a father of seven in $governorate received a start-up package and opened a grocery. A few months later he had repaid his loan and sent his daughter back to school.",
            ),
        ],
        footnotes=STARRED,
    ),
    SectionSpec(
        "safer_communities",
        "Safer Communities",
        [
            narrative("""
Community policing contributes to safer and more secure communities by building trust between security actors and the wider community.

{policing-trainees} community members and officials have been trained in community policing.
"""),
            figures(
                ("policing-trainees", "community members trained in community policing"),
                ("awareness-participants", "participants in awareness-raising sessions"),
            ),
        ],
    ),
    # Seed 001 has no page of its own for these: kept, hidden, for later months.
    SectionSpec("human_capital", "Enhancing Human Capital", hidden=True),
    SectionSpec("good_governance", "Good Governance", hidden=True),
]

MONTHLY_EDITS = [
    [
        Edit(
            "local_economies",
            "IOM carries out livelihood trainings",
            "This month IOM continued cash for work in Wassit. IOM carries out livelihood trainings",
        )
    ],
    [
        Edit(
            "local_economies",
            "This month IOM continued cash for work in Wassit.",
            "Cash for work in Wassit continued this month, alongside new rehabilitation works.",
        ),
        Edit(
            "social_services",
            "on the priorities of communities and local authorities.",
            "on the priorities of communities and local authorities. Rehabilitation works continued in Wassit and Thi-Qar this month.",
        ),
    ],
]

# --- Both ----------------------------------------------------------------------------------

DISCLAIMER = (
    "The opinions expressed within the Snapshot are those of the authors and do not necessarily "
    "reflect the views of the International Organization for Migration (IOM). The designations "
    "employed and the presentation of material throughout the report do not imply the expression "
    "of any opinion on the part of IOM concerning the legal status of any country, territory, "
    "city or area, of its authorities, or concerning its frontiers or boundaries.\n\n"
    "This is a demonstration document: its figures are generated, not IOM's."
)
CONTACT = "\n".join(
    [
        "IOM Iraq",
        "Main Office in Baghdad",
        "UNAMI Compound DIWAN 2",
        "International Zone, Baghdad, Iraq",
        "Tel: +964 000 000 0000 (demo)",
        "E-mail: iraq-snapshots@example.org",
    ]
)
