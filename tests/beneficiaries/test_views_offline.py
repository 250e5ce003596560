"""The offline visit form's parts served by the site: the reference lists a
monitor's phone keeps (their scope only, nothing about people), the service
worker at the visit pages' scope, and the manifest, all with no CDN."""

from __future__ import annotations

import json
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import Photo
from tests.beneficiaries.test_services import DAY, build_world, jpeg_with_gps
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db


@shared_for_module
def world():
    return build_world()


def test_a_monitor_gets_the_lists_of_their_scope(client, world):
    client.force_login(world["alice"])
    response = client.get(reverse("beneficiaries:offline_reference"))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    data = response.json()
    project = world["project"]
    assert data["projects"] == [
        {
            "id": project.pk,
            "code": "KRK-01",
            "name": "Bakery grants",
            "governorate": project.governorate_id,
            "start": "2017-01-01",
            "end": "2020-12-31",
            "sector": project.sector_id,
        }
    ]  # not Basra's BSR-01
    sectors = {item["name"]: item["sectors"] for item in data["activity_types"]}
    assert sectors["Business support package"] == [project.sector_id]
    assert sectors["Cash"] == []
    assert [place["name"] for place in data["places"]] == [project.governorate.name_iom]
    assert data["user"] == "alice"


@pytest.mark.parametrize("who", ["maria", "dora"])
def test_no_lists_for_who_records_no_visits(client, world, who):
    client.force_login(world[who])
    assert client.get(reverse("beneficiaries:offline_reference")).status_code == 404


def test_no_lists_for_a_logged_out_phone(client, world):
    response = client.get(reverse("beneficiaries:offline_reference"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_worker_and_manifest_are_served_at_the_visit_pages_scope(client, world):
    # Logged out too: a phone checks its worker for updates whatever its session.
    worker = client.get("/visits/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Cache-Control"] == "no-cache"
    # Workbox, vendored in static/ (never a CDN), is loaded before the worker's routes.
    first, rest = worker.content.decode().split("\n", 1)
    assert first == 'importScripts("/static/vendor/workbox/workbox.js");'
    assert "routing.registerRoute(" in rest
    manifest = json.loads(client.get("/visits/manifest.webmanifest").content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/visits/new/",
        "/visits/",
        "standalone",
    )
    assert all(icon["src"].startswith("/static/") for icon in manifest["icons"])


def test_the_offline_scripts_load_nothing_from_elsewhere():
    names = ("js/sw.js", "js/offline.js", "js/visit_form.js", "js/offline_send.js")
    for name in names + ("vendor/workbox/workbox.js", "vendor/workbox/idb.js"):
        with open(finders.find(name), encoding="utf-8") as handle:
            source = handle.read()
        assert "http://" not in source and "https://" not in source, name


def test_the_new_visit_page_links_the_app_and_no_inline_script(client, world):
    client.force_login(world["alice"])
    page = client.get(reverse("beneficiaries:visit_new")).content.decode()
    assert 'rel="manifest"' in page and 'id="offline-app"' in page
    assert 'data-offline="new"' in page
    assert "<script>" not in page  # only files and JSON data (json_script)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def phone_upload(client, visit, photo_id, *, data=None):
    image = SimpleUploadedFile("IMG_1.jpg", data or jpeg_with_gps(), content_type="image/jpeg")
    return client.post(
        reverse("beneficiaries:photo_add", args=[visit.pk]),
        {"image": image, "caption": "Oven", "credit": "Alice", "client_id": photo_id},
        headers={"accept": "application/json"},
    )


def test_a_photo_upload_retried_by_the_phone_adds_one_photo(client, world, media):
    visit = services.visit_create(
        user=world["alice"], project=world["project"], visit_date=DAY, findings="Open."
    )
    client.force_login(world["alice"])
    photo_id = str(uuid.uuid4())
    first = phone_upload(client, visit, photo_id)
    again = phone_upload(client, visit, photo_id)  # the first answer was lost
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json() == {"id": Photo.objects.get(visit=visit).pk}
    # Another photo of the same visit is another photo.
    assert phone_upload(client, visit, str(uuid.uuid4())).status_code == 201
    assert Photo.objects.filter(visit=visit).count() == 2


def test_a_photo_refused_tells_the_phone_why_per_field(client, world, media):
    visit = services.visit_create(
        user=world["alice"], project=world["project"], visit_date=DAY, findings="Open."
    )
    client.force_login(world["alice"])
    response = phone_upload(client, visit, str(uuid.uuid4()), data=b"MZ not a photo")
    assert response.status_code == 400
    assert "not a JPEG, PNG or HEIC photo" in response.json()["image"][0]
    assert not Photo.objects.exists()


def test_the_offline_counts_take_each_language_s_plural_forms():
    """The queue's counts are plural messages, handed to the page as a text
    per count: Arabic says one, two, three to ten and eleven on each its own
    way (six forms), which "1 visit / N visits" could not."""
    from django.utils import translation

    from beneficiaries.views_offline import PLURAL_COUNTS, offline_text

    text = offline_text()
    assert len(text["sent"]) == len(text["waiting"]) == PLURAL_COUNTS
    assert (
        text["sent"][1] == "%(count)s visit sent." and text["sent"][3] == "%(count)s visits sent."
    )
    assert text["waiting"][1] == "%(count)s visit waiting to send"
    with translation.override("ar"):
        arabic = offline_text()
    assert arabic["sent"][2] == "أُرسلت زيارتان."
    assert arabic["sent"][3] == "أُرسلت %(count)s زيارات."  # three to ten
    assert arabic["sent"][11] == "أُرسلت %(count)s زيارة."  # eleven to ninety-nine
    assert arabic["waiting"][1] == "زيارة واحدة بانتظار الإرسال"
