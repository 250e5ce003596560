"""A monitor on a phone, in Arabic or Kurdish, uploads a beneficiary list
whose delivery days are written with the month's name in that language and
Arabic-Indic digits: the check reads every day, and the page that shows it
is right to left, fits the phone and raises no JavaScript error. An English
name it quotes in an error stands between «» (mirrored right to left; “”
are not, and read ”Bakery kits“)."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings

from beneficiaries.models import ImportBatch
from tests.beneficiaries.imports.helpers import GOOD, HEADER, with_cells
from tests.beneficiaries.test_services import build_world

# The first of March 2018, as an Iraqi list says it in each language.
DAYS = {"ar": ["١ آذار ٢٠١٨", "1 اذار 2018"], "ckb": ["١ ئازار ٢٠١٨", "1 ئازار 2018"]}


@pytest.fixture
def world(transactional_db, eager_tasks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_ROOT = tmp_path / "imports"
    return build_world()


@pytest.mark.parametrize("language", ["ar", "ckb"])
def test_a_list_dated_with_local_month_names_is_read_on_a_phone(phone_page, world, language):
    phone_page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": phone_page.base_url}]
    )
    phone_page.sign_in("alice")
    phone_page.goto("/visits/import/")
    page = phone_page.page
    out = io.StringIO()
    rows = [with_cells(GOOD, delivered_on=day) for day in DAYS[language]]
    rows.append(with_cells(GOOD, activity_type="Bakery kits"))
    csv.writer(out).writerows([HEADER, *rows])
    page.set_input_files(
        "input[name=file]",
        {"name": "قائمة.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()},
    )
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    batch = ImportBatch.objects.get()
    assert f"/visits/import/{batch.pk}/" in page.url, page.url
    assert [(e["row"], e["column"]) for e in batch.errors] == [(4, "activity_type")]
    assert [row["delivered_on"] for row in batch.preview] == ["2018-03-01"] * 3
    assert "«Bakery kits»" in page.inner_text("main")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.screenshot(f"import-checked-{language}-360")
    assert phone_page.errors == []
