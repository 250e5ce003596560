"""The dashboards in a real browser: each page draws its map and charts
without a JavaScript error, and a filter change reloads it with other figures.
Screenshots go to artifacts/screenshots/dashboard-*.png."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from indicators.engine import recompute_full
from programmes.models import Contribution
from tests.factories import (
    PASSWORD,
    DonorFactory,
    ProgrammeFactory,
    ProjectFactory,
    governorate,
    user_with_role,
)
from tests.indicators.conftest import define, record

# Plotly draws one path.choroplethlocation per location it is given, and the
# dashboards give it all 18 governorates (no data: the lightest colour).
GOVERNORATES = 18
MAP_SHAPES = "#chart-map path.choroplethlocation"


def build_portfolio() -> dict:
    """CRP (USA, Germany) in Kirkuk, Anbar and Basra, RRP (Canada) in Ninewa,
    with people reached in two quarters of 2018. Created inside each test:
    the live server reads committed data."""
    define("people-reached", source="assistance", measure="people", apply_multiplier=True)
    define("direct-recipients", source="assistance", measure="people")
    define("projects", source="projects", measure="records")
    define(
        "projects-completed", source="projects", measure="records", project_statuses=["completed"]
    )
    define("projects-ongoing", source="projects", measure="records", project_statuses=["ongoing"])
    define("contributions-usd", source="contributions", measure="usd")
    usa = DonorFactory(name="USA", code="USA")
    germany = DonorFactory(name="Germany", code="DEU")
    canada = DonorFactory(name="Canada", code="CAN")
    crp = ProgrammeFactory(code="CRP", name="Community Revitalization Programme")
    rrp = ProgrammeFactory(code="RRP", name="Rapid Recovery Programme")
    plan = [
        (crp, "IQG13", usa, "ongoing", 40, {("f", "18-59", "idp"): 22, ("m", "18-59", "idp"): 18}),
        (crp, "IQG01", usa, "completed", 25, {("f", "18-59", "returnee"): 25}),
        (crp, "IQG02", germany, "ongoing", 60, {("m", "18-59", "host"): 60}),
        (
            rrp,
            "IQG15",
            canada,
            "completed",
            90,
            {("f", "18-59", "refugee"): 50, ("m", "18-59", "refugee"): 40},
        ),
    ]
    for i, (programme, pcode, donor, status, people, recipients) in enumerate(plan):
        project = ProjectFactory(
            code=f"{programme.code}-{pcode}",
            name=f"Quick impact project {i + 1}",
            programme=programme,
            governorate=governorate(pcode),
            donor=donor,
            status=status,
            budget_usd=Decimal("250000"),
        )
        record(
            project,
            on=dt.date(2018, 2, 15),
            households=people // 2,
            people=people // 2,
            recipients={cell: n // 2 for cell, n in recipients.items()},
        )
        record(
            project,
            on=dt.date(2018, 5, 10),
            households=people - people // 2,
            people=people - people // 2,
            recipients={cell: n - n // 2 for cell, n in recipients.items()},
        )
    for donor, programme, amount in (
        (usa, crp, "700000"),
        (germany, crp, "200000"),
        (canada, rrp, "300000"),
    ):
        Contribution.objects.create(
            donor=donor,
            programme=programme,
            amount_usd=Decimal(amount),
            date=dt.date(2018, 1, 10),
            period_start=dt.date(2018, 1, 1),
            period_end=dt.date(2018, 12, 31),
        )
    recompute_full()
    return {"usa": usa, "crp": crp, "rrp": rrp}


def wait_for_charts(tab, *charts: str) -> None:
    """Wait until the map has its 18 shapes and each chart its SVG."""
    page = tab.page
    page.wait_for_function(
        f"document.querySelectorAll({MAP_SHAPES!r}).length >= {GOVERNORATES}", timeout=15_000
    )
    for chart in charts:
        page.wait_for_selector(f"#{chart} .main-svg", state="attached", timeout=10_000)


def headline(tab, code: str) -> str:
    """A headline figure as shown, without its footnote star."""
    text = tab.page.inner_text(f'.dash-headlines .card[data-code="{code}"] .figure')
    return text.rstrip("*")


def assert_drawn(tab, *charts: str) -> None:
    page = tab.page
    assert page.locator(MAP_SHAPES).count() == GOVERNORATES
    # A governorate with data is darker than one without.
    fills = page.eval_on_selector_all(MAP_SHAPES, "els => els.map(e => getComputedStyle(e).fill)")
    assert len(set(fills)) >= 2
    for chart in charts:
        assert page.locator(f"#{chart} .main-svg").count() >= 1, chart
    assert page.locator(".chart-error").count() == 0
    assert tab.errors == []


@pytest.fixture
def portfolio(transactional_db):
    return build_portfolio()


def test_mission_page_draws_and_a_filter_changes_the_figures(browser_page, portfolio):
    user_with_role("admin", username="hala")
    browser_page.login("hala", PASSWORD)
    browser_page.goto("/dashboards/?as_of=2018-06-30")
    wait_for_charts(browser_page, "chart-contributions", "chart-series", "chart-sex")
    assert_drawn(
        browser_page,
        "chart-contributions",
        "chart-series",
        "chart-sex",
        "chart-population",
        "chart-projects",
    )
    page = browser_page.page
    # Pie slices: one per donor.
    assert page.locator("#chart-contributions path.surface").count() == 3
    before = headline(browser_page, "people-reached")
    browser_page.screenshot("dashboard-mission")

    page.select_option("select[name=programme]", "RRP")
    with page.expect_navigation():
        page.click(".dash-filter-actions button[type=submit]")
    assert "programme=RRP" in page.url and "as_of=2018-06-30" in page.url
    wait_for_charts(browser_page, "chart-series")
    after = headline(browser_page, "people-reached")
    assert after != before and after == "540"  # 90 households × 6
    assert "Rapid Recovery Programme" in page.inner_text(".dash-sub")
    assert_drawn(browser_page, "chart-series")


def test_governorate_page_draws_and_lists_its_projects(browser_page, portfolio):
    user_with_role("admin", username="hala")
    browser_page.login("hala", PASSWORD)
    browser_page.goto("/dashboards/governorate/IQG13/?as_of=2018-06-30")
    wait_for_charts(browser_page, "chart-series", "chart-sex")
    assert_drawn(browser_page, "chart-series", "chart-sex", "chart-population", "chart-projects")
    page = browser_page.page
    assert page.locator('tr[data-project="CRP-IQG13"]').count() == 1
    # The selected governorate is outlined on the map.
    widths = page.eval_on_selector_all(
        MAP_SHAPES, "els => els.map(e => getComputedStyle(e).strokeWidth)"
    )
    assert sorted(widths)[-1] != sorted(widths)[0]
    browser_page.screenshot("dashboard-governorate")

    page.select_option("select[name=as_of]", "2018-03-31")
    with page.expect_navigation():
        page.click(".dash-filter-actions button[type=submit]")
    assert "as_of=2018-03-31" in page.url
    wait_for_charts(browser_page, "chart-series")
    assert headline(browser_page, "people-reached") == "120"  # 20 households × 6
    assert_drawn(browser_page, "chart-series")


def test_programme_page_draws_its_donors_and_budget(browser_page, portfolio):
    user_with_role("admin", username="hala")
    browser_page.login("hala", PASSWORD)
    browser_page.goto("/dashboards/?as_of=2018-06-30")
    page = browser_page.page
    with page.expect_navigation():
        page.click('tr[data-programme="CRP"] a')
    assert "/dashboards/programme/CRP/" in page.url
    wait_for_charts(browser_page, "chart-contributions", "chart-budget", "chart-series")
    assert_drawn(browser_page, "chart-contributions", "chart-budget", "chart-series", "chart-sex")
    assert page.locator("#chart-contributions path.surface").count() == 2  # USA, Germany
    assert page.inner_text('.dash-budget tr[data-code="budget"] .num') == "US$ 750,000"
    assert page.inner_text('.dash-budget tr[data-code="contributions"] .num') == "US$ 900,000"
    before = headline(browser_page, "people-reached")
    browser_page.screenshot("dashboard-programme")

    page.select_option("select[name=donor]", "DEU")
    with page.expect_navigation():
        page.click(".dash-filter-actions button[type=submit]")
    assert "donor=DEU" in page.url
    wait_for_charts(browser_page, "chart-series")
    assert headline(browser_page, "people-reached") != before
    assert page.inner_text('.dash-budget tr[data-code="budget"] .num') == "US$ 250,000"
    assert_drawn(browser_page, "chart-series")


def test_a_donor_lands_on_their_own_figures(browser_page, portfolio):
    user_with_role("donor", username="usa-donor", donor=portfolio["usa"])
    browser_page.login("usa-donor", PASSWORD)
    browser_page.goto("/dashboards/?as_of=2018-06-30")
    wait_for_charts(browser_page, "chart-contributions", "chart-series")
    assert_drawn(browser_page, "chart-contributions", "chart-series")
    text = browser_page.page.inner_text("main")
    assert "Rapid Recovery" not in text and "Canada" not in text and "Germany" not in text
    browser_page.screenshot("dashboard-donor")
    response = browser_page.goto("/dashboards/programme/RRP/")
    assert response.status == 404


def test_mission_page_on_a_phone(phone_page, portfolio):
    user_with_role("manager", username="karim", programmes=[portfolio["crp"]])
    phone_page.login("karim", PASSWORD)
    phone_page.goto("/dashboards/?as_of=2018-06-30")
    wait_for_charts(phone_page, "chart-series")
    assert_drawn(phone_page, "chart-series")
    page = phone_page.page
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.screenshot("dashboard-mission-phone")


def test_a_printed_page_shows_the_figures_without_filters_or_navigation(browser_page, portfolio):
    user_with_role("admin", username="hala")
    browser_page.login("hala", PASSWORD)
    browser_page.goto("/dashboards/programme/CRP/?as_of=2018-06-30")
    wait_for_charts(browser_page, "chart-contributions", "chart-series")
    page = browser_page.page
    page.emulate_media(media="print")
    for hidden in (".dash-filters", ".topbar", ".dash-crumbs", ".modebar-container"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator(MAP_SHAPES).first.is_visible()
    assert page.locator(".dash-headlines").is_visible()
    browser_page.screenshot("dashboard-programme-print")
    assert browser_page.errors == []
