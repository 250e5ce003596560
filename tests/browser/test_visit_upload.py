"""A monitor online on a 360-px phone presses "Save and submit" (or "Save
draft") with photos: the photos are sent one by one with their upload
progress, a failed upload is tried again until it is on the server, once,
and the visit is submitted with all of them; nothing is dropped on the way
(visit_upload.js, views_form_json)."""

from __future__ import annotations

import pytest

from beneficiaries.models import AssistanceRecord, MonitoringVisit, Photo
from tests.beneficiaries.test_services import build_world
from tests.beneficiaries.test_views import visit_of
from tests.browser.fixtures import ARTIFACTS, PHONE, kept
from tests.browser.test_offline_visits import Phone, cut_off_once, fill_visit, jpeg, poll_status

WATCH_STATUS = """(selector) => { window.seen = []; const line = document.querySelector(selector);
  new MutationObserver(() => window.seen.push(line.textContent))
    .observe(line, {childList: true, characterData: true, subtree: true}); }"""


@pytest.fixture
def world(transactional_db):
    return build_world()


@pytest.fixture
def phone(kept_tabs, chromium, live_server, django_db_serialized_rollback):
    """A monitor's 360-px phone, its service worker blocked (Playwright's
    routes, which cut the connection here, do not see a worker's requests):
    the session's kept tab (fixtures.kept), left as a new one after the test."""
    block = {"service_workers": "block"}
    with kept(kept_tabs, chromium, live_server.url, PHONE, **block) as tab:
        yield Phone(chromium, live_server.url, kept=tab)


def fail_once(page, pattern: str) -> list[str]:
    """The first POST to ``pattern`` fails before it reaches the server."""
    failed: list[str] = []

    def handle(route):
        if route.request.method == "POST" and not failed:
            failed.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(pattern, handle)
    return failed


def test_submit_online_sends_the_photos_with_progress_and_retries_a_failed_one(phone, world):
    phone.sign_in("alice")
    phone.new_visit_form()
    page = phone.page
    fill_visit(page, world, photos=2)
    page.evaluate(WATCH_STATUS, "#offline-status")
    failed = fail_once(page, "**/visits/*/photos/")
    page.click("button[name=submit]")

    poll_status(page, "weak")  # the first photo's upload failed: tried again later
    assert failed and not Photo.objects.exists()
    visit = MonitoringVisit.objects.get()
    assert visit.status == "draft"  # saved, and submitted only once its photos are in
    assert AssistanceRecord.objects.filter(visit=visit).count() == 2
    seen = page.evaluate("window.seen")
    assert any("Sending photo 1 of 2" in line for line in seen), seen
    page.wait_for_selector("#offline-queue[data-waiting='1']", state="attached")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "visit-upload-retry-phone.png"), full_page=True)

    with page.expect_navigation():
        page.click(".queue-send")  # or by itself after a pause
    visit.refresh_from_db()
    assert page.url.endswith(f"/visits/{visit.pk}/")
    assert visit.status == "submitted"
    assert [p.caption for p in visit.photos.order_by("id")] == ["Oven 1", "Oven 2"]
    assert "No photos on this visit" not in page.content()
    phone.new_visit_form()  # nothing left on the phone: no draft, no queue
    assert page.input_value("textarea[name=findings]") == ""
    assert page.locator("#offline-queue").is_hidden()
    assert phone.errors == []


def test_a_post_whose_answer_is_lost_is_retried_into_one_visit(phone, world):
    phone.sign_in("alice")
    phone.new_visit_form()
    page = phone.page
    fill_visit(page, world, photos=1)
    cut = cut_off_once(page, "**/visits/new/")  # the server makes it, the phone never hears
    with page.expect_navigation(timeout=30_000):
        page.click("button[name=save]")  # tried again by itself after a pause
    assert cut
    visit = MonitoringVisit.objects.get()  # one, not two
    assert page.url.endswith(f"/visits/{visit.pk}/edit/")
    assert visit.status == "draft" and visit.photos.count() == 1
    assert phone.errors == []


def test_a_refused_visit_is_marked_by_field_and_keeps_its_photo(phone, world):
    phone.sign_in("alice")
    phone.new_visit_form()
    page = phone.page
    fill_visit(page, world, photos=1)
    page.fill("input[name='photos-0-caption']", "")
    page.click("button[name=submit]")
    page.wait_for_selector("input[name='photos-0-caption'] ~ .upload-error", state="attached")
    page.fill("input[name='photos-0-caption']", "Oven 1")
    page.fill("textarea[name=findings]", "")  # refused by the server when submitting
    page.click("button[name=submit]")
    page.wait_for_selector("textarea[name=findings] ~ .upload-error", state="attached")
    assert not MonitoringVisit.objects.exists() and not Photo.objects.exists()
    assert (
        page.evaluate("document.querySelector(\"input[name='photos-0-image']\").files.length") == 1
    )

    page.fill("textarea[name=findings]", "Bakery open.")
    with page.expect_navigation():
        page.click("button[name=submit]")
    visit = MonitoringVisit.objects.get()
    assert visit.status == "submitted" and visit.photos.count() == 1
    assert phone.errors == []


def test_a_returned_visit_resubmitted_with_a_photo_retries_its_upload_once(phone, world):
    visit = visit_of(world, status="returned")
    phone.sign_in("alice")
    phone.goto(f"/visits/{visit.pk}/edit/")
    page = phone.page
    page.set_input_files(
        "input[name='photos-0-image']",
        files=[{"name": "IMG_9.jpg", "mimeType": "image/jpeg", "buffer": jpeg("blue")}],
    )
    page.fill("input[name='photos-0-caption']", "Oven repaired")
    page.fill("input[name='photos-0-credit']", "Alice")
    page.evaluate(WATCH_STATUS, "[data-upload-status]")
    cut = cut_off_once(page, "**/visits/*/photos/")  # stored, but the phone never heard
    page.click("button[name=submit]")
    page.wait_for_selector("[data-upload-again]", state="visible")
    assert cut and Photo.objects.filter(visit=visit).count() == 1
    seen = page.evaluate("window.seen")
    assert any("Sending photo 1 of 1" in line for line in seen), seen
    assert any("trying again" in line for line in seen), seen
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "visit-upload-edit-retry-phone.png"), full_page=True)

    page.wait_for_url(f"**/visits/{visit.pk}/")  # tried again by itself, then the form posted
    visit.refresh_from_db()
    assert page.url.endswith(f"/visits/{visit.pk}/"), page.url
    assert visit.status == "submitted"
    assert list(visit.photos.values_list("caption", flat=True)) == ["Oven repaired"]  # once
    assert phone.errors == []
