"""A monitor on a phone with no connection: the visit form opens from the
phone (service worker), what is typed survives closing the page
(IndexedDB), photos included, and a visit submitted offline waits in a
visible queue until the connection returns; then it is sent once, even when
a send is cut off and retried; a visit the server refuses is shown with
what to fix, and nothing typed is lost."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from beneficiaries import services
from beneficiaries.models import AssistanceRecord, MonitoringVisit, Photo
from tests.beneficiaries.test_services import build_world
from tests.browser.fixtures import PHONE, kept, sign_in
from tests.factories import PASSWORD


@pytest.fixture
def world(transactional_db):
    return build_world()


def jpeg(colour, size=(2400, 1800)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


class Phone:
    """A 360-px tab in a context of its own (``service_workers`` allowed or
    blocked), or the tab ``kept`` (fixtures.kept: its context, page and
    errors), signed in as a monitor (``login``: through the login form)."""

    def __init__(self, chromium, base_url, *, service_workers="allow", kept=None):
        self.base_url = base_url
        if kept is not None:
            self.context, self.page, self.errors = kept.context, kept.page, kept.errors
            return
        self.context = chromium.new_context(viewport=PHONE, service_workers=service_workers)
        self.errors: list[str] = []
        self.page = self.open()

    def open(self):
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page

    def goto(self, path):
        return self.page.goto(self.base_url + path)

    def sign_in(self, username):
        """Signed in without the login form (``fixtures.sign_in``)."""
        sign_in(self.context, self.base_url, username)

    def login(self, username):
        self.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state()

    def new_visit_form(self):
        self.goto("/visits/new/")
        self.page.wait_for_selector("#offline-app[data-ready='1']", state="attached")


@pytest.fixture
def phone(chromium, live_server, django_db_serialized_rollback):
    tab = Phone(chromium, live_server.url)
    yield tab
    tab.context.close()


@pytest.fixture
def phone_without_worker(kept_tabs, chromium, live_server, django_db_serialized_rollback):
    """A phone whose service worker is blocked (Playwright's routes, which
    cut the connection here, do not see a worker's requests): the session's
    kept tab, left as a new one after the test."""
    block = {"service_workers": "block"}
    with kept(kept_tabs, chromium, live_server.url, PHONE, **block) as tab:
        yield Phone(chromium, live_server.url, kept=tab)


def fill_visit(page, world, *, photos=2):
    page.fill("input[name=visit_date]", "2018-03-05")
    page.select_option("select[name=project]", str(world["project"].pk))
    page.fill("textarea[name=findings]", "Bakery open; oven repaired.")
    page.select_option("select[name='lines-0-activity_type']", str(world["bsp"].pk))
    for name, count in (("units", "3"), ("households", "3"), ("people", "5")):
        page.fill(f"input[name='lines-0-{name}']", count)
    page.click("button[data-add=lines]")
    page.select_option("select[name='lines-1-activity_type']", str(world["cash"].pk))
    for name, count in (("units", "1"), ("households", "1"), ("people", "2")):
        page.fill(f"input[name='lines-1-{name}']", count)
    for index in range(photos):
        if index:
            page.click("button[data-add=photos]")
        page.set_input_files(
            f"input[name='photos-{index}-image']",
            files=[{"name": f"IMG_{index}.jpg", "mimeType": "image/jpeg", "buffer": jpeg("red")}],
        )
        page.wait_for_selector(f"input[name='photos-{index}-image'] ~ .kept")
        page.fill(f"input[name='photos-{index}-caption']", f"Oven {index + 1}")
        page.fill(f"input[name='photos-{index}-credit']", "Alice")
    page.wait_for_timeout(400)  # the draft is saved 250 ms after the last key


def wait_for_queue(page, waiting: int):
    page.wait_for_selector(f"#offline-queue[data-waiting='{waiting}']", state="attached")


def test_offline_round_trip_keeps_the_draft_and_sends_the_visit_once(phone, world):
    phone.sign_in("alice")
    phone.new_visit_form()
    page = phone.page
    page.wait_for_selector("#offline-app[data-cached='1']", state="attached", timeout=15_000)

    phone.context.set_offline(True)
    page.reload()  # the form opens from the phone
    page.wait_for_selector("#offline-app[data-ready='1']", state="attached")
    fill_visit(page, world)

    # Closed and opened again, with no connection: the draft is all there.
    page.close()
    phone.page = page = phone.open()
    phone.new_visit_form()
    assert page.input_value("textarea[name=findings]") == "Bakery open; oven repaired."
    assert page.input_value("select[name='lines-1-activity_type']") == str(world["cash"].pk)
    assert page.input_value("input[name='lines-1-people']") == "2"
    assert page.input_value("input[name='photos-1-caption']") == "Oven 2"
    assert page.locator(".kept").count() == 2  # both photos kept, made smaller

    page.click("button[name=submit]")
    wait_for_queue(page, 1)
    assert "1 visit waiting to send" in page.inner_text("#offline-queue")
    assert "on 05/03/2018" in page.inner_text("#offline-queue")  # day first, as the site writes
    assert not MonitoringVisit.objects.exists()

    phone.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#offline-queue", state="hidden", timeout=15_000)
    visit = MonitoringVisit.objects.get()
    assert (visit.status, visit.findings) == ("submitted", "Bakery open; oven repaired.")
    assert AssistanceRecord.objects.filter(visit=visit).count() == 2
    photos = list(Photo.objects.filter(visit=visit).order_by("caption"))
    assert [p.caption for p in photos] == ["Oven 1", "Oven 2"]
    with Image.open(photos[0].image.path) as stored:
        assert max(stored.size) <= 1600
    # Sent once: opening the form again sends nothing more.
    phone.new_visit_form()
    assert MonitoringVisit.objects.count() == 1
    assert page.input_value("textarea[name=findings]") == ""
    assert phone.errors == []


def test_a_send_cut_off_half_way_and_retried_makes_one_visit(phone_without_worker, world):
    phone = phone_without_worker
    phone.sign_in("alice")
    phone.new_visit_form()
    page = phone.page
    fill_visit(page, world, photos=1)
    phone.context.set_offline(True)
    page.click("button[name=submit]")
    wait_for_queue(page, 1)

    cut = []

    def cut_off_the_answer(route):
        if route.request.method == "POST" and not cut:
            route.fetch()  # the server makes the visit ...
            cut.append(True)
            route.abort("connectionreset")  # ... and the phone never hears of it
        else:
            route.continue_()

    page.route("**/api/v1/visits/", cut_off_the_answer)
    phone.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    # Polled from Python: page.evaluate is not the page's own script, so the
    # page's CSP (no eval) does not apply to it, as it would to wait_for_function.
    for _ in range(100):
        status = page.evaluate("document.getElementById('offline-status').textContent")
        if "weak" in status:
            break
        page.wait_for_timeout(100)
    assert "weak" in status
    assert MonitoringVisit.objects.count() == 1 and cut
    wait_for_queue(page, 1)  # still waiting on the phone

    page.click(".queue-send")
    page.wait_for_selector("#offline-queue", state="hidden", timeout=15_000)
    visit = MonitoringVisit.objects.get()
    assert visit.status == "submitted"
    assert AssistanceRecord.objects.filter(visit=visit).count() == 2
    assert Photo.objects.filter(visit=visit).count() == 1
    assert phone.errors == []


def test_a_visit_refused_by_the_server_says_what_to_fix_and_keeps_what_was_typed(
    phone_without_worker, world
):
    phone = phone_without_worker
    phone.sign_in("alice")
    phone.new_visit_form()
    page = phone.page
    fill_visit(page, world, photos=0)
    phone.context.set_offline(True)
    page.click("button[name=save]")
    wait_for_queue(page, 1)

    # Meanwhile, the project's end is brought forward, before the visit.
    project = world["project"]
    project.end_date = dt.date(2018, 1, 31)
    project.save()

    phone.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#offline-queue[data-conflicts='1']", state="attached")
    text = page.inner_text("#offline-queue")
    assert "ended on" in text and "fix" in text
    assert not MonitoringVisit.objects.exists()

    with page.expect_navigation():
        page.click(".queue-item .fix")
    page.wait_for_selector("#offline-app[data-ready='1']", state="attached")
    assert page.input_value("textarea[name=findings]") == "Bakery open; oven repaired."
    assert page.input_value("input[name='lines-1-people']") == "2"
    # The server's message is shown in the form, by the field it is about.
    assert "ended on" in page.inner_text(".field.has-error .offline-error")
    assert phone.errors == []


def test_an_activity_type_no_longer_allowed_is_marked_on_its_line(phone_without_worker, world):
    phone = phone_without_worker
    phone.sign_in("alice")
    phone.new_visit_form()
    page = phone.page
    fill_visit(page, world, photos=0)
    phone.context.set_offline(True)
    page.click("button[name=save]")
    wait_for_queue(page, 1)
    # Meanwhile, the business support package moves to the education sector only.
    world["bsp"].sectors.set([world["other"].sector])

    phone.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#offline-queue[data-conflicts='1']", state="attached")
    with page.expect_navigation():
        page.click(".queue-item .fix")
    page.wait_for_selector("#offline-app[data-ready='1']", state="attached")
    first_line = page.locator(".field:has(select[name='lines-0-activity_type'])")
    assert "is not delivered in the Livelihoods sector" in first_line.inner_text()
    assert page.locator(".offline-error").count() == 1  # the second line is fine
    assert not MonitoringVisit.objects.exists()


def poll_status(page, word: str) -> str:
    """The status line once it says ``word`` (polled from Python: the
    page's CSP forbids the eval that wait_for_function uses)."""
    for _ in range(100):
        status = page.evaluate("document.getElementById('offline-status').textContent")
        if word in status:
            return status
        page.wait_for_timeout(100)
    raise AssertionError(f"status never said {word!r}: {status!r}")


def cut_off_once(page, pattern: str) -> list[bool]:
    """The first POST to ``pattern`` reaches the server, but its answer never
    reaches the phone."""
    cut: list[bool] = []

    def handle(route):
        if route.request.method == "POST" and not cut:
            route.fetch()
            cut.append(True)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(pattern, handle)
    return cut


def test_a_visit_returned_meanwhile_is_shown_with_the_reason_and_not_sent_again(
    phone_without_worker, world
):
    phone = phone_without_worker
    phone.sign_in("alice")
    phone.new_visit_form()
    page = phone.page
    fill_visit(page, world, photos=0)
    phone.context.set_offline(True)
    page.click("button[name=submit]")
    wait_for_queue(page, 1)

    cut = cut_off_once(page, "**/api/v1/visits/*/submit/")
    phone.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    poll_status(page, "weak")
    visit = MonitoringVisit.objects.get()
    assert visit.status == "submitted" and cut
    # Before the phone tries again, a manager returns the visit.
    services.visit_return(visit=visit, user=world["maria"], reason="Households do not add up.")

    page.click(".queue-send")
    page.wait_for_selector("#offline-queue[data-conflicts='1']", state="attached")
    item = page.locator(".queue-item.conflict")
    assert "Households do not add up." in item.inner_text()
    assert item.locator("a.open").get_attribute("href") == f"/visits/{visit.pk}/edit/"
    visit.refresh_from_db()
    assert visit.status == "returned"  # not submitted again behind the manager's back
    assert MonitoringVisit.objects.count() == 1

    # Kept on the phone until the monitor takes it off.
    page.reload()
    page.wait_for_selector("#offline-queue[data-conflicts='1']", state="attached")
    page.click(".queue-item .dismiss")
    page.wait_for_selector("#offline-queue", state="hidden")
    assert phone.errors == []


def test_a_photo_upload_cut_off_and_retried_adds_one_photo(phone_without_worker, world):
    phone = phone_without_worker
    phone.sign_in("alice")
    phone.new_visit_form()
    page = phone.page
    fill_visit(page, world, photos=1)
    phone.context.set_offline(True)
    page.click("button[name=submit]")
    wait_for_queue(page, 1)
    # Every status line shown, kept for the test (evaluate runs outside the CSP).
    page.evaluate(
        """() => { window.seen = []; const line = document.getElementById('offline-status');
        new MutationObserver(() => window.seen.push(line.textContent))
          .observe(line, {childList: true, characterData: true, subtree: true}); }"""
    )

    cut = cut_off_once(page, "**/visits/*/photos/")
    phone.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    poll_status(page, "weak")
    assert cut and Photo.objects.count() == 1  # stored, but the phone never heard
    assert MonitoringVisit.objects.get().status == "draft"
    wait_for_queue(page, 1)  # the visit and its photo still wait on the phone

    page.click(".queue-send")
    page.wait_for_selector("#offline-queue", state="hidden", timeout=15_000)
    visit = MonitoringVisit.objects.get()
    assert visit.status == "submitted"
    assert [photo.caption for photo in visit.photos.all()] == ["Oven 1"]  # one, not two
    seen = page.evaluate("window.seen")
    assert any("Sending photo 1 of 1" in line for line in seen), seen
    assert phone.errors == []


def test_a_logged_out_session_keeps_the_queue_until_login(phone_without_worker, world):
    phone = phone_without_worker
    phone.sign_in("alice")
    phone.new_visit_form()
    page = phone.page
    fill_visit(page, world, photos=0)
    phone.context.set_offline(True)
    page.click("button[name=save]")
    wait_for_queue(page, 1)
    phone.context.clear_cookies()  # the session ended
    phone.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector(".queue-login", state="visible")
    assert not MonitoringVisit.objects.exists()

    # A colleague logging in on the same phone neither sees nor sends it.
    phone.login("mona")
    phone.new_visit_form()
    assert page.locator("#offline-queue").is_hidden()
    assert not MonitoringVisit.objects.exists()
    phone.context.clear_cookies()  # she leaves without logging out

    phone.login("alice")
    phone.new_visit_form()
    page.wait_for_selector("#offline-queue", state="hidden", timeout=15_000)
    assert MonitoringVisit.objects.get().status == "draft"


def test_a_visit_posted_online_keeps_its_photo_and_leaves_no_draft(phone_without_worker, world):
    phone = phone_without_worker
    phone.sign_in("alice")
    phone.new_visit_form()
    page = phone.page
    fill_visit(page, world, photos=1)
    with page.expect_navigation():
        page.click("button[name=submit]")  # online: posted as usual
    visit = MonitoringVisit.objects.get()
    assert page.url.endswith(f"/visits/{visit.pk}/")
    assert visit.status == "submitted" and visit.photos.count() == 1
    page.wait_for_timeout(300)
    phone.new_visit_form()
    assert page.input_value("textarea[name=findings]") == ""  # the draft was dropped
    assert phone.errors == []


def test_a_queued_visit_keeps_its_two_way_crossings(phone_without_worker, world):
    phone = phone_without_worker
    phone.sign_in("alice")
    phone.new_visit_form()
    page = phone.page
    fill_visit(page, world, photos=0)
    page.click("details.recipients >> nth=0 >> summary")
    page.fill("input[name='lines-0-f_18_59']", "3")
    page.fill("input[name='lines-0-m_18_59']", "٢")  # Arabic-Indic 2
    page.wait_for_timeout(400)
    phone.context.set_offline(True)
    page.click("button[name=submit]")
    wait_for_queue(page, 1)
    phone.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#offline-queue", state="hidden", timeout=15_000)
    line = AssistanceRecord.objects.get(activity_type=world["bsp"])
    assert line.crossings == {"sex_age": {"f_18_59": 3, "m_18_59": 2}}
    assert (line.sex_f, line.age_18_59, line.pop_idp) == (3, 5, None)
    assert phone.errors == []
