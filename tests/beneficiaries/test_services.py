"""The monitoring-visit workflow as services: the rules a monitor is told
about, draft → submitted → approved or returned, the indicators an approval
moves, the history kept, and photos stored without their location."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from beneficiaries import selectors, services
from beneficiaries.models import AssistanceRecord, MonitoringVisit, Photo, recipient_field
from indicators.engine import recompute_full
from tests.factories import (
    ActivityTypeFactory,
    ProgrammeFactory,
    ProjectFactory,
    SectorFactory,
    governorate,
    user_with_role,
)
from tests.indicators.conftest import define, value
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db

DAY = dt.date(2018, 3, 1)
WOMEN_IDP = recipient_field("f", "18-59", "idp")
GIRLS_HOST = recipient_field("f", "6-17", "host")


def build_world() -> dict:
    """Two governorates (Kirkuk, Basra), a project in each (programmes A and
    B), activity types of the livelihoods and education sectors and one that
    fits any sector; the monitor alice, her colleague mona (Kirkuk), the
    outsider oscar (Basra); the managers maria (programme A) and mark
    (programme B); the donor dora, whose organisation funds the Kirkuk
    project; and an administrator."""
    livelihoods = SectorFactory(code="livelihoods", name="Livelihoods")
    education = SectorFactory(code="education", name="Education")
    kirkuk, basra = governorate("IQG13"), governorate("IQG02")
    project = ProjectFactory(
        code="KRK-01",
        name="Bakery grants",
        governorate=kirkuk,
        programme=ProgrammeFactory(code="CRP"),
        sector=livelihoods,
        start_date=dt.date(2017, 1, 1),
        end_date=dt.date(2020, 12, 31),
    )
    other = ProjectFactory(
        code="BSR-01", governorate=basra, programme=ProgrammeFactory(code="RRP"), sector=education
    )
    bsp = ActivityTypeFactory(code="bsp", name="Business support package")
    bsp.sectors.set([livelihoods])
    kits = ActivityTypeFactory(code="school-kit", name="School kit")
    kits.sectors.set([education])
    cash = ActivityTypeFactory(code="cash", name="Cash")
    admin = user_with_role("admin", username="root")
    return {
        "project": project,
        "other": other,
        "bsp": bsp,
        "kits": kits,
        "cash": cash,
        "alice": user_with_role("monitor", username="alice", governorates=[kirkuk]),
        "mona": user_with_role("monitor", username="mona", governorates=[kirkuk]),
        "oscar": user_with_role("monitor", username="oscar", governorates=[basra]),
        "maria": user_with_role("manager", username="maria", programmes=[project.programme]),
        "mark": user_with_role("manager", username="mark", programmes=[other.programme]),
        "dora": user_with_role("donor", username="dora", donor=project.donor),
        "admin": admin,
    }


@shared_for_module
def world():
    return build_world()


def draft(world, *, user=None, findings="Shops open, stock bought.") -> MonitoringVisit:
    return services.visit_create(
        user=user or world["alice"], project=world["project"], visit_date=DAY, findings=findings
    )


def line(visit, world, *, user=None, record=None, **counts) -> AssistanceRecord:
    fields = {
        "activity_type": world["bsp"],
        "units": 4,
        "households": 4,
        "people": 6,
        "household_size": None,
        "recipients": {WOMEN_IDP: 3, GIRLS_HOST: 1},
    }
    fields.update(counts)
    return services.assistance_line_save(
        visit=visit, user=user or world["alice"], record=record, **fields
    )


def errors_of(info) -> dict:
    return info.value.message_dict


# --- Rules a monitor is told about -----------------------------------------------------


def test_a_visit_in_the_future_is_refused(world):
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    world["project"].end_date = None
    world["project"].save()
    with pytest.raises(ValidationError) as info:
        services.visit_create(user=world["alice"], project=world["project"], visit_date=tomorrow)
    assert "in the future" in errors_of(info)["visit_date"][0]
    assert not MonitoringVisit.objects.exists()


@pytest.mark.parametrize(
    "day, words", [(dt.date(2016, 12, 31), "started on"), (dt.date(2021, 1, 1), "ended on")]
)
def test_a_visit_outside_the_project_period_is_refused(world, day, words):
    with pytest.raises(ValidationError) as info:
        services.visit_create(user=world["alice"], project=world["project"], visit_date=day)
    message = errors_of(info)["visit_date"][0]
    assert words in message and "KRK-01" in message


def test_a_project_outside_the_monitors_governorates_is_refused(world):
    with pytest.raises(ValidationError) as info:
        services.visit_create(user=world["alice"], project=world["other"], visit_date=DAY)
    assert "project" in errors_of(info)


def test_more_households_than_people_is_refused(world):
    visit = draft(world)
    with pytest.raises(ValidationError) as info:
        line(visit, world, households=7, people=6)
    assert "More households (7) than people (6)" in errors_of(info)["households"][0]
    assert not visit.assistance.exists()


def test_recipients_adding_up_to_more_than_the_people_are_refused(world):
    visit = draft(world)
    with pytest.raises(ValidationError) as info:
        line(visit, world, people=3, households=3, recipients={WOMEN_IDP: 3, GIRLS_HOST: 1})
    assert "add up to 4, more than the 3 people" in errors_of(info)["people"][0]


def test_an_activity_type_of_another_sector_is_refused(world):
    visit = draft(world)
    with pytest.raises(ValidationError) as info:
        line(visit, world, activity_type=world["kits"])
    message = errors_of(info)["activity_type"][0]
    assert "School kit" in message and "Livelihoods" in message
    # An activity type that names no sector fits every project.
    assert line(visit, world, activity_type=world["cash"]).activity_type == world["cash"]


def test_a_line_belongs_to_the_visits_project_date_and_status(world):
    visit = draft(world)
    record = line(visit, world)
    assert (record.project, record.delivered_on, record.status) == (world["project"], DAY, "draft")
    assert record.recipients() == {("f", "18-59", "idp"): 3, ("f", "6-17", "host"): 1}
    later = DAY + dt.timedelta(days=3)
    services.visit_update(
        visit=visit, user=world["alice"], project=world["project"], visit_date=later, findings="x"
    )
    record.refresh_from_db()
    assert record.delivered_on == later


def test_a_visit_without_findings_cannot_be_submitted(world):
    visit = draft(world, findings="  ")
    with pytest.raises(ValidationError) as info:
        services.visit_submit(visit=visit, user=world["alice"])
    assert "findings" in errors_of(info)
    visit.refresh_from_db()
    assert visit.status == "draft"


# --- The workflow ------------------------------------------------------------------------


def test_submit_then_approve(world):
    visit = draft(world)
    record = line(visit, world)
    services.visit_submit(visit=visit, user=world["alice"])
    visit.refresh_from_db()
    record.refresh_from_db()
    assert (visit.status, record.status) == ("submitted", "submitted")
    assert visit.submitted_at is not None

    with pytest.raises(ValidationError):  # nobody changes a visit under review
        line(visit, world, record=record, units=9)

    services.visit_approve(visit=visit, user=world["maria"])
    visit.refresh_from_db()
    record.refresh_from_db()
    assert (visit.status, record.status, visit.reviewed_by) == (
        "approved",
        "approved",
        world["maria"],
    )
    with pytest.raises(ValidationError):
        services.visit_update(
            visit=visit, user=world["alice"], project=world["project"], visit_date=DAY, findings=""
        )


def test_return_correct_resubmit_approve(world):
    visit = draft(world)
    record = line(visit, world)
    services.visit_submit(visit=visit, user=world["alice"])

    with pytest.raises(ValidationError) as info:
        services.visit_return(visit=visit, user=world["maria"], reason="   ")
    assert "reason" in errors_of(info)

    services.visit_return(visit=visit, user=world["maria"], reason="Units should be 5.")
    visit.refresh_from_db()
    record.refresh_from_db()
    assert (visit.status, visit.return_reason, record.status) == (
        "returned",
        "Units should be 5.",
        "returned",
    )

    line(visit, world, record=record, units=5)
    services.visit_submit(visit=visit, user=world["alice"])
    visit.refresh_from_db()
    assert (visit.status, visit.return_reason) == ("submitted", "")

    services.visit_approve(visit=visit, user=world["maria"])
    record.refresh_from_db()
    assert (record.status, record.units) == ("approved", 5)


def test_only_a_submitted_visit_is_approved_and_never_by_its_monitor(world):
    visit = draft(world)
    with pytest.raises(ValidationError):
        services.visit_approve(visit=visit, user=world["maria"])
    admin_visit = draft(world, user=world["admin"])
    services.visit_submit(visit=admin_visit, user=world["admin"])
    with pytest.raises(ValidationError) as info:
        services.visit_approve(visit=admin_visit, user=world["admin"])
    assert "Somebody else" in info.value.messages[0]
    visit.refresh_from_db()
    assert visit.status == "draft"


def test_every_step_is_in_the_history_with_who_and_when(world):
    visit = draft(world)
    line(visit, world)
    services.visit_submit(visit=visit, user=world["alice"])
    services.visit_return(visit=visit, user=world["maria"], reason="Add photos.")
    history = selectors.visit_history(visit)
    steps = [(entry["what"], entry["who"], entry["reason"]) for entry in history]
    assert ("Visit", world["maria"], "Returned") in steps
    assert ("Visit", world["alice"], "Submitted for review") in steps
    assert ("Assistance: Business support package", world["maria"], "Returned") in steps
    returned = next(e for e in history if e["what"] == "Visit" and e["reason"] == "Returned")
    assert ("Reason for return", "—", "Add photos.") in [
        (str(label), before, after) for label, before, after in returned["changes"]
    ]
    assert history[0]["when"] >= history[-1]["when"]


# --- Indicators -------------------------------------------------------------------------


def test_approval_and_return_recompute_the_indicators(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    define("bsp-units", source="assistance", measure="units")
    define("visits", source="visits", measure="records")
    recompute_full()
    visit = draft(world)
    line(visit, world, units=4)
    services.visit_submit(visit=visit, user=world["alice"])
    assert value("bsp-units") is None  # a submitted visit counts nowhere yet

    with django_capture_on_commit_callbacks(execute=True):
        services.visit_approve(visit=visit, user=world["maria"])
    assert value("bsp-units") == 4
    assert value("visits") == 1
    assert value("bsp-units", governorate=world["project"].governorate) == 4

    with django_capture_on_commit_callbacks(execute=True):
        services.visit_return(visit=visit, user=world["maria"], reason="Wrong project.")
    assert value("bsp-units") in (None, 0)
    assert value("visits") in (None, 0)


# --- Photos --------------------------------------------------------------------------------


def phone_exif() -> Image.Exif:
    """EXIF as a phone writes it: camera make and model, and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Model 12 Pro"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (36.0, 11.0, 27.0), "E", (44.0, 23.0, 31.0)
    return exif


