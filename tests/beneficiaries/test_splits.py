"""Splits as they are recorded: sex only, age only, population group only,
crossed, or none; what the database refuses and what the services say (the
migration that turned the crossings into splits: ``tests/test_migrations_data.py``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from beneficiaries import selectors
from beneficiaries.models import AssistanceRecord
from beneficiaries.models_splits import splits_resolve
from tests.beneficiaries.test_services import draft, errors_of, line, world  # noqa: F401
from tests.factories import AssistanceRecordFactory

pytestmark = pytest.mark.django_db


def refused(callable_) -> bool:
    try:
        with transaction.atomic():
            callable_()
    except IntegrityError:
        return True
    return False


def test_a_sex_split_alone_is_stored_and_the_rest_is_not_recorded():
    record = AssistanceRecordFactory(people=120, households=20, sex_f=70)
    record.refresh_from_db()
    splits = record.splits()
    assert splits["sex"] == {"f": 70, "m": None, "not_recorded": 50}
    assert splits["age_group"]["not_recorded"] == 120
    assert splits["population_group"] == {
        "idp": None,
        "returnee": None,
        "host": None,
        "refugee": None,
        "not_recorded": 120,
    }
    assert record.recipients() == {}


@pytest.mark.parametrize(
    "columns, words",
    [
        ({"sex_f": 70, "sex_m": 60}, "Women + men (130) is more than the 120 people."),
        ({"age_0_5": 100, "age_60plus": 21}, "The age groups (121) is more than the 120 people."),
        ({"pop_idp": 121}, "The population groups (121) is more than the 120 people."),
    ],
)
def test_a_split_above_the_people_is_refused_by_the_database_and_by_clean(columns, words):
    record = AssistanceRecordFactory(people=120, households=20)
    assert refused(lambda: AssistanceRecord.objects.filter(pk=record.pk).update(**columns))
    for column, value in columns.items():
        setattr(record, column, value)
    with pytest.raises(ValidationError) as info:
        record.full_clean()
    assert info.value.message_dict["people"] == [words]


def test_a_crossing_beyond_its_splits_is_refused():
    record = AssistanceRecordFactory(people=10, households=2, sex_f=4, f_18_59_idp=4)
    assert record.age_18_59 == 4 and record.pop_idp == 4  # the cells' sums
    assert refused(lambda: AssistanceRecord.objects.filter(pk=record.pk).update(f_18_59_idp=5))
    # A NULL split (not recorded) allows no cell of it.
    assert refused(lambda: AssistanceRecord.objects.filter(pk=record.pk).update(pop_idp=None))
    record.f_18_59_idp = 5
    with pytest.raises(ValidationError) as info:
        record.full_clean()
    assert "Women (4) is fewer than the 5 of them" in info.value.message_dict["sex_f"][0]


def test_resolve_takes_the_cells_sums_only_where_no_split_is_given():
    values = splits_resolve({"f_18_59_idp": 4, "m_6_17_host": 2, "sex_f": 9})
    assert (values["sex_f"], values["sex_m"]) == (9, None)  # given: as given
    assert (values["age_18_59"], values["age_6_17"], values["age_0_5"]) == (4, 2, 0)
    assert (values["pop_idp"], values["pop_host"]) == (4, 2)
    nothing = splits_resolve({})
    assert nothing["sex_f"] is None and nothing["f_18_59_idp"] == 0


def test_a_visit_line_takes_a_population_split_alone(world):  # noqa: F811
    visit = draft(world)
    record = line(visit, world, people=6, recipients={"pop_returnee": 5})
    record.refresh_from_db()
    assert record.pop_returnee == 5 and record.sex_f is None and record.sex_m is None
    assert record.splits()["population_group"]["not_recorded"] == 1


def test_a_visit_line_says_which_split_is_too_big(world):  # noqa: F811
    visit = draft(world)
    with pytest.raises(ValidationError) as info:
        line(visit, world, people=120, households=20, recipients={"sex_f": 70, "sex_m": 60})
    assert errors_of(info)["people"] == ["Women + men (130) is more than the 120 people."]


def test_a_visit_shows_a_lines_splits_and_what_was_not_recorded(world):  # noqa: F811
    visit = draft(world)
    line(visit, world, people=120, households=20, recipients={"sex_f": 70, "pop_host": 120})
    (shown,) = selectors.visit_contents(visit)["lines"]
    cells = [(str(label), count) for label, count in shown.cells]
    assert cells == [("Women", 70), ("sex not recorded", 50), ("Host community", 120)]
