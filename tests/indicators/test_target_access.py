"""Who sets and reads targets: managers in scope and administrators write;
out of scope, a monitor or a donor may not. And the CSV import, which
writes all its rows or none and names each bad one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from indicators.access import target_for_user, targets_for_user
from indicators.models import Target
from indicators.target_services import target_import_csv, target_set
from tests.access_world import access_world
from tests.factories import user_with_role
from tests.indicators.conftest import define
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db


@shared_for_module
def world():
    world = access_world()
    world["people"] = define("people", source="assistance", measure="people")
    world["gov_manager"] = user_with_role(
        "manager", username="gina", governorates=[world["kirkuk"]]
    )
    return world


def _fields(world, **fields):
    return {
        "definition": world["people"],
        "period_start": dt.date(2018, 1, 1),
        "period_end": dt.date(2018, 12, 31),
        "value": Decimal(500),
        **fields,
    }


@pytest.mark.parametrize(
    ("who", "scope", "allowed"),
    [
        ("manager", {"programme": "crp"}, True),
        ("manager", {"project": "krk"}, True),
        ("manager", {"programme": "rrp"}, False),
        ("manager", {"project": "bsr"}, False),
        ("other_manager", {"programme": "crp"}, False),
        ("gov_manager", {"programme": "crp", "governorate": "kirkuk"}, True),
        ("gov_manager", {"programme": "crp"}, False),
        ("gov_manager", {"programme": "rrp", "governorate": "basra"}, False),
        ("owner", {"programme": "crp"}, False),
        ("owner", {"project": "krk"}, False),
        ("donor", {"programme": "crp"}, False),
        ("admin", {"programme": "rrp"}, True),
    ],
)
def test_who_may_set_a_target(world, who, scope, allowed):
    fields = _fields(world, **{name: world[key] for name, key in scope.items()})
    if allowed:
        target = target_set(user=world[who], fields=fields)
        assert Target.objects.get().value == 500
        assert target.history.get().history_user == world[who]
    else:
        with pytest.raises(PermissionDenied):
            target_set(user=world[who], fields=fields)
        assert not Target.objects.exists()


def test_a_manager_cannot_move_another_programmes_target_into_their_own(world):
    theirs = target_set(user=world["admin"], fields=_fields(world, programme=world["rrp"]))
    with pytest.raises(PermissionDenied):
        target_set(user=world["manager"], target=theirs, fields={"programme": world["crp"]})
    assert Target.objects.get().programme == world["rrp"]


def test_who_reads_which_targets(world):
    crp = target_set(user=world["admin"], fields=_fields(world, programme=world["crp"]))
    krk = target_set(
        user=world["admin"],
        fields=_fields(world, programme=world["crp"], governorate=world["kirkuk"]),
    )
    rrp = target_set(user=world["admin"], fields=_fields(world, programme=world["rrp"]))
    seen = {who: set(targets_for_user(world[who])) for who in world if who in {
        "manager", "other_manager", "gov_manager", "owner", "outsider", "donor", "admin", "nobody",
        "anonymous"}}  # fmt: skip
    assert seen["manager"] == {crp, krk}
    assert seen["other_manager"] == {rrp}
    assert seen["gov_manager"] == {krk}
    assert seen["owner"] == {krk}  # a monitor: the targets set in their governorate
    assert seen["outsider"] == set()
    assert seen["donor"] == set() and seen["nobody"] == set() and seen["anonymous"] == set()
    assert seen["admin"] == {crp, krk, rrp}
    assert target_for_user(world["manager"], crp.pk, write=True) == crp
    with pytest.raises(Http404):
        target_for_user(world["owner"], krk.pk, write=True)
    with pytest.raises(Http404):
        target_for_user(world["manager"], rrp.pk)


CSV_HEADER = "indicator,programme,project,period,period_start,period_end,place,split,target,note\n"


def test_an_import_sets_every_row_or_names_the_bad_ones(world):
    good = (
        CSV_HEADER
        + "people,CRP,,2018,,,,,1500,appeal sheet\n"
        + "people,CRP,,2018-Q2,,,Kirkuk,,400,\n"
        + 'people,,KRK-01,,2018-03-01,2018-08-31,,sex=f,"1,200",\n'
    )
    result = target_import_csv(user=world["manager"], content=good.encode())
    assert (result.written, result.errors) == (3, [])
    assert sorted(Target.objects.values_list("value", flat=True)) == [400, 1200, 1500]
    assert Target.objects.get(value=400).governorate == world["kirkuk"]

    bad = (
        CSV_HEADER
        + "people,CRP,,2019,,,,,10,\n"
        + "people,RRP,,2019,,,,,10,\n"  # not the manager's programme
        + "people,CRP,,2019-Q7,,,,,10,\n"
        + "people,CRP,,2019,,,Atlantis,,10,\n"
        + "people,CRP,,2019,,,,,lots,\n"
    )
    result = target_import_csv(user=world["manager"], content=bad.encode())
    assert result.written == 0
    assert [number for number, _message in result.errors] == [3, 4, 5, 6]
    assert "RRP" in result.errors[0][1]
    assert "Atlantis" in result.errors[2][1]
    assert Target.objects.count() == 3  # the good 2019 row was not written either


def test_importing_the_same_file_again_changes_the_targets_in_place(world):
    rows = CSV_HEADER + "people,CRP,,2018,,,Mosul,,100,\n"
    target_import_csv(user=world["manager"], content=rows.encode())
    result = target_import_csv(user=world["manager"], content=rows.replace("100", "90").encode())
    assert result.written == 1
    target = Target.objects.get()
    assert (target.value, target.district.pcode, target.governorate.pcode) == (
        90,
        "IQG15Q05",
        "IQG15",
    )
