"""The demo's national project: one project of the Family Assistance
Programme with no place of its own (``Project.national``), whose cash
transfers were delivered in four governorates. Its records count where each
was delivered: in Ninewa's, Anbar's, Kirkuk's and Salah al-Din's figures, not
in a governorate of the project's. Written after the generated projects,
with the same ``DEMO-`` prefix, so a rerun deletes and writes them again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from beneficiaries.models import AssistanceRecord, ReviewStatus
from demo.build import Reference, _sync
from demo.spec import DEMO_PREFIX
from programmes.models import District, Governorate, Project, ProjectPlace

CODE = f"{DEMO_PREFIX}NAT-01"

# (place P-code, month delivered, households reached, people): the finest
# place known, a governorate, a district or a sub-district.
DELIVERIES = [
    ("IQG15Q05", date(2021, 5, 10), 120, 120),  # Al-Mosul district, Ninewa
    ("IQG15Q05", date(2021, 11, 3), 95, 95),
    ("IQG01", date(2021, 6, 14), 80, 80),  # Anbar
    ("IQG01", date(2022, 2, 8), 60, 60),
    ("IQG13Q01", date(2021, 9, 21), 45, 45),  # Al-Hawiga district, Kirkuk
    ("IQG16", date(2022, 4, 12), 70, 70),  # Salah al-Din
]


def national_project_load(ref: Reference) -> dict[str, int]:
    """The national project and its approved records (earlier ones deleted
    with the other ``DEMO-`` records); returns the counts written."""
    project = _sync(
        Project,
        "code",
        [
            {
                "code": CODE,
                "name": "Nationwide multipurpose cash for returning families",
                "programme_id": ref.programmes["FAP"].pk,
                "sector_id": ref.sectors["protection"].pk,
                "donor_id": ref.donors["USA"].pk,
                "kind": Project.Kind.LIVELIHOODS,
                "status": Project.Status.ONGOING,
                "national": True,
                "governorate_id": None,
                "district_id": None,
                "start_date": date(2021, 4, 1),
                "end_date": None,
                "budget_usd": Decimal("1200000.00"),
            }
        ],
    )[CODE]
    ProjectPlace.objects.filter(project=project).delete()  # national: no places
    governorates = {g.pcode: g for g in Governorate.objects.defer("boundary")}
    districts = {d.pcode: d for d in District.objects.defer("boundary")}
    records = []
    for pcode, day, households, people in DELIVERIES:
        record = AssistanceRecord(
            project=project,
            activity_type=ref.activities["multipurpose-cash"],
            delivered_on=day,
            units=households,
            households=households,
            people=people,
            status=ReviewStatus.APPROVED,
        )
        record.place_set(districts.get(pcode) or governorates[pcode])
        records.append(record)
    AssistanceRecord.objects.bulk_create(records)
    return {"national projects": 1, "national project records": len(records)}
