"""The demo indicator definitions: the figures of the IOM Iraq snapshots
(../shared/seeds/000 and 001), as data. Created by ``manage.py demo_data``."""

from __future__ import annotations

from beneficiaries.models import ActivityType
from demo.names import DEFINITIONS as NAMES
from demo.names import names_of
from indicators.models import IndicatorDefinition

# code, name, source, measure, multiplier?, accumulation, activity codes, project statuses
DEFINITIONS = [
    ("people-reached", "Beneficiaries reached (households × household size)", "assistance", "people", True, "cumulative", (), ()),
    ("direct-recipients", "Direct recipients of assistance", "assistance", "people", False, "cumulative", (), ()),
    ("households-reached", "Households reached", "assistance", "households", False, "cumulative", (), ()),
    ("bsp-packages", "Business support packages", "assistance", "units", False, "cumulative", ("business-support-package",), ()),
    ("bsp-beneficiaries", "Beneficiaries supported through business support packages", "assistance", "people", True, "cumulative", ("business-support-package",), ()),
    ("bep-packages", "Business enhancement packages", "assistance", "units", False, "cumulative", ("business-enhancement-package",), ()),
    ("bep-beneficiaries", "Beneficiaries supported through business enhancement packages", "assistance", "people", True, "cumulative", ("business-enhancement-package",), ()),
    ("vt-trainees", "People trained in vocational skills", "assistance", "people", False, "cumulative", ("vocational-training",), ()),
    ("ojt-trainees", "People in on-the-job training", "assistance", "people", False, "cumulative", ("on-the-job-training",), ()),
    ("bds-recipients", "People receiving business development services", "assistance", "people", False, "cumulative", ("business-development-services",), ()),
    ("farmer-trainees", "Farmers trained", "assistance", "people", False, "cumulative", ("farmer-training",), ()),
    ("cash-for-work", "People employed through cash for work", "assistance", "people", False, "cumulative", ("cash-for-work",), ()),
    ("joint-businesses", "Joint and association businesses", "assistance", "units", False, "cumulative", ("joint-business", "association-business"), ()),
    ("joint-business-beneficiaries", "Beneficiaries supported through joint and association businesses", "assistance", "people", True, "cumulative", ("joint-business", "association-business"), ()),
    ("mpca-beneficiaries", "Beneficiaries of multipurpose cash (× household size)", "assistance", "people", True, "cumulative", ("multipurpose-cash",), ()),
    ("nfi-kits", "NFI kits distributed", "assistance", "units", False, "cumulative", ("nfi-kit",), ()),
    ("facilities-rehabilitated", "Facilities rehabilitated", "assistance", "units", False, "cumulative", ("infrastructure-rehabilitation",), ()),
    ("facility-users", "People with access to rehabilitated facilities", "assistance", "people", False, "cumulative", ("infrastructure-rehabilitation",), ()),
    ("policing-trainees", "People trained in community policing", "assistance", "people", False, "cumulative", ("community-policing-training",), ()),
    ("awareness-participants", "Participants in awareness-raising sessions", "assistance", "people", False, "cumulative", ("awareness-session",), ()),
    ("psychosocial-participants", "Participants in psychosocial support", "assistance", "people", False, "cumulative", ("psychosocial-support",), ()),
    ("deliveries", "Deliveries recorded", "assistance", "records", False, "periodic", (), ()),
    ("active-projects", "Projects delivering assistance", "assistance", "projects", False, "periodic", (), ()),
    ("projects", "Projects", "projects", "records", False, "cumulative", (), ()),
    ("projects-completed", "Projects completed", "projects", "records", False, "cumulative", (), ("completed",)),
    ("projects-ongoing", "Projects ongoing", "projects", "records", False, "cumulative", (), ("ongoing",)),
    ("monitoring-visits", "Monitoring visits conducted", "visits", "records", False, "cumulative", (), ()),
    ("feedback-responses", "Beneficiary feedback surveys conducted", "feedback", "records", False, "cumulative", (), ()),
    ("contributions-usd", "Donor contributions (US$)", "contributions", "usd", False, "cumulative", (), ()),
]  # fmt: skip


# The snapshot section (outcome area) of each demo figure; the others (headline
# totals, periodic counts, contributions) are shown outside the sections.
SECTIONS = {
    "vt-trainees": "human_capital",
    "ojt-trainees": "human_capital",
    "bds-recipients": "human_capital",
    "farmer-trainees": "human_capital",
    "bsp-packages": "local_economies",
    "bsp-beneficiaries": "local_economies",
    "bep-packages": "local_economies",
    "bep-beneficiaries": "local_economies",
    "cash-for-work": "local_economies",
    "joint-businesses": "local_economies",
    "joint-business-beneficiaries": "local_economies",
    "mpca-beneficiaries": "local_economies",
    "facilities-rehabilitated": "social_services",
    "facility-users": "social_services",
    "nfi-kits": "social_services",
    "projects": "social_services",
    "projects-completed": "social_services",
    "projects-ongoing": "social_services",
    "policing-trainees": "safer_communities",
    "awareness-participants": "safer_communities",
    "psychosocial-participants": "safer_communities",
    "monitoring-visits": "accountability",
    "feedback-responses": "accountability",
}


# Where the dashboards show the demo figures (see indicators/migrations/0005).
HEADLINES = {
    "people-reached",
    "direct-recipients",
    "households-reached",
    "projects",
    "monitoring-visits",
    "feedback-responses",
    "contributions-usd",
}
DASHBOARD_ROLES = {
    "people-reached": "map",
    "direct-recipients": "splits",
    "contributions-usd": "contributions",
    "projects": "projects",
    "projects-completed": "projects_completed",
    "projects-ongoing": "projects_ongoing",
}


def demo_definitions_ensure() -> int:
    """Create or update the demo definitions (idempotent, by code: a rerun
    writes nothing, history included); activity types missing from the
    database are left out of a filter. Returns how many."""
    activity_ids = dict(ActivityType.objects.values_list("code", "pk"))
    existing = {d.code: d for d in IndicatorDefinition.objects.prefetch_related("activity_types")}
    for position, (
        code,
        name,
        source,
        measure,
        multiply,
        accumulation,
        activities,
        statuses,
    ) in enumerate(DEFINITIONS):
        fields = {
            "name_en": name,
            **names_of(NAMES, code),
            "source": source,
            "measure": measure,
            "apply_multiplier": multiply,
            "accumulation": accumulation,
            "project_statuses": list(statuses),
            "position": position,
            "is_active": True,
            "section": SECTIONS.get(code, ""),
            "headline": code in HEADLINES,
            "dashboard_role": DASHBOARD_ROLES.get(code, ""),
        }
        definition = existing.get(code) or IndicatorDefinition(code=code)
        if definition.pk is None or any(getattr(definition, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(definition, key, value)
            definition.save()
        wanted = {activity_ids[c] for c in activities if c in activity_ids}
        if {a.pk for a in definition.activity_types.all()} != wanted:
            definition.activity_types.set(wanted)
    return len(DEFINITIONS)
