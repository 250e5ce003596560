"""The sources registry (``indicators/sources/``): the definitions offer what
it holds, and a source added to it is read by the engine and the figures
without any other edit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators import sources
from indicators.engine import recompute_full
from indicators.models import IndicatorDefinition
from indicators.selectors import FigureQuery, figures
from tests.factories import ProjectFactory
from tests.indicators.conftest import define, value


def test_a_definition_offers_every_registered_source_and_its_measures():
    field = IndicatorDefinition._meta.get_field("source")
    assert [code for code, _label in field.choices] == [s.code for s in sources.all()]
    for source in sources.all():
        if source.model is not None:  # a saved record asks to recompute this table's figures
            assert source.table == source.model._meta.db_table
        refused = {m for m in IndicatorDefinition.Measure.values if m not in source.measures}
        for measure in refused:
            definition = IndicatorDefinition(
                code="x", name="x", source=source.code, measure=measure
            )
            with pytest.raises(ValidationError) as error:
                definition.clean()
            assert "measure" in error.value.message_dict


def test_an_unknown_source_is_named_in_the_error():
    with pytest.raises(ValueError, match="'nowhere'"):
        sources.get("nowhere")


def test_a_source_registers_once():
    with pytest.raises(ValueError, match="twice"):
        sources.register(sources.get("projects"))


@pytest.mark.django_db
def test_a_new_source_is_read_by_the_engine_and_the_figures(monkeypatch):
    """A source registered as a copy of the projects' one gives the same
    figures: neither the engine nor the figures name a source."""
    copy = dataclasses.replace(sources.get("projects"), code="projects-copy")
    monkeypatch.setitem(sources._REGISTRY, copy.code, copy)
    ProjectFactory(start_date=dt.date(2024, 2, 10), budget_usd=Decimal("500"))
    ProjectFactory(start_date=dt.date(2024, 5, 3), budget_usd=Decimal("700"))
    define("budget", source="projects", measure="usd")
    define("budget-copy", source="projects-copy", measure="usd")
    recompute_full()
    assert value("budget-copy") == value("budget") == Decimal("1200")
    asked = [
        FigureQuery(definition=code, as_of=dt.date(2024, 3, 31))
        for code in ("budget", "budget-copy")
    ]
    found = figures(asked)
    assert found[asked[1]].cumulative == found[asked[0]].cumulative == Decimal("500")