def heic_with_gps(size=(2400, 1800)) -> bytes:
    """A real HEIC file, as an iPhone takes it, with a GPS position and the camera."""
    image = Image.new("RGB", size, (40, 140, 60))
    buffer = BytesIO()
    image.save(buffer, format="HEIF", exif=phone_exif().tobytes(), quality=60)
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    """A small JPEG whose EXIF holds a GPS position and a camera make."""
    image = Image.new("RGB", (16, 12), "green")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (36.0, 11.0, 27.0), "E", (44.0, 23.0, 31.0)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_stored_photo_has_no_location_or_device_data(world, media):
    visit = draft(world)
    data = jpeg_with_gps()
    with Image.open(BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)  # the test photo does carry GPS
    upload = SimpleUploadedFile("IMG_Kirkuk_0301.jpg", data, content_type="image/jpeg")
    photo = services.photo_add(
        visit=visit, user=world["alice"], image=upload, caption="Bakery", credit="IOM"
    )
    assert "Kirkuk" not in photo.image.name
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (16, 12)
        assert not stored.getexif()
        assert "exif" not in stored.info


def test_a_heic_photo_is_stored_as_a_jpeg_for_display_without_location(world, media):
    visit = draft(world)
    data = heic_with_gps()
    assert data[4:12] == b"ftypheic"  # a real HEIC file
    with Image.open(BytesIO(data)) as original:
        assert original.format == "HEIF"
        assert original.getexif().get_ifd(0x8825)  # it does carry GPS
        assert original.getexif()[0x0110] == "Model 12 Pro"
    upload = SimpleUploadedFile("IMG_0301.HEIC", data, content_type="image/heic")
    photo = services.photo_add(
        visit=visit, user=world["alice"], image=upload, caption="Market", credit="IOM"
    )
    assert photo.image.name.endswith(".jpg")
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (1600, 1200)  # resized for display, proportions kept
        assert not stored.getexif()
        assert "exif" not in stored.info and "xmp" not in stored.info
        assert stored.getpixel((800, 600)) == pytest.approx((40, 140, 60), abs=6)
    raw = open(photo.image.path, "rb").read()
    assert b"PhoneMaker" not in raw and b"Model 12 Pro" not in raw


