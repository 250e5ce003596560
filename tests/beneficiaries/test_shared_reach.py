"""On the visit form, lines may share a reach: the households they reached
together, given once under a letter that each of them chooses. The form
shows it again for editing; a line giving households of its own as well,
or a letter no reach has, is refused with a clear message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from beneficiaries import services
from beneficiaries.models import AssistanceRecord, MonitoringVisit, SharedReach
from tests.beneficiaries.test_services import DAY, build_world
from tests.beneficiaries.test_views import form_data, url
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db


@shared_for_module
def world():
    return build_world()


def shared_form(world, **changes) -> dict:
    """Two lines (bsp 29, cash 9) sharing reach A: 110 households, 110 people."""
    data = form_data(
        world,
        **{
            "lines-TOTAL_FORMS": "2",
            "lines-0-units": "29",
            "lines-0-households": "0",
            "lines-0-people": "0",
            "lines-0-household_size": "",
            "lines-0-f_18_59_idp": "",
            "lines-0-f_6_17_host": "",
            "lines-0-reach": "A",
            "lines-1-activity_type": world["cash"].pk,
            "lines-1-units": "9",
            "lines-1-households": "0",
            "lines-1-people": "0",
            "lines-1-reach": "A",
            "reaches-TOTAL_FORMS": "1",
            "reaches-INITIAL_FORMS": "0",
            "reaches-MIN_NUM_FORMS": "0",
            "reaches-MAX_NUM_FORMS": "6",
            "reaches-0-key": "A",
            "reaches-0-households": "110",
            "reaches-0-people": "110",
        },
    )
    data.update(changes)
    return data


def test_two_lines_of_the_form_share_one_reach_and_it_comes_back(client, world):
    client.force_login(world["alice"])
    response = client.post(url("visit_new"), shared_form(world))
    assert response.status_code == 302, response.content.decode()[:3000]
    visit = MonitoringVisit.objects.get()
    lines = list(AssistanceRecord.objects.filter(visit=visit).order_by("units"))
    [reach] = SharedReach.objects.all()
    assert [(line.units, line.households, line.reach_id) for line in lines] == [
        (9, 0, reach.pk),
        (29, 0, reach.pk),
    ]
    assert (reach.households, reach.people) == (110, 110)
    page = client.get(url("visit_edit", visit.pk)).content.decode()
    assert 'name="reaches-0-households" value="110"' in page
    assert '<option value="A" selected>' in page
    # Editing it changes the reach in place (no second reach).
    edit = shared_form(
        world,
        **{
            "lines-INITIAL_FORMS": "2",
            "lines-0-id": str(lines[1].pk),
            "lines-1-id": str(lines[0].pk),
            "reaches-INITIAL_FORMS": "1",
            "reaches-0-id": str(reach.pk),
            "reaches-0-households": "100",
            "reaches-0-people": "120",
        },
    )
    response = client.post(url("visit_edit", visit.pk), edit)
    assert response.status_code == 302, response.content.decode()[:3000]
    reach.refresh_from_db()
    assert (reach.households, reach.people) == (100, 120)
    assert SharedReach.objects.count() == 1


def test_a_line_with_its_own_households_in_a_reach_is_refused(client, world):
    client.force_login(world["alice"])
    data = shared_form(world, **{"lines-1-households": "110", "lines-1-people": "110"})
    response = client.post(url("visit_new"), data)
    assert response.status_code == 200
    assert "give its households, people and household size once" in response.content.decode()
    assert not MonitoringVisit.objects.exists() and not SharedReach.objects.exists()


def test_the_service_refuses_a_letter_without_a_reach_and_a_reach_of_one_line(world):
    line = services.LineChange(activity_type=world["bsp"], units=3, reach="B")
    with pytest.raises(ValidationError, match="No shared reach “B”"):
        services.visit_save(
            user=world["alice"], visit=None, project=world["project"], visit_date=DAY,
            findings="", lines=[line],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="has 1 line"):
        services.visit_save(
            user=world["alice"], visit=None, project=world["project"], visit_date=DAY,
            findings="", lines=[line], reaches=[services.ReachGiven(key="B", households=4, people=4)],
        )  # fmt: skip
    assert not SharedReach.objects.exists()
