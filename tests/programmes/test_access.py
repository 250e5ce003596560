"""Who sees which part of the portfolio (``programmes.access``), for each
standing user: the owner, a colleague, an outsider, the managers, a donor,
an administrator, a user without a role and an anonymous visitor."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from programmes.access import (
    contributions_for_user,
    donors_for_user,
    programmes_for_user,
    projects_for_user,
    user_role,
)
from tests.access_world import access_world, codes
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db


@shared_for_module
def world():
    return access_world()


@pytest.mark.parametrize(
    "who, role",
    [
        ("owner", "monitor"),
        ("manager", "manager"),
        ("donor", "donor"),
        ("admin", "admin"),
        ("nobody", None),
        ("anonymous", None),
    ],
)
def test_user_role(world, who, role):
    assert user_role(world[who]) == role


def test_a_superuser_without_a_profile_is_an_administrator(world):
    root = User.objects.create_superuser("super", password="not-used")
    assert user_role(root) == "admin"
    assert codes(projects_for_user(root)) == {"KRK-01", "BSR-01"}


@pytest.mark.parametrize(
    "who, expected",
    [
        ("owner", {"KRK-01"}),
        ("colleague", {"KRK-01"}),
        ("outsider", {"BSR-01"}),
        ("manager", {"KRK-01"}),
        ("other_manager", {"BSR-01"}),
        ("donor", {"KRK-01"}),
        ("admin", {"KRK-01", "BSR-01"}),
        ("nobody", set()),
        ("anonymous", set()),
    ],
)
def test_projects_for_user(world, who, expected):
    assert codes(projects_for_user(world[who])) == expected


@pytest.mark.parametrize(
    "who, expected",
    [
        ("owner", {"CRP"}),
        ("colleague", {"CRP"}),
        ("outsider", {"RRP"}),
        ("manager", {"CRP"}),
        ("other_manager", {"RRP"}),
        ("donor", {"CRP"}),
        ("admin", {"CRP", "RRP"}),
        ("nobody", set()),
        ("anonymous", set()),
    ],
)
def test_programmes_for_user(world, who, expected):
    assert codes(programmes_for_user(world[who])) == expected


def test_a_manager_sees_a_programme_they_manage_before_it_has_projects(world):
    world["krk"].delete()
    assert codes(programmes_for_user(world["manager"])) == {"CRP"}
    assert codes(programmes_for_user(world["owner"])) == set()


@pytest.mark.parametrize(
    "who, expected",
    [
        ("owner", {"USA", "CAN"}),
        ("outsider", {"USA", "CAN"}),
        ("manager", {"USA", "CAN"}),
        ("donor", {"USA"}),
        ("admin", {"USA", "CAN"}),
        ("nobody", set()),
        ("anonymous", set()),
    ],
)
def test_donors_for_user(world, who, expected):
    assert codes(donors_for_user(world[who])) == expected


@pytest.mark.parametrize(
    "who, expected",
    [
        ("owner", set()),  # contributions are per programme, not per governorate
        ("outsider", set()),
        ("manager", {"CRP"}),
        ("other_manager", {"RRP"}),
        ("donor", {"CRP"}),
        ("admin", {"CRP", "RRP"}),
        ("nobody", set()),
        ("anonymous", set()),
    ],
)
def test_contributions_for_user(world, who, expected):
    assert codes(contributions_for_user(world[who]), "programme__code") == expected
