"""The demo's shared reach, from the Q2 2018 snapshot (../shared/seeds/001):
"660* beneficiaries supported through 29 joint businesses and 9 association
businesses". Two lines of one delivery, 29 joint and 9 association
businesses, reached 110 households together (660* people at 6 a household):
one reach, counted once (``beneficiaries.models_reach``). Written after the
generated projects, with the same ``DEMO-`` prefix, so a rerun deletes and
writes them again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from beneficiaries.models import ActivityType, AssistanceRecord, ReviewStatus, SharedReach
from demo.build import Reference, _sync
from demo.spec import DEMO_PREFIX
from programmes.models import District, Project

CODE = f"{DEMO_PREFIX}EDF-JB"
DELIVERED = date(2021, 6, 15)
PLACE = "IQG15Q05"  # Al-Mosul district, Ninewa
# (activity code, name, businesses)
LINES = [
    ("joint-business", "Joint business", 29),
    ("association-business", "Association business", 9),
]
HOUSEHOLDS = 110


def shared_reach_load(ref: Reference) -> dict[str, int]:
    """The project, its two activity types and the two approved lines sharing
    one reach (earlier ones deleted with the other ``DEMO-`` records, their
    reach here); returns the counts written."""
    SharedReach.objects.filter(lines__isnull=True).delete()  # a rerun's leftovers
    activities = {}
    for code, name, _count in LINES:
        activity, _created = ActivityType.objects.get_or_create(
            code=code, defaults={"name": name, "unit": "business"}
        )
        activity.sectors.add(ref.sectors["livelihoods"])
        activities[code] = activity
    district = District.objects.defer("boundary").get(pcode=PLACE)
    project = _sync(
        Project,
        "code",
        [
            {
                "code": CODE,
                "name": "Joint and association businesses in Mosul",
                "programme_id": ref.programmes["EDF"].pk,
                "sector_id": ref.sectors["livelihoods"].pk,
                "donor_id": ref.donors["USA"].pk,
                "kind": Project.Kind.LIVELIHOODS,
                "status": Project.Status.COMPLETED,
                "national": False,
                "governorate_id": district.governorate_id,
                "district_id": district.pk,
                "start_date": date(2021, 1, 1),
                "end_date": date(2021, 12, 31),
                "budget_usd": Decimal("450000.00"),
            }
        ],
    )[CODE]
    reach = SharedReach.objects.create(households=HOUSEHOLDS, people=HOUSEHOLDS)
    records = []
    for code, _name, businesses in LINES:
        record = AssistanceRecord(
            project=project,
            activity_type=activities[code],
            delivered_on=DELIVERED,
            units=businesses,
            reach=reach,
            status=ReviewStatus.APPROVED,
        )
        record.place_set(district)
        records.append(record)
    AssistanceRecord.objects.bulk_create(records)
    return {"shared reaches": 1, "shared reach lines": len(records)}
