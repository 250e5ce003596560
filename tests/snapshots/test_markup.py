"""The narrative markup: what an officer types becomes the few tags the PDF
allows, with live figures in it, and nothing typed can become a tag."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest

from programmes.models import District
from snapshots.markup import (
    MARKUP_HELP,
    markup_check,
    markup_errors,
    render_markup,
    text_references,
)
from snapshots.pdf_payload import clean_html
from snapshots.references import FigureContext, ReferenceError, resolve_references
from tests.snapshots.conftest import recompute

FROZEN = {
    "people-reached district=Qayyarah": {"shown": "918*", "value": 918},
    "people-reached": {"shown": "4,788*", "value": 4788},
    "people-reached show=change": {"shown": "12%", "change": 12},
}


class Tags(HTMLParser):
    """Every tag and attribute in a piece of HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, tuple]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(attrs)))


def allowed(html: str) -> bool:
    for tag, attrs in Tags(html).tags:
        if tag in {"p", "strong", "em", "ul", "ol", "li", "br"} and not attrs:
            continue
        if tag == "span" and attrs == (("class", "ref"),):
            continue
        if tag == "span" and [a for a, _v in attrs] == ["class", "title"]:
            if dict(attrs)["class"] == "ref-error":
                continue
        return False
    return True


def test_paragraphs_line_breaks_bold_italic_and_lists():
    text = (
        "IOM supports **local economies** in *Ninewa*.\n"
        "A second line.\n"
        "\n"
        "What we did:\n"
        "- business support packages\n"
        "- vocational training\n"
        "  over six months\n"
        "\n"
        "1. assess\n"
        "2. select\n"
    )
    assert render_markup(text, {}) == (
        "<p>IOM supports <strong>local economies</strong> in <em>Ninewa</em>.<br>"
        "A second line.</p>\n"
        "<p>What we did:</p>\n"
        "<ul><li>business support packages</li><li>vocational training<br>over six months</li></ul>\n"
        "<ol><li>assess</li><li>select</li></ol>"
    )


def test_a_lone_star_stays_a_star():
    html = render_markup("918* in Qayyarah, 2 * 3 people, and *this*", {})
    assert html == "<p>918* in Qayyarah, 2 * 3 people, and <em>this</em></p>"


def test_emphasis_can_wrap_a_figure_and_unpaired_markers_stay_text():
    html = render_markup("**{people-reached district=Qayyarah}** in Qayyarah **open", FROZEN)
    assert html == ('<p><strong><span class="ref">918*</span></strong> in Qayyarah **open</p>')
    assert render_markup("**bold *both***", {}) == "<p><strong>bold <em>both</em></strong></p>"


def test_references_show_what_they_ask_for_and_braces_can_be_written():
    text = "People reached rose by {people-reached show=change}, to {people-reached}. {{sic}}"
    assert render_markup(text, FROZEN) == (
        '<p>People reached rose by <span class="ref">12%</span>, to '
        '<span class="ref">4,788*</span>. {sic}</p>'
    )


HOSTILE = (
    "<script>alert('x')</script>\n"
    '<img src=x onerror="alert(1)">\n'
    '[click](javascript:alert(1)) <a href="javascript:alert(1)">me</a>\n'
    '**<b onmouseover="x">** {people-reached district="<img src=x onerror=alert(1)>"}\n'
    "- <iframe src=//evil>\n"
    "{<script>}"
)


def test_hostile_text_comes_out_inert():
    html = render_markup(HOSTILE, FROZEN)
    # Only the allowed tags, and no attribute but a ref span's class and an
    # error's class and title (an HTML parser's reading, as a browser's).
    assert allowed(html)
    lowered = html.lower()
    for dangerous in ("<script", "<img", "<a ", "<iframe", "<b "):
        assert dangerous not in lowered
    # What was typed is shown as text, not dropped.
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    assert '&lt;img src=x onerror="alert(1)"&gt;' in html
    assert "javascript:alert(1)" in html  # as text: no link exists in this markup
    assert html.count('class="ref-error"') == 2


def test_the_pdf_sanitiser_keeps_every_tag_the_markup_makes():
    text = "Intro **bold** and *it* {people-reached}\n\n- one\n- two\n\n1. first\n<b>typed</b>"
    html = render_markup(text, FROZEN)
    assert clean_html(html) == html


def test_an_error_is_shown_where_it_is_with_its_message():
    text = "First paragraph.\n\nReached {people-reached governorate=}."
    html = render_markup(text, FROZEN)
    assert '<span class="ref-error" title="Line 3, column 9: ' in html
    assert ">{people-reached governorate=}</span>" in html
    assert markup_check(text, FROZEN) == [markup_errors(text, FROZEN)[0].located()]
    assert markup_check(text, FROZEN)[0].startswith("Line 3, column 9: ")


def test_a_reference_not_resolved_is_an_error_never_a_blank():
    html = render_markup("Reached {people-reached governorate=IQG13}.", FROZEN)
    assert 'class="ref-error"' in html and "{people-reached governorate=IQG13}" in html
    assert markup_check("Reached {people-reached governorate=IQG13}.", FROZEN) == [
        "Line 1, column 9: This reference has not been resolved."
    ]
    assert markup_check("Reached {people-reached}.", FROZEN) == []
    assert markup_check("Reached {people-reached}.") == []  # syntax only


def test_text_references_lists_every_occurrence_and_the_syntax_errors():
    refs, errors = text_references("{a} {b show=period}\n{a} {c show=soon}")
    assert [r.key for r in refs] == ["a", "b show=period", "a"]
    assert [(r.line, r.column) for r in refs] == [(1, 1), (1, 5), (2, 1)]
    assert len(errors) == 1 and isinstance(errors[0], ReferenceError)
    assert (errors[0].line, errors[0].column) == (2, 5)


@pytest.mark.django_db
def test_live_references_render_the_figures_and_each_occurrence_of_an_error(world):
    world.ninewa.district = District.objects.get(pcode="IQG15Q05")
    world.ninewa.save()
    world.deliver(on=dt.date(2018, 4, 20), project=world.ninewa, households=153)
    recompute()
    text = (
        "IOM reached {people-reached district=Mosul} people in Qayyarah.\n\n"
        "- {nope} in {people-reached governorate=IQG15}\n"
        "- {nope} again"
    )
    refs, errors = text_references(text)
    found = resolve_references(
        [*refs, *errors],
        FigureContext(
            programmes=(world.programme.pk,),
            period_start=dt.date(2018, 4, 1),
            as_of=dt.date(2018, 4, 30),
        ),
    )
    html = render_markup(text, found)
    assert 'IOM reached <span class="ref">918*</span> people in Qayyarah.' in html
    assert '<span class="ref">918*</span></li>' in html
    assert [e.line for e in markup_errors(text, found)] == [3, 4]
    assert html.count('class="ref-error"') == 2
    # The frozen dicts render the same HTML as the live figures they froze.
    frozen = {key: f.as_dict() for key, f in found.items()}
    assert render_markup(text, frozen) == html


def test_the_help_text_examples_are_valid_markup():
    refs, errors = text_references(str(MARKUP_HELP))
    assert errors == []
    assert [r.key for r in refs] == [
        "people-reached governorate=IQG15",
    ]
    html = render_markup(str(MARKUP_HELP), {"people-reached governorate=IQG15": {"shown": "918"}})
    assert "<strong>bold</strong>, <em>italic</em>" in html and '"{" prints' in html
