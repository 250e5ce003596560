"""The dashboards in a real browser: each page draws its map and charts
without a JavaScript error, and a filter change reloads it with other figures;
the charts' toolbar downloads a PNG but never sends data to Plotly's cloud,
and in Arabic plotly.js speaks the page's language, right to left.
Screenshots (the first screen) go to artifacts/screenshots/dashboard-*.png.
The tests only read:
they share one portfolio, committed once for the module, and tabs signed in
from a stored session."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from beneficiaries.models import (
    Answer,
    FeedbackResponse,
    MonitoringVisit,
    Question,
    Referral,
    Survey,
)
from indicators.engine import recompute_full
from programmes.models import Contribution, Project
from tests.browser.fixtures import PHONE, SignedIn, committed_for_module, wait_until
from tests.factories import (
    DonorFactory,
    ProgrammeFactory,
    ProjectFactory,
    SectorFactory,
    UserFactory,
    governorate,
    user_with_role,
)
from tests.indicators.conftest import define, record

# Plotly draws one path.choroplethlocation per location it is given, and the
# dashboards give it all 18 governorates (no data: the lightest colour).
GOVERNORATES = 18
MAP_SHAPES = "#chart-map path.choroplethlocation"
TABLET = {"width": 800, "height": 1100}

# The module's data is committed once (``committed_for_module``); the
# serialized rollback lets its end put back what the migrations loaded.
pytestmark = pytest.mark.django_db(serialized_rollback=True)


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
    sectors = [
        SectorFactory(code="health", name="Health"),
        SectorFactory(code="education", name="Education"),
        SectorFactory(code="livelihoods", name="Livelihoods"),
        SectorFactory(code="water", name="Water and sanitation"),
    ]
    for i, (programme, pcode, donor, status, people, recipients) in enumerate(plan):
        project = ProjectFactory(
            sector=sectors[i],
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
            amount=Decimal(amount),
            amount_usd=Decimal(amount),
            date=dt.date(2018, 1, 10),
            period_start=dt.date(2018, 1, 1),
            period_end=dt.date(2018, 12, 31),
        )
    # More projects in Kirkuk, in every status, for the sector chart.
    for i, status in enumerate(["completed", "ongoing", "preparation", "completed", "ongoing"]):
        ProjectFactory(
            code=f"CRP-IQG13-{i + 2}",
            name=f"Community project {i + 2}",
            programme=crp,
            governorate=governorate("IQG13"),
            donor=usa,
            status=status,
            sector=sectors[i % 3],
            start_date=dt.date(2017, 6, 1),
            budget_usd=Decimal("120000"),
        )
    kirkuk = Project.objects.get(code="CRP-IQG13")
    monitor = UserFactory(username="amal", first_name="Amal", last_name="Kareem")
    for day, status in ((3, "approved"), (20, "submitted")):
        visit = MonitoringVisit.objects.create(
            project=kirkuk, monitor=monitor, visit_date=dt.date(2018, 5, day), status=status
        )
    Referral.objects.create(
        visit=visit, issue="The generator needs a spare part", referred_to="Municipality"
    )
    survey = Survey.objects.create(code="satisfaction", title="Beneficiary feedback")
    question = Question.objects.create(
        survey=survey,
        code="satisfaction",
        text="How satisfied are you with the assistance?",
        kind="likert",
        choices=[
            ["5", "Very satisfied"],
            ["4", "Satisfied"],
            ["3", "Neutral"],
            ["2", "Dissatisfied"],
            ["1", "Very dissatisfied"],
        ],
    )
    for value, n in (("5", 23), ("4", 17), ("3", 6), ("2", 4)):
        for _ in range(n):
            response = FeedbackResponse.objects.create(
                survey=survey, project=kirkuk, collected_on=dt.date(2018, 4, 1), status="approved"
            )
            Answer.objects.create(response=response, question=question, value=value)
    recompute_full()
    return {"usa": usa, "crp": crp, "rrp": rrp}


def wait_for_charts(tab, *charts: str) -> None:
    """Wait until the map has its 18 shapes and each chart its SVG."""
    page = tab.page
    wait_until(
        page, f"document.querySelectorAll({MAP_SHAPES!r}).length >= {GOVERNORATES}", timeout=15_000
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


def portfolio_and_readers() -> dict:
    """``build_portfolio()``, an administrator (hala), a donor of USA
    (usa-donor) and a manager of CRP (karim)."""
    portfolio = build_portfolio()
    user_with_role("admin", username="hala")
    user_with_role("donor", username="usa-donor", donor=portfolio["usa"])
    user_with_role("manager", username="karim", programmes=[portfolio["crp"]])
    return portfolio


@pytest.fixture(scope="module")
def portfolio(django_db_setup, django_db_blocker):
    yield from committed_for_module(django_db_blocker, portfolio_and_readers)


@pytest.fixture(scope="module")
def signed_in(chromium, reading_server, portfolio):
    """One tab a user for the module (``SignedIn(shared=True)``): plotly.js
    is fetched and compiled once a user, not once a test."""
    signed_in = SignedIn(chromium, reading_server.url, shared=True)
    yield signed_in
    signed_in.close()


@pytest.fixture
def tab(signed_in, db):
    """``tab(username, viewport)``: the tab signed in as ``username``, put
    back on screen when the test ends (laptop-sized unless asked; TABLET:
    800 px wide, as a tablet in portrait)."""
    yield signed_in.tab
    signed_in.reset()  # on screen; a test's language cookie goes with it


def map_fills(tab) -> list[str]:
    return tab.page.eval_on_selector_all(
        MAP_SHAPES, "els => els.map(e => getComputedStyle(e).fill)"
    )


def wait_for_new_fills(tab, before: list[str]) -> None:
    """Until the map shows as many shapes as ``before``, coloured otherwise (Plotly
    redraws after the click's handler returns), or Playwright's timeout."""
    wait_until(
        tab.page,
        """([selector, before]) => {
            const now = [...document.querySelectorAll(selector)]
                .map(e => getComputedStyle(e).fill);
            return now.length === before.length && now.some((fill, i) => fill !== before[i]);
        }""",
        arg=[MAP_SHAPES, before],
    )


def assert_toolbar_downloads_png_and_has_no_cloud_link(tab) -> None:
    """The charts' toolbar downloads a PNG but never sends data to Plotly's cloud."""
    page = tab.page
    page.hover("#chart-series")
    titles = page.eval_on_selector_all(
        ".modebar-btn", "buttons => buttons.map(b => b.getAttribute('data-title'))"
    )
    assert any("png" in (title or "").lower() for title in titles), titles
    assert not [t for t in titles if t and ("share" in t.lower() or "studio" in t.lower())]
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert not [link for link in links if "plot.ly" in link or "plotly.com" in link]
    assert tab.errors == []


def test_mission_page_draws_and_a_filter_changes_the_figures(tab):
    browser_page = tab("hala")
    browser_page.goto("/dashboards/?as_of=2018-06-30")
    wait_for_charts(browser_page, "chart-contributions", "chart-series", "chart-sectors")
    assert_drawn(
        browser_page,
        "chart-contributions",
        "chart-series",
        "chart-sex",
        "chart-population",
        "chart-projects",
        "chart-sectors",
    )
    page = browser_page.page
    # Pie slices: one per donor.
    assert page.locator("#chart-contributions path.surface").count() == 3
    before = headline(browser_page, "people-reached")
    browser_page.screenshot("dashboard-mission", full_page=False)
    assert_toolbar_downloads_png_and_has_no_cloud_link(browser_page)

    page.select_option("select[name=programme]", "RRP")
    with page.expect_navigation():
        page.click(".dash-filter-actions button[type=submit]")
    assert "programme=RRP" in page.url and "as_of=2018-06-30" in page.url
    wait_for_charts(browser_page, "chart-series")
    after = headline(browser_page, "people-reached")
    assert after != before and after == "540"  # 90 households × 6
    assert "Rapid Recovery Programme" in page.inner_text(".dash-sub")
    assert_drawn(browser_page, "chart-series")


def test_governorate_page_draws_and_lists_its_projects(tab):
    browser_page = tab("hala")
    browser_page.goto("/dashboards/governorate/IQG13/?as_of=2018-06-30")
    wait_for_charts(browser_page, "chart-series", "chart-sectors", "chart-feedback-0")
    assert_drawn(
        browser_page,
        "chart-series",
        "chart-sex",
        "chart-population",
        "chart-projects",
        "chart-sectors",
        "chart-feedback-0",
    )
    page = browser_page.page
    assert page.locator('tr[data-project="CRP-IQG13"]').count() == 1
    # Sector chart: one bar trace per status; feedback: one bar per option.
    assert page.locator("#chart-sectors g.trace.bars").count() == 3
    assert page.locator("#chart-feedback-0 g.point").count() == 5
    assert "46%" in page.inner_text(".dash-feedback")  # 23 of 50 very satisfied
    assert page.locator(".dash-visits tr[data-visit]").count() == 2
    assert "Amal Kareem" in page.inner_text(".dash-visits")
    assert "spare part" in page.inner_text(".dash-referrals")
    # The selected governorate is outlined on the map.
    widths = page.eval_on_selector_all(
        MAP_SHAPES, "els => els.map(e => getComputedStyle(e).strokeWidth)"
    )
    assert sorted(widths)[-1] != sorted(widths)[0]
    # Its four districts on a map of their own, keyed by P-code, and in the table.
    wait_until(
        page,
        "document.querySelectorAll('#chart-districts path.choroplethlocation').length >= 4",
        timeout=15_000,
    )
    assert page.locator("#chart-districts path.choroplethlocation").count() == 4
    assert page.locator("tr[data-district]").count() == 4
    browser_page.screenshot("dashboard-governorate", full_page=False)

    page.select_option("select[name=as_of]", "2018-03-31")
    with page.expect_navigation():
        page.click(".dash-filter-actions button[type=submit]")
    assert "as_of=2018-03-31" in page.url
    wait_for_charts(browser_page, "chart-series")
    assert headline(browser_page, "people-reached") == "120"  # 20 households × 6
    assert_drawn(browser_page, "chart-series")


def test_programme_page_draws_its_donors_and_budget(tab):
    browser_page = tab("hala")
    browser_page.goto("/dashboards/?as_of=2018-06-30")
    page = browser_page.page
    with page.expect_navigation():
        page.click('tr[data-programme="CRP"] a')
    assert "/dashboards/programme/CRP/" in page.url
    wait_for_charts(browser_page, "chart-contributions", "chart-budget", "chart-series")
    assert_drawn(browser_page, "chart-contributions", "chart-budget", "chart-series", "chart-sex")
    assert page.locator("#chart-contributions path.surface").count() == 2  # USA, Germany
    assert (
        page.inner_text('.dash-budget tr[data-code="budget"] .num') == "US$ 1,350,000"
    )  # 3 × 250,000 + 5 × 120,000
    assert page.inner_text('.dash-budget tr[data-code="contributions"] .num') == "US$ 900,000"
    before = headline(browser_page, "people-reached")
    browser_page.screenshot("dashboard-programme", full_page=False)

    page.select_option("select[name=donor]", "DEU")
    with page.expect_navigation():
        page.click(".dash-filter-actions button[type=submit]")
    assert "donor=DEU" in page.url
    wait_for_charts(browser_page, "chart-series")
    assert headline(browser_page, "people-reached") != before
    assert page.inner_text('.dash-budget tr[data-code="budget"] .num') == "US$ 250,000"
    assert_drawn(browser_page, "chart-series")


def test_a_donor_lands_on_their_own_figures(tab):
    browser_page = tab("usa-donor")
    browser_page.goto("/dashboards/?as_of=2018-06-30")
    wait_for_charts(browser_page, "chart-contributions", "chart-series")
    assert_drawn(browser_page, "chart-contributions", "chart-series")
    text = browser_page.page.inner_text("main")
    assert "Rapid Recovery" not in text and "Canada" not in text and "Germany" not in text
    browser_page.screenshot("dashboard-donor", full_page=False)
    response = browser_page.goto("/dashboards/programme/RRP/")
    assert response.status == 404


def test_mission_page_on_a_phone(tab):
    phone_page = tab("karim", PHONE)
    phone_page.goto("/dashboards/?as_of=2018-06-30")
    wait_for_charts(phone_page, "chart-series")
    assert_drawn(phone_page, "chart-series")
    page = phone_page.page
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.screenshot("dashboard-mission-phone", full_page=False)
    # The charts' toolbar is hidden on a phone.
    assert page.locator("#chart-series .modebar-btn").count() == 0


def test_a_printed_page_shows_the_figures_without_filters_or_navigation(tab):
    browser_page = tab("hala")
    browser_page.goto("/dashboards/programme/CRP/?as_of=2018-06-30")
    wait_for_charts(browser_page, "chart-contributions", "chart-series")
    page = browser_page.page
    page.emulate_media(media="print")
    for hidden in (".dash-filters", ".topbar", ".dash-crumbs", ".modebar-container"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator(MAP_SHAPES).first.is_visible()
    assert page.locator(".dash-headlines").is_visible()
    browser_page.screenshot("dashboard-programme-print", full_page=False)
    assert browser_page.errors == []


def test_the_map_switches_between_people_projects_and_dollars(tab):
    browser_page = tab("hala")
    browser_page.goto("/dashboards/?as_of=2018-06-30")
    wait_for_charts(browser_page, "chart-series")
    page = browser_page.page
    people = map_fills(browser_page)
    label = page.inner_text("#map-series-label")
    page.click('.map-toggle-button[data-map="projects"]')
    wait_until(
        page,
        "document.querySelector('.map-toggle-button[data-map=projects]').classList.contains('is-chosen')",
    )
    wait_for_new_fills(browser_page, people)
    assert "map=projects" in page.url
    assert page.inner_text("#map-series-label") != label
    assert page.locator(MAP_SHAPES).count() == GOVERNORATES
    projects = map_fills(browser_page)
    page.click('.map-toggle-button[data-map="usd"]')
    wait_until(page, "location.search.includes('map=usd')")
    wait_for_new_fills(browser_page, projects)
    assert map_fills(browser_page) != projects
    assert page.locator(MAP_SHAPES).count() == GOVERNORATES
    # The filters keep the chosen series; a reload shows it again.
    page.select_option("select[name=programme]", "CRP")
    with page.expect_navigation():
        page.click(".dash-filter-actions button[type=submit]")
    assert "map=usd" in page.url and "programme=CRP" in page.url
    wait_for_charts(browser_page)
    assert page.get_attribute('.map-toggle-button[data-map="usd"]', "aria-current") == "true"
    browser_page.screenshot("dashboard-mission-map-usd", full_page=False)
    assert browser_page.errors == []


@pytest.mark.parametrize(
    "name, path, charts",
    [
        ("mission", "/dashboards/?as_of=2018-06-30", ["chart-series", "chart-sectors"]),
        (
            "governorate",
            "/dashboards/governorate/IQG13/?as_of=2018-06-30",
            ["chart-series", "chart-sectors", "chart-feedback-0"],
        ),
        (
            "programme",
            "/dashboards/programme/CRP/?as_of=2018-06-30",
            ["chart-budget", "chart-sectors"],
        ),
    ],
)
def test_each_page_on_a_tablet(tab, name, path, charts):
    tablet_page = tab("karim", TABLET)
    tablet_page.goto(path)
    wait_for_charts(tablet_page, *charts)
    assert_drawn(tablet_page, *charts)
    page = tablet_page.page
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    tablet_page.screenshot(f"dashboard-{name}-tablet", full_page=False)


def test_a_donor_governorate_page_shows_feedback_but_no_field_detail(tab):
    browser_page = tab("usa-donor")
    browser_page.goto("/dashboards/governorate/IQG13/?as_of=2018-06-30")
    wait_for_charts(browser_page, "chart-feedback-0")
    assert_drawn(browser_page, "chart-feedback-0", "chart-sectors")
    text = browser_page.page.inner_text("main")
    assert "Amal" not in text and "spare part" not in text and "Municipality" not in text
    assert "46%" in text
    browser_page.screenshot("dashboard-governorate-donor", full_page=False)


ARABIC_SCRIPT = "/[\\u0600-\\u06ff]/"


@pytest.mark.parametrize("language", ["ar", "ckb"])
@pytest.mark.parametrize(
    "user, path, charts",
    [
        ("karim", "/dashboards/programme/CRP/?as_of=2018-06-30", ["chart-series", "chart-sex"]),
        ("usa-donor", "/dashboards/?as_of=2018-06-30", ["chart-series", "chart-sex"]),
    ],
)
def test_a_manager_and_a_donor_read_their_dashboards_in_arabic_and_kurdish_on_a_phone(
    tab, user, path, charts, language
):
    """Right to left, the map and the charts drawn with their words in the
    language, nothing wider than the phone, no JavaScript error."""
    phone_page = tab(user, PHONE)
    phone_page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": phone_page.base_url}]
    )
    phone_page.goto(path)
    wait_for_charts(phone_page, *charts)
    assert_drawn(phone_page, *charts)
    page = phone_page.page
    assert page.get_attribute("html", "dir") == "rtl"
    for chart in charts:
        words = page.eval_on_selector_all(f"#{chart} text", "els => els.map(e => e.textContent)")
        assert page.evaluate(f"w => w.some(t => {ARABIC_SCRIPT}.test(t))", words), (chart, words)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone_page.screenshot(f"dashboard-{user}-{language}-phone", full_page=False)


def in_arabic(tab) -> None:
    tab.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": tab.base_url}]
    )


def test_arabic_charts_use_the_page_locale_and_legends_on_the_right(tab):
    """plotly.js draws with the page's locale (its toolbar in our words) and
    starts its legends on the right."""
    browser_page = tab("hala")
    in_arabic(browser_page)
    browser_page.goto("/dashboards/?as_of=2018-06-30")
    wait_for_charts(browser_page, "chart-series")
    page = browser_page.page
    assert page.get_attribute("html", "dir") == "rtl"
    locale, anchor = page.evaluate(
        """() => {
          const chart = document.getElementById('chart-series');
          return [chart._context.locale, chart._fullLayout.legend.xanchor];
        }"""
    )
    assert (locale, anchor) == ("ar", "right")
    assert browser_page.errors == []


def test_arabic_chart_labels_stay_inside_their_charts_on_a_phone(tab):
    """Right to left, plotly.js measured and anchored its labels as if left to
    right: the bar charts' category names ran off the chart's left edge."""
    phone_page = tab("hala", PHONE)
    in_arabic(phone_page)
    phone_page.goto("/dashboards/?as_of=2018-06-30")
    wait_for_charts(phone_page, "chart-series", "chart-sex")
    outside = phone_page.page.evaluate(
        """() => [...document.querySelectorAll('.chart')].flatMap(chart => {
          const box = chart.getBoundingClientRect();
          return [...chart.querySelectorAll('.xtick text, .ytick text, .y2tick text')]
            .map(t => [chart.id, t.textContent, t.getBoundingClientRect()])
            .filter(([, , r]) => r.width && (r.left < box.left - 1 || r.right > box.right + 1))
            .map(([id, text]) => id + ': ' + text);
        })"""
    )
    assert outside == []
    assert phone_page.errors == []
