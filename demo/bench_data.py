"""The profile of the benchmark database, measured on its data (what ``make
bench`` prints before its figures)."""

from __future__ import annotations


def bench_records() -> dict:
    """{"records": the number of assistance records}."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM beneficiaries_assistancerecord")
        records = cursor.fetchone()[0]
    return {"records": records}


def bench_profile_description(*, seed: int) -> dict:
    """The profile of the benchmark database as measured on its data (docs/BENCHMARK.md)."""
    from django.db import connection

    from beneficiaries.models import RECIPIENT_FIELDS

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COUNT(DISTINCT a.governorate_id), COUNT(DISTINCT p.programme_id),
                   COUNT(DISTINCT p.donor_id), COUNT(DISTINCT a.project_id),
                   COUNT(DISTINCT a.activity_type_id),
                   MIN(a.delivered_on), MAX(a.delivered_on),
                   AVG((a.status = 'approved')::int), AVG((a.household_size IS NOT NULL)::int)
            FROM beneficiaries_assistancerecord a JOIN programmes_project p ON p.id = a.project_id
            """
        )
        g, pr, d, projects, activities, first, last, approved, sized = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM beneficiaries_monitoringvisit")
        visits = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COUNT(DISTINCT subdistrict_id), COUNT(DISTINCT district_id), "
            "AVG((subdistrict_id IS NULL)::int), "
            "AVG((sex_f IS NOT NULL AND age_0_5 IS NOT NULL AND pop_idp IS NOT NULL)::int), "
            "AVG((sex_f IS NOT NULL AND age_0_5 IS NULL)::int), "
            "AVG((pop_idp IS NOT NULL AND sex_f IS NULL)::int), AVG((sex_f IS NULL "
            "AND age_0_5 IS NULL AND pop_idp IS NULL)::int) FROM beneficiaries_assistancerecord"
        )
        subdistricts, districts, unplaced, crossed, sex_only, group_only, unsplit = (
            cursor.fetchone()
        )
        cursor.execute(
            "SELECT COUNT(*) FILTER (WHERE national), COUNT(*) FILTER (WHERE NOT national "
            "AND governorate_id IS NULL), COUNT(*) FROM programmes_project"
        )
        national, multi_place, all_projects = cursor.fetchone()
        total = " + ".join(f"a.{column}" for column in RECIPIENT_FIELDS)
        cursor.execute(
            f"SELECT AVG(({total} = a.people)::int) FROM beneficiaries_assistancerecord a"
        )
        disaggregated = cursor.fetchone()[0]
    return {
        "seed": seed,
        "governorates": g,
        "programmes": pr,
        "donors": d,
        "projects": projects,
        "activity_types": activities,
        "first_day": str(first),
        "last_day": str(last),
        "approved_share": round(float(approved), 3),
        "household_size_share": round(float(sized), 3),
        "visits": visits,
        "fully_disaggregated_share": round(float(disaggregated), 3),
        "subdistricts_used": subdistricts,
        "districts_used": districts,
        "records_without_subdistrict_share": round(float(unplaced), 3),
        "splits_share": {
            "crossed": round(float(crossed), 3),
            "sex_only": round(float(sex_only), 3),
            "population_group_only": round(float(group_only), 3),
            "not_split": round(float(unsplit), 3),
        },
        "projects_all": all_projects,
        "projects_national": national,
        "projects_several_places": multi_place,
    }
