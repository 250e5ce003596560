"""A download names projects, sectors, activity types and figures in the
reader's language (#15), English where a name has no translation; the HXL
hashtags stay as they are."""

from __future__ import annotations

from django.conf import settings

from beneficiaries.models import ActivityType
from programmes.models import Sector
from tests.exports.conftest import download

RECORDS = "assistance-records"
LIVELIHOODS_AR = "سبل العيش"
BSP_AR, PACKAGE_AR = "حزمة دعم الأعمال", "حزمة"


def test_a_records_download_names_things_in_the_readers_language(client, portfolio, users):
    record = portfolio["records"]["ninewa"]
    Sector.objects.filter(pk=record.project.sector_id).update(name_ar=LIVELIHOODS_AR)
    ActivityType.objects.filter(pk=record.activity_type_id).update(
        name_ar=BSP_AR, unit_ar=PACKAGE_AR
    )
    rows = download(client, users["admin"], RECORDS, project="RRP-NIN-1")
    english = dict(zip(rows[1], rows[2], strict=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    rows = download(client, users["admin"], RECORDS, project="RRP-NIN-1")
    arabic = dict(zip(rows[1], rows[2], strict=True))
    assert (arabic["#sector"], english["#sector"]) == (LIVELIHOODS_AR, "Livelihoods")
    assert (arabic["#activity+type+name"], arabic["#output+unit"]) == (BSP_AR, PACKAGE_AR)
    assert english["#activity+type+name"] != BSP_AR
    # The project has no Arabic name: its English one.
    assert arabic["#activity+project+name"] == english["#activity+project+name"]
