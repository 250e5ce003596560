"""The main path of field data entry, in a real browser on the real stack: a
monitor on a phone fills a visit with two assistance lines, a beneficiary's
feedback and a photo and submits it; the manager finds it in the review list
and approves it; a real Celery worker recomputes, and the indicator figure
changes."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from PIL import Image

from beneficiaries.models import (
    AssistanceRecord,
    FeedbackResponse,
    MonitoringVisit,
    Photo,
    Question,
    Survey,
)
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


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.worker
def test_monitor_submits_manager_approves_figure_changes(
    phone_page, browser_page, celery_worker_process
):
    kirkuk = governorate("IQG13")
    sector = SectorFactory()
    programme = ProgrammeFactory(start_date=dt.date(2016, 1, 1), end_date=None)
    project = ProjectFactory(
        governorate=kirkuk, programme=programme, sector=sector, start_date=dt.date(2017, 1, 1)
    )
    bsp = ActivityTypeFactory(code="bsp", name="Business support package")
    bsp.sectors.add(sector)
    user_with_role("monitor", username="mona", governorates=[kirkuk])
    user_with_role("manager", username="maya", programmes=[programme])
    survey = Survey.objects.create(code="satisfaction", title="Beneficiary satisfaction")
    question = Question.objects.create(
        survey=survey,
        code="satisfaction",
        text="How satisfied are you with the assistance you received?",
        kind=Question.Kind.LIKERT,
        choices=[["5", "Very satisfied"], ["4", "Satisfied"], ["3", "Neutral"]],
    )
    define("people-x", source="assistance", measure="people", apply_multiplier=True)
    recompute_full()
    assert value("people-x") is None

    # The monitor, on a phone.
    phone = phone_page
    phone.sign_in("mona")
    phone.goto("/visits/new/")
    page = phone.page
    page.select_option("select[name=project]", str(project.pk))
    page.fill("input[name=visit_date]", "2018-03-05")
    page.fill("textarea[name=findings]", "Both shops open; owners trained.")
    page.select_option("select[name='lines-0-activity_type']", str(bsp.pk))
    page.fill("input[name='lines-0-units']", "10")
    page.fill("input[name='lines-0-households']", "10")
    page.fill("input[name='lines-0-people']", "10")
    page.click("button[data-add=lines]")
    page.select_option("select[name='lines-1-activity_type']", str(bsp.pk))
    page.fill("input[name='lines-1-units']", "5")
    page.fill("input[name='lines-1-households']", "5")
    page.fill("input[name='lines-1-people']", "5")
    page.fill("input[name='lines-1-household_size']", "4")
    page.click(f"button[data-add=feedback{survey.pk}]")
    page.select_option(f"select[name='feedback{survey.pk}-0-sex']", "f")
    page.check(f"input[name='feedback{survey.pk}-0-q{question.pk}'][value='5']")
    phone.screenshot("visit-form-phone")
    page.click("button[name=save]")
    page.wait_for_load_state()
    visit = MonitoringVisit.objects.get()
    # A saved draft stays open for more editing.
    assert page.url.endswith(f"/visits/{visit.pk}/edit/"), page.url
    assert AssistanceRecord.objects.filter(visit=visit).count() == 2
    response = FeedbackResponse.objects.get(visit=visit)
    assert (response.sex, list(response.answers.values_list("value", flat=True))) == ("f", ["5"])
    phone.goto(f"/visits/{visit.pk}/")

    page.set_input_files(
        "input[name=image]",
        files=[{"name": "shop.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    page.fill("input[name=caption]", "A new grocery shop")
    page.fill("input[name=credit]", "Mona")
    page.click("form.photo-form button[type=submit]")
    page.wait_for_load_state()
    assert Photo.objects.filter(visit=visit).count() == 1
    page.click("text=Submit for review")
    page.wait_for_load_state()
    phone.screenshot("visit-submitted-phone")
    visit.refresh_from_db()
    assert visit.status == "submitted"
    assert phone.errors == []

    # The manager, on a laptop.
    manager = browser_page
    manager.sign_in("maya")
    manager.goto("/visits/")
    manager.screenshot("review-list")
    manager.page.click(f"a[href='/visits/{visit.pk}/']")
    manager.page.wait_for_load_state()
    assert "Very satisfied" in manager.page.content()
    manager.page.click("text=Approve")
    manager.page.wait_for_load_state()
    manager.screenshot("visit-approved")
    visit.refresh_from_db()
    response.refresh_from_db()
    assert (visit.status, response.status) == ("approved", "approved")

    # The worker recomputes after the approval commits: 10 × 6 + 5 × 4.
    deadline = time.monotonic() + 30
    while value("people-x") != 80 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert value("people-x") == 80
    assert manager.errors == []
