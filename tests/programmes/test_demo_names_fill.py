"""``demo_data --if-empty`` on a database loaded before ``demo/names.py``:
the demo's rows get their Arabic and Kurdish names where they have none, and
nothing else changes."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command

from demo import names
from indicators.models import IndicatorDefinition
from programmes.models import Programme

pytestmark = pytest.mark.django_db


def test_if_empty_writes_the_missing_names_of_the_demo_rows_only():
    crp = Programme.objects.create(
        code="CRP", name_en="Community Revitalization", name_ckb="Written by hand",
        outcome_area="human_capital", start_date=date(2020, 1, 1),
    )  # fmt: skip
    other = Programme.objects.create(
        code="X", name_en="Existing", outcome_area="human_capital", start_date=date(2020, 1, 1)
    )
    people = IndicatorDefinition.objects.create(
        code="people-reached", name_en="People reached", source="assistance", measure="people"
    )
    versions = crp.history.count()

    out = io.StringIO()
    call_command("demo_data", "--if-empty", stdout=out)

    crp.refresh_from_db()
    people.refresh_from_db()
    other.refresh_from_db()
    assert crp.name_ar == names.PROGRAMMES["CRP"][0]
    assert crp.name_ckb == "Written by hand"  # a written name stays
    assert crp.history.count() == versions + 1  # saved through the model: a version kept
    assert (people.name_ar, people.name_ckb) == names.DEFINITIONS["people-reached"]
    assert not other.name_ar and not other.name_ckb  # not the demo's: left alone
    assert Programme.objects.count() == 2  # no demo loaded
    assert "2 rows had none" in out.getvalue()

    again = io.StringIO()
    call_command("demo_data", "--if-empty", stdout=again)
    assert "had none" not in again.getvalue()
    assert crp.history.count() == versions + 1
