"""What a monitor meets first on a 360-px phone: pages that fit the screen,
a save bar of one line, choices that narrow as they type (the charts'
toolbar is checked in tests/browser/test_dashboards.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from indicators.engine import recompute_full
from indicators.target_services import target_set
from programmes.models import Project
from tests.beneficiaries.test_services import build_world
from tests.beneficiaries.test_views import visit_of
from tests.browser.test_dashboards import build_portfolio
from tests.factories import user_with_role
from tests.indicators.conftest import define, record


@pytest.fixture
def world(transactional_db):
    return build_world()


def hidden(page, select: str, value) -> bool:
    return page.eval_on_selector(
        f"{select} option[value='{value}']", "option => option.hidden && option.disabled"
    )


def test_choices_narrow_to_running_projects_and_their_sector(phone_page, world):
    phone_page.sign_in("alice")
    phone_page.goto("/visits/new/")
    page, project = phone_page.page, world["project"]  # ran 2017 to 2020
    page.fill("input[name=visit_date]", "2021-03-01")
    assert hidden(page, "select[name=project]", project.pk)
    page.fill("input[name=visit_date]", "2018-03-01")
    assert not hidden(page, "select[name=project]", project.pk)
    page.select_option("select[name=project]", str(project.pk))
    lines = "select[name='lines-0-activity_type']"
    assert hidden(page, lines, world["kits"].pk)  # education, not the bakery's livelihoods
    assert not hidden(page, lines, world["bsp"].pk)
    assert not hidden(page, lines, world["cash"].pk)  # fits every sector
    page.click("button[data-add=lines]")  # a new line is narrowed too
    assert hidden(page, "select[name='lines-1-activity_type']", world["kits"].pk)
    assert phone_page.errors == []


def test_every_page_of_a_monitor_fits_360_px(phone_page, world):
    visit = visit_of(world, status="returned")
    phone_page.sign_in("alice")
    page = phone_page.page
    for path in (
        "/",
        "/visits/",
        "/visits/new/",
        f"/visits/{visit.pk}/",
        f"/visits/{visit.pk}/edit/",
        "/exports/",
    ):
        phone_page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
    phone_page.goto(f"/visits/{visit.pk}/edit/")
    bar = page.eval_on_selector(".actions.sticky", "el => el.getBoundingClientRect().height")
    menu = page.eval_on_selector(".topbar", "el => el.getBoundingClientRect().height")
    assert bar <= 56, bar  # one line of buttons
    assert bar + menu <= 780 / 4, (bar, menu)  # no longer a third of the screen
    phone_page.screenshot("visit-edit-phone-fit")
    assert phone_page.errors == []


def test_the_review_pages_of_a_manager_fit_360_px(phone_page, world):
    visit = visit_of(world, status="submitted")
    # A long indicator name in the Exports page's select, as the demo's are.
    definition = define("bsp-people", source="assistance", measure="people")
    definition.name = "Beneficiaries supported through business support packages (households × 6)"
    definition.save()
    phone_page.sign_in("maria")
    page = phone_page.page
    # A long target row: its hidden "Actions" heading widened the page before.
    target_set(
        user=world["maria"],
        fields={
            "definition": definition,
            "programme": world["project"].programme,
            "period_start": dt.date(2018, 1, 1),
            "period_end": dt.date(2018, 12, 31),
            "value": Decimal(1000),
        },
    )
    pages = ("/", "/visits/", f"/visits/{visit.pk}/", "/visits/import/", "/exports/")
    programme = "/dashboards/programme/CRP/"
    for path in (
        *pages,
        f"{programme}projects/",
        f"{programme}contributions/",
        f"{programme}targets/",
    ):
        phone_page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
    assert phone_page.errors == []


def test_phone_series_legend_clears_its_labels_and_answers_take_the_scale_colours(
    phone_page, transactional_db
):
    """Eight years of quarters turn the series' labels on a phone: a legend
    under the plot sat on them. A satisfaction scale's answers are drawn red
    to green, as in the PDF, not in the palette's order (which drew
    "Dissatisfied" green)."""
    build_portfolio()
    kirkuk = Project.objects.get(code="CRP-IQG13")
    for q in range(32):
        record(kirkuk, on=dt.date(2019 + q // 4, 1 + 3 * (q % 4), 15), households=2, people=2)
    recompute_full()
    user_with_role("admin", username="hala")
    phone_page.sign_in("hala")
    phone_page.goto("/dashboards/governorate/IQG13/?as_of=2026-12-31")
    page = phone_page.page
    page.wait_for_selector("#chart-series .main-svg", state="attached", timeout=15_000)
    labels, overlaps = page.evaluate(
        """() => {
          const chart = document.getElementById('chart-series');
          const legend = chart.querySelector('.legend').getBoundingClientRect();
          const ticks = [...chart.querySelectorAll('.xtick text')].map(t => t.getBoundingClientRect());
          return [ticks.length, ticks.filter(r => r.left < legend.right && legend.left < r.right
                                              && r.top < legend.bottom && legend.top < r.bottom).length];
        }"""
    )
    assert labels > 10 and overlaps == 0, (labels, overlaps)
    phone_page.goto("/dashboards/governorate/IQG13/?as_of=2018-06-30")  # feedback of April 2018
    page.wait_for_selector("#chart-feedback-0 .main-svg", state="attached", timeout=15_000)
    fills = page.eval_on_selector_all(
        "#chart-feedback-0 .point path",
        "paths => paths.map(p => getComputedStyle(p).fill.match(/[0-9]+/g).map(Number))",
    )
    (r5, g5, _), *_, (r2, g2, _) = fills  # "Very satisfied" (5) first, "Dissatisfied" (2) last
    assert g5 > r5 and r2 > g2 + 40, fills
    assert phone_page.errors == []


def test_a_targets_period_reads_on_two_lines_at_most_in_arabic(phone_page, world):
    """Arabic has no short month names: the period ("1 يناير 2018 – 31
    ديسمبر 2018") was squeezed onto a word per line, seven lines at 360 px."""
    from django.conf import settings

    definition = define("bsp-people", source="assistance", measure="people")
    definition.name = "Beneficiaries supported through business support packages (households × 6)"
    definition.save()
    target_set(
        user=world["maria"],
        fields={
            "definition": definition,
            "programme": world["project"].programme,
            "period_start": dt.date(2018, 1, 1),
            "period_end": dt.date(2018, 12, 31),
            "value": Decimal(1000),
        },
    )
    phone_page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": phone_page.base_url}]
    )
    phone_page.sign_in("maria")
    phone_page.goto("/dashboards/programme/CRP/targets/")
    page = phone_page.page
    assert page.get_attribute("html", "lang") == "ar"
    lines = page.eval_on_selector(
        "table.targets tbody td:nth-child(3)",  # the period
        """cell => {
          const range = document.createRange();
          range.selectNodeContents(cell);
          return new Set([...range.getClientRects()].map(r => Math.round(r.bottom))).size;
        }""",
    )
    phone_page.screenshot("targets-ar-phone")
    assert lines <= 2, lines
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone_page.errors == []
