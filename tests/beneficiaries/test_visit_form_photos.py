"""The visit form itself takes photos (a monitor who saves and submits at
once keeps them, and so does one correcting a returned visit), and its
choices carry what the page needs to narrow them (project periods and
sectors, activity types' sectors)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from beneficiaries.models import MonitoringVisit, Photo
from tests.beneficiaries.test_services import jpeg_with_gps
from tests.beneficiaries.test_views import form_data, url, visit_of
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db


@shared_for_module
def world():
    from tests.beneficiaries.test_services import build_world

    return build_world()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo_fields(*photos: tuple[str, bytes]) -> dict:
    data = {
        "photos-TOTAL_FORMS": str(len(photos) + 1),
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "10",
    }
    for index, (caption, content) in enumerate(photos):
        data[f"photos-{index}-image"] = SimpleUploadedFile(
            f"IMG_{index}.jpg", content, content_type="image/jpeg"
        )
        data[f"photos-{index}-caption"] = caption
        data[f"photos-{index}-credit"] = "Alice"
    return data


def test_save_and_submit_with_two_photos_keeps_them(client, world, media):
    client.force_login(world["alice"])
    data = form_data(world, **photo_fields(("Oven", jpeg_with_gps()), ("Shop", jpeg_with_gps())))
    del data["save"]
    data["submit"] = ""
    response = client.post(url("visit_new"), data)
    visit = MonitoringVisit.objects.get()
    assert response["Location"] == url("visit_detail", visit.pk)
    assert visit.status == "submitted"
    photos = list(Photo.objects.filter(visit=visit).order_by("id"))
    assert [photo.caption for photo in photos] == ["Oven", "Shop"]
    with Image.open(photos[0].image.path) as stored:
        assert not stored.getexif()  # no location, as through the photo page
    page = client.get(url("visit_detail", visit.pk)).content.decode()
    assert "No photos on this visit" not in page and "Oven" in page


def test_a_returned_visit_gets_a_photo_on_its_edit_page(client, world, media):
    visit = visit_of(world, status="returned")
    client.force_login(world["alice"])
    page = client.get(url("visit_edit", visit.pk)).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="photos-0-image"' in page
    data = form_data(world, **photo_fields(("Repaired oven", jpeg_with_gps())))
    data.update({"lines-TOTAL_FORMS": "0", "referrals-TOTAL_FORMS": "0"})
    client.post(url("visit_edit", visit.pk), data)
    assert list(visit.photos.values_list("caption", flat=True)) == ["Repaired oven"]
    page = client.get(url("visit_edit", visit.pk)).content.decode()
    assert 'alt="Repaired oven"' in page  # the edit page shows the photos it has


def test_a_file_that_is_no_photo_saves_nothing_of_the_visit(client, world, media):
    client.force_login(world["alice"])
    data = form_data(world, **photo_fields(("Oven", b"not an image at all")))
    response = client.post(url("visit_new"), data)
    assert response.status_code == 200
    assert "not a JPEG, PNG or HEIC photo" in response.content.decode()
    assert not MonitoringVisit.objects.exists() and not Photo.objects.exists()


def test_a_photo_without_caption_is_refused_and_the_rest_not_saved(client, world, media):
    client.force_login(world["alice"])
    data = form_data(world, **photo_fields(("", jpeg_with_gps())))
    response = client.post(url("visit_new"), data)
    assert response.status_code == 200 and not MonitoringVisit.objects.exists()


def test_choices_carry_project_periods_and_activity_sectors(client, world):
    client.force_login(world["alice"])
    page = client.get(url("visit_new")).content.decode()
    project = world["project"]
    option = re.search(rf'<option value="{project.pk}"[^>]*>', page).group(0)
    assert 'data-start="2017-01-01"' in option and 'data-end="2020-12-31"' in option
    assert f'data-sector="{project.sector_id}"' in option
    bsp = re.search(rf'<option value="{world["bsp"].pk}"[^>]*>', page).group(0)
    assert f'data-sectors="{project.sector_id}"' in bsp
    cash = re.search(rf'<option value="{world["cash"].pk}"[^>]*>', page).group(0)
    assert 'data-sectors=""' in cash  # fits every sector
    assert "<script>" not in page  # no inline script: the form's JS is a static file
