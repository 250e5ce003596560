"""The monitoring-visit pages: who sees and does what (each role inside and
outside its scope), forms that keep what was typed when something is wrong,
photos, and the lists with their counts and pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from beneficiaries import services
from beneficiaries.models import (
    RECIPIENT_FIELDS,
    AssistanceRecord,
    MonitoringVisit,
    Photo,
    Referral,
)
from tests.beneficiaries.test_services import (
    DAY,
    GIRLS_HOST,
    WOMEN_IDP,
    build_world,
    jpeg_with_gps,
)
from tests.factories import MonitoringVisitFactory
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db


@shared_for_module
def world():
    return build_world()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def url(name: str, *args) -> str:
    return reverse(f"beneficiaries:{name}", args=args)


def visit_of(world, *, status="draft", user="alice") -> MonitoringVisit:
    visit = services.visit_create(
        user=world[user], project=world["project"], visit_date=DAY, findings="Shops open."
    )
    services.assistance_line_save(
        visit=visit,
        user=world[user],
        activity_type=world["bsp"],
        units=4,
        households=4,
        people=6,
        household_size=None,
        recipients={WOMEN_IDP: 3},
    )
    if status in ("submitted", "approved", "returned"):
        services.visit_submit(visit=visit, user=world[user])
    if status == "approved":
        services.visit_approve(visit=visit, user=world["maria"])
    if status == "returned":
        services.visit_return(visit=visit, user=world["maria"], reason="Check the units.")
    visit.refresh_from_db()
    return visit


def form_data(world, **changes) -> dict:
    """A complete POST of the visit form: one assistance line, one referral."""
    data = {
        "project": world["project"].pk,
        "visit_date": DAY.isoformat(),
        "findings": "Bakery running; oven repaired.",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-activity_type": world["bsp"].pk,
        "lines-0-units": "3",
        "lines-0-households": "3",
        "lines-0-people": "5",
        "lines-0-household_size": "7",
        f"lines-0-{WOMEN_IDP}": "2",
        f"lines-0-{GIRLS_HOST}": "1",
        "referrals-TOTAL_FORMS": "1",
        "referrals-INITIAL_FORMS": "0",
        "referrals-MIN_NUM_FORMS": "0",
        "referrals-MAX_NUM_FORMS": "50",
        "referrals-0-issue": "Broken water pump",
        "referrals-0-referred_to": "Water directorate",
        "save": "",
    }
    data.update(changes)
    return data


# --- Permissions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status, code",
    [
        ("alice", "draft", 200),  # the owner
        ("alice", "approved", 200),  # her own work, read only
        ("mona", "draft", 404),  # a colleague in the same governorate
        ("oscar", "submitted", 404),  # a monitor elsewhere
        ("maria", "submitted", 200),  # the manager of the programme
        ("maria", "draft", 404),  # ... who never sees a draft
        ("mark", "submitted", 404),  # a manager of another programme
        ("dora", "approved", 404),  # a donor, even one funding the project
        ("admin", "submitted", 200),
    ],
)
def test_who_sees_a_visit(client, world, who, status, code):
    visit = visit_of(world, status=status)
    client.force_login(world[who])
    assert client.get(url("visit_detail", visit.pk)).status_code == code


@pytest.mark.parametrize(
    "who, status, code",
    [
        ("alice", "draft", 200),
        ("alice", "returned", 200),
        ("alice", "submitted", 404),
        ("alice", "approved", 404),
        ("mona", "draft", 404),
        ("oscar", "draft", 404),
        ("maria", "returned", 404),
        ("dora", "draft", 404),
    ],
)
def test_who_edits_a_visit(client, world, who, status, code):
    visit = visit_of(world, status=status)
    client.force_login(world[who])
    assert client.get(url("visit_edit", visit.pk)).status_code == code
    response = client.post(url("visit_edit", visit.pk), form_data(world, findings="Changed"))
    assert response.status_code == (302 if code == 200 else 404)
    visit.refresh_from_db()
    assert (visit.findings == "Changed") == (code == 200)


@pytest.mark.parametrize(
    "who, code", [("maria", 302), ("admin", 302), ("mark", 404), ("alice", 404), ("dora", 404)]
)
def test_who_approves_a_visit(client, world, who, code):
    visit = visit_of(world, status="submitted")
    client.force_login(world[who])
    assert client.post(url("visit_approve", visit.pk)).status_code == code
    visit.refresh_from_db()
    assert (visit.status == "approved") == (code == 302)


def test_a_manager_of_the_governorate_reviews_too(client, world):
    from tests.factories import user_with_role

    gina = user_with_role("manager", username="gina", governorates=[world["project"].governorate])
    visit = visit_of(world, status="submitted")
    client.force_login(gina)
    client.post(url("visit_return", visit.pk), {"reason": "Photos missing."})
    visit.refresh_from_db()
    assert (visit.status, visit.reviewed_by) == ("returned", gina)


@pytest.mark.parametrize("who, code", [("alice", 200), ("maria", 200), ("dora", 404)])
def test_who_has_a_visit_list(client, world, who, code):
    client.force_login(world[who])
    assert client.get(url("visit_list")).status_code == code
    home = client.get("/").content.decode()
    assert (url("visit_list") in home) == (code == 200)


@pytest.mark.parametrize(
    "who, code", [("alice", 200), ("admin", 200), ("maria", 404), ("dora", 404)]
)
def test_who_records_a_new_visit(client, world, who, code):
    client.force_login(world[who])
    assert client.get(url("visit_new")).status_code == code


def test_a_monitor_chooses_only_projects_of_their_governorates(client, world):
    client.force_login(world["alice"])
    page = client.get(url("visit_new")).content.decode()
    assert "KRK-01" in page and "BSR-01" not in page
    response = client.post(url("visit_new"), form_data(world, project=world["other"].pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not MonitoringVisit.objects.exists()


def test_nobody_else_adds_photos_or_submits(client, world, media):
    visit = visit_of(world)
    for who in ("mona", "maria", "dora"):
        client.force_login(world[who])
        upload = SimpleUploadedFile("a.jpg", jpeg_with_gps())
        post = {"image": upload, "caption": "c", "credit": "d"}
        assert client.post(url("photo_add", visit.pk), post).status_code == 404
        assert client.post(url("visit_submit", visit.pk)).status_code == 404
    assert not Photo.objects.exists()
    visit.refresh_from_db()
    assert visit.status == "draft"


# --- Recording a visit ----------------------------------------------------------------


def test_a_monitor_records_a_visit_with_lines_and_referrals(client, world):
    client.force_login(world["alice"])
    response = client.post(url("visit_new"), form_data(world))
    visit = MonitoringVisit.objects.get()
    assert response["Location"] == url("visit_edit", visit.pk)
    assert (visit.monitor, visit.status, visit.findings) == (
        world["alice"],
        "draft",
        "Bakery running; oven repaired.",
    )
    record = AssistanceRecord.objects.get(visit=visit)
    assert (record.units, record.households, record.people, record.household_size) == (3, 3, 5, 7)
    assert record.recipients() == {("f", "18-59", "idp"): 2, ("f", "6-17", "host"): 1}
    assert Referral.objects.get(visit=visit).referred_to == "Water directorate"

    # The draft comes back with what was saved, a new empty line to add another.
    page = client.get(url("visit_edit", visit.pk)).content.decode()
    assert 'name="lines-TOTAL_FORMS" value="2"' in page
    assert f'name="lines-0-{WOMEN_IDP}" value="2"' in page


def test_a_form_with_errors_keeps_everything_typed(client, world):
    client.force_login(world["alice"])
    tomorrow = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    world["project"].end_date = None
    world["project"].save()
    data = form_data(world, visit_date=tomorrow, **{"lines-0-households": "9"})
    response = client.post(url("visit_new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved yet" in page
    assert "This date is in the future" in page
    assert "More households (9) than people (5)" in page
    assert "Bakery running; oven repaired." in page
    assert "Broken water pump" in page
    assert f'value="{tomorrow}"' in page
    assert f'name="lines-0-{WOMEN_IDP}" value="2"' in page
    assert not MonitoringVisit.objects.exists()


def test_recipients_above_people_and_wrong_sector_are_shown_on_the_line(client, world):
    client.force_login(world["alice"])
    data = form_data(
        world,
        **{
            "lines-0-people": "2",
            "lines-0-households": "2",
            "lines-0-activity_type": world["kits"].pk,
        },
    )
    page = client.post(url("visit_new"), data).content.decode()
    assert "add up to 3, more than the 2 people" in page
    assert "is not delivered in the Livelihoods sector" in page
    assert '<details class="recipients" open>' in page
    assert not MonitoringVisit.objects.exists()


def test_a_line_takes_women_and_men_without_age_or_group(client, world):
    client.force_login(world["alice"])
    data = form_data(
        world,
        **{f"lines-0-{WOMEN_IDP}": "", f"lines-0-{GIRLS_HOST}": "", "lines-0-sex_f": "3"},
    )
    client.post(url("visit_new"), data)
    record = AssistanceRecord.objects.get()
    assert (record.sex_f, record.sex_m, record.pop_idp, record.recipients()) == (3, None, None, {})
    page = client.get(url("visit_edit", record.visit_id)).content.decode()
    assert 'name="lines-0-sex_f" value="3"' in page
    # Women and men beyond the people: the line says so, and stays open.
    data = form_data(world, **{"lines-0-sex_f": "4", "lines-0-sex_m": "9"})
    page = client.post(url("visit_new"), data).content.decode()
    assert "Women + men (13) is more than the 5 people." in page
    assert '<details class="recipients" open>' in page


def test_save_and_submit_needs_findings(client, world):
    client.force_login(world["alice"])
    response = client.post(url("visit_new"), form_data(world, findings="", submit=""))
    assert "Write what you found before submitting" in response.content.decode()
    assert not MonitoringVisit.objects.exists()
    response = client.post(url("visit_new"), form_data(world, submit=""))
    visit = MonitoringVisit.objects.get()
    assert response["Location"] == url("visit_detail", visit.pk)
    assert visit.status == "submitted"
    assert AssistanceRecord.objects.get().status == "submitted"


def test_lines_are_changed_and_removed(client, world):
    visit = visit_of(world)
    record = visit.assistance.get()
    client.force_login(world["alice"])
    data = form_data(
        world,
        **{
            "lines-INITIAL_FORMS": "1",
            "lines-0-id": record.pk,
            "lines-0-units": "8",
            "referrals-TOTAL_FORMS": "0",
        },
    )
    client.post(url("visit_edit", visit.pk), data)
    record.refresh_from_db()
    assert record.units == 8
    data["lines-0-DELETE"] = "on"
    client.post(url("visit_edit", visit.pk), data)
    assert not visit.assistance.exists()


def test_a_line_of_another_visit_cannot_be_changed_through_this_one(client, world):
    mine, other = visit_of(world), visit_of(world)
    foreign = other.assistance.get()
    client.force_login(world["alice"])
    data = form_data(world, **{"lines-INITIAL_FORMS": "1", "lines-0-id": foreign.pk})
    response = client.post(url("visit_edit", mine.pk), data)
    assert response.status_code == 200
    assert "no longer exists" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.units == 4


# --- Review --------------------------------------------------------------------------------


def test_return_with_a_reason_then_correct_and_resubmit(client, world):
    visit = visit_of(world, status="submitted")
    client.force_login(world["maria"])
    response = client.post(url("visit_return", visit.pk), {"reason": ""})
    assert response.status_code == 200
    assert "Say what the monitor must correct" in response.content.decode()
    client.post(url("visit_return", visit.pk), {"reason": "Units should be 5."})
    visit.refresh_from_db()
    assert visit.status == "returned"

    client.force_login(world["alice"])
    assert "Units should be 5." in client.get(url("visit_edit", visit.pk)).content.decode()
    client.post(url("visit_submit", visit.pk))
    visit.refresh_from_db()
    assert visit.status == "submitted"

    client.force_login(world["maria"])
    client.post(url("visit_approve", visit.pk))
    visit.refresh_from_db()
    assert visit.status == "approved"
    page = client.get(url("visit_detail", visit.pk)).content.decode()
    assert "Returned" in page and "Submitted for review" in page and "maria" in page


# --- Photos ------------------------------------------------------------------------------


def test_a_photo_uploaded_on_the_page_loses_its_location(client, world, media):
    visit = visit_of(world)
    client.force_login(world["alice"])
    upload = SimpleUploadedFile("field.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(
        url("photo_add", visit.pk), {"image": upload, "caption": "Oven", "credit": "Alice"}
    )
    assert response.status_code == 302
    photo = Photo.objects.get(visit=visit)
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif()
    page = client.get(url("visit_detail", visit.pk)).content.decode()
    # Shown as in the snapshots' photo pages: caption, credit, donor, governorate.
    project = visit.project
    assert (
        f"Oven — Photo: Alice — Donor: {project.donor.name} — "
        f"Governorate: {project.governorate.name_iom}"
    ) in page


def test_a_non_image_named_jpg_is_refused_on_the_page(client, world, media):
    visit = visit_of(world)
    client.force_login(world["alice"])
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    response = client.post(
        url("photo_add", visit.pk), {"image": fake, "caption": "Oven", "credit": "Alice"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "not a JPEG, PNG or HEIC photo" in page
    assert 'value="Oven"' in page  # the caption typed is kept
    assert not Photo.objects.exists()


# --- Lists ---------------------------------------------------------------------------------


def many_visits(world, count=30):
    for i in range(count):
        MonitoringVisitFactory(
            project=world["project"],
            monitor=world["alice"],
            visit_date=DAY + dt.timedelta(days=i),
            status="submitted" if i % 3 else "draft",
        )
    MonitoringVisitFactory(project=world["other"], monitor=world["oscar"], status="submitted")


def test_my_visits_are_paginated_with_counts(client, world, django_assert_max_num_queries):
    many_visits(world)
    client.force_login(world["alice"])
    # ... and one for the header's count of unread notifications, and one
    # read of the data stamp for each part kept under it (counts, choices, rows).
    with django_assert_max_num_queries(10):
        response = client.get(url("visit_list"))
    page = response.content.decode()
    assert "My visits" in page
    assert 'All <span class="count">30</span>' in page
    assert 'Draft <span class="count">10</span>' in page
    assert 'Submitted <span class="count">20</span>' in page
    assert "Page 1 of 2" in page
    assert "BSR-01" not in page
    with django_assert_max_num_queries(10):
        second = client.get(url("visit_list"), {"page": 2}).content.decode()
    assert second.count('class="visit-list"') == 1 and "Page 2 of 2" in second


def test_to_review_shows_submitted_visits_of_the_scope(
    client, world, django_assert_max_num_queries
):
    many_visits(world)
    client.force_login(world["maria"])
    # One more than a monitor's list: the imported lists waiting for review.
    with django_assert_max_num_queries(11):
        response = client.get(url("visit_list"))
    page = response.content.decode()
    assert "Visits to review" in page
    assert 'Submitted <span class="count">20</span>' in page
    assert ">Draft <" not in page and "Draft <span" not in page
    assert "BSR-01" not in page
    with django_assert_max_num_queries(11):
        filtered = client.get(
            url("visit_list"),
            {"governorate": world["project"].governorate.pk, "status": "approved"},
        )
    assert "No visit matches these filters" in filtered.content.decode()


def test_filters_by_programme(client, world):
    many_visits(world)
    client.force_login(world["admin"])
    page = client.get(
        url("visit_list"), {"programme": world["other"].programme.pk}
    ).content.decode()
    assert "BSR-01" in page and "KRK-01" not in page
    assert 'All <span class="count">1</span>' in page


def test_empty_lists_say_what_to_do(client, world):
    client.force_login(world["alice"])
    assert "choose “New visit”" in client.get(url("visit_list")).content.decode()
    client.force_login(world["maria"])
    assert "once field staff submit them" in client.get(url("visit_list")).content.decode()


def test_all_32_recipient_cells_are_on_the_form(client, world):
    client.force_login(world["alice"])
    page = client.get(url("visit_new")).content.decode()
    for column in RECIPIENT_FIELDS:
        assert f'name="lines-0-{column}"' in page
    assert page.count('<table class="breakdown">') >= 4
    assert "css/visits.css" in page
