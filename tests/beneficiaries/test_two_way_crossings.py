"""Recipients crossed by two dimensions without the third ("women 18–59:
40", no population group): stored as given, with no group invented, the
splits they imply, what they leave shown as not recorded, and the
crossings that cannot be."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from beneficiaries import selectors
from beneficiaries.models import RECIPIENT_FIELDS, AssistanceRecord
from tests.beneficiaries.test_services import draft, errors_of, line, world  # noqa: F401
from tests.beneficiaries.test_views import form_data, url

pytestmark = pytest.mark.django_db

SEX_AGE = {"sex_age": {"f_18_59": 40, "m_18_59": 35}}


def test_a_sex_by_age_crossing_is_kept_without_inventing_a_group(world):  # noqa: F811
    record = line(draft(world), world, people=120, households=20, recipients={"crossings": SEX_AGE})
    record.refresh_from_db()
    assert record.crossings == SEX_AGE
    # The splits it implies, and no population group: not recorded.
    assert (record.sex_f, record.sex_m, record.age_18_59, record.age_0_5) == (40, 35, 75, 0)
    assert record.pop_idp is None and record.splits()["population_group"]["not_recorded"] == 120
    assert not any(getattr(record, column) for column in RECIPIENT_FIELDS)
    (pair,) = [part for part in record.split_detail() if part["kind"] == "pair"]
    assert str(pair["title"]) == "By sex and age group"
    assert [(str(label), n) for label, n in pair["cells"]] == [
        ("Women · 18–59 years", 40),
        ("Men · 18–59 years", 35),
    ]
    assert pair["not_recorded"] == 45  # 120 people, 75 of them crossed


def test_a_split_given_beside_the_crossing_is_kept(world):  # noqa: F811
    record = line(
        draft(world),
        world,
        people=120,
        households=20,
        recipients={"sex_f": 70, "sex_m": 50, "crossings": SEX_AGE},
    )
    assert (record.sex_f, record.sex_m, record.age_18_59) == (70, 50, 75)
    detail = record.split_detail()
    assert [part["kind"] for part in detail] == ["split", "split", "pair"]
    assert [part["not_recorded"] for part in detail] == [0, 45, 45]


@pytest.mark.parametrize(
    "recipients, field, words",
    [
        (
            {"crossings": {"sex_age": {"f_18_59": 100, "m_60plus": 30}}},
            "crossings",
            "The recipients by sex and age group add up to 130, more than the 120 people.",
        ),
        (
            {"sex_f": 30, "crossings": SEX_AGE},
            "sex_f",
            "Women (30) is fewer than the 40 of them by sex and age group.",
        ),
        (
            {"f_18_59_idp": 45, "crossings": SEX_AGE},
            "crossings",
            "Women · 18–59 years (40) is fewer than the 45 of them in the sex × age × "
            "population group cells.",
        ),
        ({"crossings": {"sex_colour": {"f_red": 1}}}, "crossings", "Unknown crossing"),
        ({"crossings": {"sex_pop": {"f_18_59": 1}}}, "crossings", "Unknown cell “f_18_59”"),
    ],
)
def test_a_crossing_that_cannot_be_is_refused(world, recipients, field, words):  # noqa: F811
    with pytest.raises(ValidationError) as info:
        line(draft(world), world, people=120, households=20, recipients=recipients)
    assert words in errors_of(info)[field][0]


def test_the_visit_page_shows_the_crossing_and_what_it_leaves(client, world):  # noqa: F811
    visit = draft(world)
    line(visit, world, people=120, households=20, recipients={"crossings": SEX_AGE})
    (shown,) = selectors.visit_contents(visit)["lines"]
    assert [part["not_recorded"] for part in shown.pairs] == [45]
    client.force_login(world["alice"])
    html = client.get(reverse("beneficiaries:visit_detail", args=[visit.pk])).content.decode()
    assert "By sex and age group" in html
    assert "Women · 18–59 years: <strong>40</strong>" in html
    assert "not recorded: <strong>45</strong>" in html


def test_the_visit_form_takes_a_crossing_and_gives_it_back(client, world):  # noqa: F811
    client.force_login(world["alice"])
    blank = {"lines-0-f_18_59_idp": "", "lines-0-f_6_17_host": ""}
    data = form_data(world, **blank, **{"lines-0-f_idp": "3", "lines-0-m_idp": "1"})
    response = client.post(url("visit_new"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    record = AssistanceRecord.objects.get()
    assert record.crossings == {"sex_pop": {"f_idp": 3, "m_idp": 1}}
    assert (record.sex_f, record.pop_idp, record.recipients()) == (3, 4, {})
    page = client.get(url("visit_edit", record.visit_id)).content.decode()
    assert 'name="lines-0-f_idp" value="3"' in page and "By sex and population group" in page
    # Beyond the people (5): said on the line, nothing saved.
    data = form_data(world, **blank, **{"lines-0-f_idp": "4", "lines-0-m_idp": "2"})
    page = client.post(url("visit_new"), data).content.decode()
    assert "The recipients by sex and population group add up to 6, more than the 5" in page
    assert AssistanceRecord.objects.count() == 1
