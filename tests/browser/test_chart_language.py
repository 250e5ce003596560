"""The charts in Arabic: plotly.js draws with the page's locale (its toolbar
in our words) and starts its legends on the right."""

from __future__ import annotations

from django.conf import settings

from tests.browser.test_dashboards import build_portfolio, wait_for_charts
from tests.factories import user_with_role


def test_arabic_charts_use_the_page_locale_and_legends_on_the_right(browser_page, transactional_db):
    build_portfolio()
    user_with_role("admin", username="hala")
    browser_page.sign_in("hala")
    browser_page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": browser_page.base_url}]
    )
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


def test_arabic_chart_labels_stay_inside_their_charts_on_a_phone(phone_page, transactional_db):
    """Right to left, plotly.js measured and anchored its labels as if left to
    right: the bar charts' category names ran off the chart's left edge."""
    build_portfolio()
    user_with_role("admin", username="hala")
    phone_page.sign_in("hala")
    phone_page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": phone_page.base_url}]
    )
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
