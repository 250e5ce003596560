"""A list names an activity type in English or in Arabic (#15), whatever
the language of the page it is uploaded from."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.beneficiaries.imports.helpers import GOOD, batch_of, csv_file, upload, with_cells

pytestmark = pytest.mark.django_db

BSP_AR = "حزمة دعم الأعمال"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_activity_type_is_found_by_its_name_in_either_language(client, world, language):
    world["bsp"].name_ar = BSP_AR
    world["bsp"].save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    rows = [GOOD, with_cells(GOOD, activity_type=BSP_AR)]
    batch = batch_of(upload(client, world["alice"], csv_file(rows)))
    assert batch["errors_total"] == 0, batch["errors"]
