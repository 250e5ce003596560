"""The offline visit form's parts served by the site: the reference lists a
monitor's phone keeps (their scope only, nothing about people), the service
worker at the visit pages' scope, and the manifest, all with no CDN."""

from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.beneficiaries.test_services import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
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
    assert b'addEventListener("fetch"' in worker.content
    manifest = json.loads(client.get("/visits/manifest.webmanifest").content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/visits/new/",
        "/visits/",
        "standalone",
    )
    assert all(icon["src"].startswith("/static/") for icon in manifest["icons"])


def test_the_offline_scripts_load_nothing_from_elsewhere():
    for name in ("js/sw.js", "js/offline.js", "js/visit_form.js"):
        with open(finders.find(name), encoding="utf-8") as handle:
            source = handle.read()
        assert "http://" not in source and "https://" not in source, name


def test_the_new_visit_page_links_the_app_and_no_inline_script(client, world):
    client.force_login(world["alice"])
    page = client.get(reverse("beneficiaries:visit_new")).content.decode()
    assert 'rel="manifest"' in page and 'id="offline-app"' in page
    assert 'data-offline="new"' in page
    assert "<script>" not in page  # only files and JSON data (json_script)
