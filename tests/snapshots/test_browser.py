"""The snapshot pages in a real browser: a manager creates a draft, sees the
corrections against the previous snapshot, the authoring page fits a phone,
the manager publishes it (confirming), and the
progress page follows the PDF until it can be downloaded. Screenshots go to
artifacts/screenshots/snapshot-*.png."""

from __future__ import annotations

import datetime as dt

import pytest

from snapshots import services
from snapshots.models import Snapshot
from tests.browser.fixtures import LAPTOP, PHONE, Page
from tests.factories import PASSWORD
from tests.snapshots.conftest import Q1, Q2, photo, recompute

TABLET = {"width": 800, "height": 1100}


@pytest.fixture
def tab(chromium, live_server, django_db_serialized_rollback):
    pages = []

    def open_tab(viewport=LAPTOP) -> Page:
        page = Page(chromium, live_server.url, viewport)
        pages.append(page)
        return page

    yield open_tab
    for page in pages:
        page.close()


def test_manager_previews_publishes_and_downloads(tab, world, users, eager_tasks):
    world.deliver(on=dt.date(2018, 2, 1), households=10, units=10)
    world.deliver(on=dt.date(2018, 3, 1), activity=world.cfw, households=9, people=9)
    photo(world, on=dt.date(2018, 3, 2), caption="A shop re-opened")
    recompute()
    q1 = services.snapshot_create(programmes=[world.programme], period_end=Q1, user=users.manager)
    services.snapshot_publish(snapshot=q1, user=users.manager)
    # After Q1: a backdated delivery and more cash for work.
    world.deliver(on=dt.date(2018, 3, 20), households=3, units=3)
    world.deliver(on=dt.date(2018, 5, 1), activity=world.cfw, households=6, people=6)
    recompute()

    page = tab()
    page.login("alice", PASSWORD)
    page.goto("/snapshots/new/")
    page.page.check(f"input[name=programmes][value='{world.programme.pk}']")
    page.page.check("input[name=cadence][value=monthly]")
    # The script shows only the chosen cadence's periods.
    assert page.page.locator("optgroup[label=Quarterly]").get_attribute("disabled") is not None
    page.page.check("input[name=cadence][value=quarterly]")
    page.page.select_option("select[name=period]", f"quarterly:{Q2.isoformat()}")
    page.screenshot("snapshot-create")
    page.page.click("main button[type=submit]")
    page.page.wait_for_load_state()
    draft = Snapshot.objects.get(status="draft")
    assert page.page.url.endswith(f"/snapshots/{draft.pk}/")
    card = page.page.locator(".card[data-code='bsp-packages']")
    assert "corrected from previous snapshot" in card.inner_text()
    assert (
        "increased since last quarter"
        in page.page.locator(".card[data-code='cash-for-work']").inner_text()
    )
    assert page.page.locator("#corrections tr[data-code='bsp-packages']").count() == 1
    page.screenshot("snapshot-draft-laptop")
    # The authoring page at 360px: no sideways scroll.
    phone = tab(PHONE)
    phone.login("alice", PASSWORD)
    phone.goto(f"/snapshots/{draft.pk}/")
    phone.screenshot("snapshot-draft-phone")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"draft page scrolls sideways ({width}px)"
    phone.goto("/snapshots/new/")
    phone.screenshot("snapshot-create-phone")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"new snapshot page scrolls sideways ({width}px)"
    assert phone.errors == []

    page.page.on("dialog", lambda dialog: dialog.accept())
    page.page.click("button:has-text('Publish')")
    page.page.wait_for_load_state()
    page.page.wait_for_selector("a:has-text('Download PDF')", timeout=90_000)
    page.screenshot("snapshot-pdf-ready")
    with page.page.expect_download() as download:
        page.page.click("a:has-text('Download PDF')")
    assert download.value.suggested_filename.endswith(".pdf")
    page.goto("/snapshots/")
    assert page.page.locator("tr[data-snapshot]").count() == 2
    page.screenshot("snapshot-list")
    assert page.errors == []

    for name, viewport in (("tablet", TABLET), ("phone", PHONE)):
        other = tab(viewport)
        other.login("alice", PASSWORD)
        other.goto(f"/snapshots/{draft.pk}/")
        other.screenshot(f"snapshot-published-{name}")
        width = other.page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"] + 1, f"{name}: scrolls sideways ({width}px)"
        assert other.errors == []
