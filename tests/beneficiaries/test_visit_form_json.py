"""The visit form posted by its own script with photos to follow
(views_form_json): the visit saved without them (a draft until its photos
are in, even when submitting), a post retried with the same phone id never
making a second visit, and a refusal by field name so that the script puts
each message by its field. A plain post is unchanged."""

from __future__ import annotations

import uuid

import pytest

from beneficiaries.models import AssistanceRecord, MonitoringVisit
from tests.beneficiaries.test_views import form_data, url
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@shared_for_module
def world():
    from tests.beneficiaries.test_services import build_world

    return build_world()


def scripted(world, **changes) -> dict:
    """What visit_upload.js posts: the form without its photo fields, the
    phone's id of the visit, and ``photos_follow``."""
    return form_data(world, client_id=str(uuid.uuid4()), photos_follow="1", **changes)


def test_submitting_with_photos_to_follow_keeps_a_draft_until_they_are_in(client, world):
    client.force_login(world["alice"])
    data = scripted(world)
    del data["save"]
    data["submit"] = ""
    response = client.post(url("visit_new"), data, **JSON)
    assert response.status_code == 200, response.content
    visit = MonitoringVisit.objects.get()
    assert response.json() == {
        "id": visit.pk,
        "photos": url("photo_add", visit.pk),
        "next": url("visit_detail", visit.pk),
    }
    assert visit.status == "draft"  # submitted by the script once its photos are in
    assert str(visit.client_id) == data["client_id"]
    assert AssistanceRecord.objects.filter(visit=visit).count() == 1


def test_a_post_retried_after_a_lost_answer_makes_one_visit(client, world):
    client.force_login(world["alice"])
    data = scripted(world)
    first = client.post(url("visit_new"), data, **JSON).json()
    again = client.post(url("visit_new"), data, **JSON).json()
    assert first == again and first["next"] == url("visit_edit", first["id"])
    assert MonitoringVisit.objects.count() == 1
    assert AssistanceRecord.objects.count() == 1


def test_another_users_phone_id_makes_a_visit_of_her_own(client, world):
    client.force_login(world["alice"])
    data = scripted(world)
    theirs = client.post(url("visit_new"), data, **JSON).json()
    client.force_login(world["mona"])
    mine = client.post(url("visit_new"), data, **JSON).json()
    assert mine["id"] != theirs["id"]  # never the colleague's visit
    assert MonitoringVisit.objects.get(pk=mine["id"]).monitor == world["mona"]


def test_a_refused_post_says_what_is_wrong_by_field_name_and_saves_nothing(client, world):
    client.force_login(world["alice"])
    data = scripted(world, **{"lines-0-people": "1", "findings": ""})  # 3 households > 1 person
    del data["save"]
    data["submit"] = ""
    response = client.post(url("visit_new"), data, **JSON)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "findings" in errors
    assert any(name.startswith("lines-0") for name in errors), errors
    assert not MonitoringVisit.objects.exists()


def test_a_plain_post_still_submits_and_redirects(client, world):
    client.force_login(world["alice"])
    data = form_data(world, photos_follow="1", client_id=str(uuid.uuid4()))
    del data["save"]
    data["submit"] = ""
    response = client.post(url("visit_new"), data)
    visit = MonitoringVisit.objects.get()
    assert response["Location"] == url("visit_detail", visit.pk)
    assert visit.status == "submitted" and visit.client_id is None
