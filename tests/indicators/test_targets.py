"""Targets and progress: the actual against a target on a given day, on track
or behind from the time elapsed, and the target's history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.engine import recompute_full
from indicators.models import Target
from indicators.periods import period_parse
from indicators.selectors import target_progress
from indicators.target_services import target_delete, target_set
from tests.factories import ProgrammeFactory, ProjectFactory, district, governorate, user_with_role
from tests.indicators.conftest import define, record
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db

YEAR = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))


@shared_for_module
def world():
    crp = ProgrammeFactory(code="CRP")
    mosul = district("IQG15Q05")
    kirkuk = ProjectFactory(programme=crp, governorate=governorate("IQG13"))
    ninewa = ProjectFactory(programme=crp, district=mosul, governorate=mosul.governorate)
    people = define("people", source="assistance", measure="people")
    admin = user_with_role("admin", username="root")
    # 2017 counts in no 2018 target; 2018: 30 in Kirkuk (20 of them women), 10 in Mosul.
    record(kirkuk, on=dt.date(2017, 12, 31), households=99, people=99)
    record(kirkuk, on=dt.date(2018, 2, 10), households=30, people=30,
           recipients={("f", "18-59", "idp"): 20, ("m", "18-59", "idp"): 10})  # fmt: skip
    record(ninewa, on=dt.date(2018, 8, 1), households=10, people=10)
    recompute_full()
    return {"crp": crp, "kirkuk": kirkuk, "ninewa": ninewa, "mosul": mosul,
            "people": people, "admin": admin}  # fmt: skip


def _set(world, **fields):
    base = {"definition": world["people"], "programme": world["crp"], "value": Decimal(100)}
    start, end = YEAR
    return target_set(
        user=world["admin"], fields={"period_start": start, "period_end": end, **base, **fields}
    )


def _progress(target, day):
    (progress,) = target_progress([target], as_of=day)
    return progress


def test_a_target_ahead_of_the_time_elapsed_is_on_track(world):
    target = _set(world)
    progress = _progress(target, dt.date(2018, 3, 31))  # a quarter gone, 30% reached
    assert progress.actual == 30
    assert progress.percent == Decimal("30.0")
    assert progress.elapsed == Decimal("24.7")
    assert progress.on_track and progress.status_label == "on track"


def test_a_target_behind_the_time_elapsed_is_behind(world):
    target = _set(world)
    progress = _progress(target, dt.date(2018, 9, 30))  # 40 of 100 with three quarters gone
    assert progress.actual == 40
    assert not progress.on_track and progress.status_label == "behind"


def test_the_actual_stops_at_the_end_of_the_period(world):
    target = _set(world, period_start=dt.date(2018, 1, 1), period_end=dt.date(2018, 3, 31))
    progress = _progress(target, dt.date(2018, 12, 31))
    assert progress.actual == 30  # the August record is after the quarter
    assert progress.elapsed == 100


def test_a_period_not_started_is_on_track_with_nothing_reached(world):
    target = _set(world, period_start=dt.date(2019, 1, 1), period_end=dt.date(2019, 12, 31))
    progress = _progress(target, dt.date(2018, 6, 1))
    assert (progress.actual, progress.elapsed, progress.on_track) == (0, 0, True)


def test_a_target_by_place_and_split_counts_only_its_cut(world):
    women = _set(world, split="sex=f", value=Decimal(40))
    mosul = _set(world, district=world["mosul"], value=Decimal(20))
    project = _set(world, programme=None, project=world["ninewa"], value=Decimal(10))
    day = dt.date(2018, 12, 31)
    women_p, mosul_p, project_p = target_progress([women, mosul, project], as_of=day)
    assert women_p.actual == 20 and women_p.percent == 50
    assert mosul_p.actual == 10 and mosul.governorate.pcode == "IQG15"
    assert project_p.actual == 10 and project_p.percent == 100


def test_setting_the_same_target_again_changes_it_and_keeps_its_history(world):
    first = _set(world)
    again = _set(world, value=Decimal(120))
    assert again.pk == first.pk and Target.objects.count() == 1
    history = list(first.history.order_by("history_date").values_list("value", "history_user"))
    assert history == [(Decimal(100), world["admin"].pk), (Decimal(120), world["admin"].pk)]
    target_delete(target=again, user=world["admin"])
    assert not Target.objects.exists()
    assert first.history.count() == 3  # created, changed, deleted


def test_a_target_needs_one_scope_and_a_period_in_order(world):
    with pytest.raises(ValidationError, match="not both"):
        _set(world, project=world["kirkuk"])
    with pytest.raises(ValidationError, match="ends before"):
        _set(world, period_start=dt.date(2018, 6, 1), period_end=dt.date(2018, 5, 1))


def test_a_split_needs_a_definition_with_splits(world):
    households = define("households", source="assistance", measure="households")
    with pytest.raises(ValidationError, match="no split"):
        _set(world, definition=households, split="sex=f")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2018", dt.date(2018, 1, 1), dt.date(2018, 12, 31)),
        ("2018-Q2", dt.date(2018, 4, 1), dt.date(2018, 6, 30)),
        ("2018-h2", dt.date(2018, 7, 1), dt.date(2018, 12, 31)),
        ("2018-02", dt.date(2018, 2, 1), dt.date(2018, 2, 28)),
    ],
)
def test_periods_as_the_appeal_writes_them(text, start, end):
    assert period_parse(text) == (start, end)


@pytest.mark.parametrize("text", ["18", "2018-Q5", "2018-13", "Q2"])
def test_an_unreadable_period_is_refused(text):
    with pytest.raises(ValueError):
        period_parse(text)


def test_an_administrator_sets_a_target_in_the_admin_with_its_history(
    admin_client, admin_user, world
):
    from django.urls import reverse

    form = {"definition": world["people"].pk, "programme": world["crp"].pk, "project": "",
            "period_start": "2018-01-01", "period_end": "2018-12-31", "governorate": "",
            "district": world["mosul"].pk, "split": "", "value": "75", "note": ""}  # fmt: skip
    response = admin_client.post(reverse("admin:indicators_target_add"), form)
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.value, target.governorate.pcode) == (75, "IQG15")  # from the district
    assert target.history.get().history_user == admin_user
    history = admin_client.get(reverse("admin:indicators_target_history", args=[target.pk]))
    assert history.status_code == 200


def test_a_period_outside_1900_to_2100_is_refused(world):
    with pytest.raises(ValidationError, match="between 1900 and 2100"):
        _set(world, period_start=dt.date(1, 1, 1))