def test_a_large_jpeg_is_resized_for_display_and_turned_upright(world, media):
    visit = draft(world)
    exif = phone_exif()
    exif[0x0112] = 6  # taken with the phone turned: shown rotated 90°
    buffer = BytesIO()
    Image.new("RGB", (3200, 2000), "white").save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("shop.jpg", buffer.getvalue(), content_type="image/jpeg")
    photo = services.photo_add(
        visit=visit, user=world["alice"], image=upload, caption="Shop", credit="IOM"
    )
    with Image.open(photo.image.path) as stored:
        assert stored.size == (1000, 1600)
        assert not stored.getexif()


def test_a_small_png_keeps_its_format_and_size(world, media):
    visit = draft(world)
    buffer = BytesIO()
    Image.new("RGBA", (300, 200), (10, 20, 30, 128)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("chart.png", buffer.getvalue(), content_type="image/png")
    photo = services.photo_add(
        visit=visit, user=world["alice"], image=upload, caption="Chart", credit="IOM"
    )
    assert photo.image.name.endswith(".png")
    with Image.open(photo.image.path) as stored:
        assert (stored.format, stored.size, stored.mode) == ("PNG", (300, 200), "RGBA")


def test_a_file_that_is_not_a_photo_is_refused_whatever_its_name(world, media):
    visit = draft(world)
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError) as info:
        services.photo_add(visit=visit, user=world["alice"], image=fake, caption="x", credit="y")
    assert "not a JPEG, PNG or HEIC photo" in info.value.messages[0]
    gif = BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    with pytest.raises(ValidationError):
        services.photo_check(SimpleUploadedFile("a.png", gif.getvalue()))
    # A HEIC name on something else, and a HEIC file cut short, are refused too.
    with pytest.raises(ValidationError):
        services.photo_check(SimpleUploadedFile("IMG_1.HEIC", b"\x00\x00\x00\x18ftypheic junk"))
    with pytest.raises(ValidationError):
        services.photo_check(SimpleUploadedFile("IMG_2.HEIC", heic_with_gps((64, 48))[:300]))
    assert not Photo.objects.exists()
    assert not list(media.rglob("*.*"))


def test_a_photo_above_10_mb_is_refused(world):
    big = SimpleUploadedFile("big.jpg", jpeg_with_gps() + b"\0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as info:
        services.photo_check(big)
    assert "at most 10 MB" in info.value.messages[0]
    png = BytesIO()
    Image.new("RGB", (4, 4)).save(png, format="PNG")
    assert services.photo_check(SimpleUploadedFile("named.jpg", png.getvalue())) == "PNG"
    heic = SimpleUploadedFile("named.jpg", heic_with_gps((64, 48)))
    assert services.photo_check(heic) == "HEIF"
