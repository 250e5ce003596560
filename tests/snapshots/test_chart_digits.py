"""A snapshot printed with Arabic-Indic digits prints its charts' numbers in
them too: the donors' shares and the donut's centre, the gender split, the
population bars and their axis. Plotly writes Western digits whatever the
language, so the figures hold these numbers as text; checked on the
figures themselves (the Arabic charts are drawn as PNGs). After Arabic-Indic
digits a percent sign is followed by a right-to-left mark, which keeps it on
their left, as the document's tables print it."""

from __future__ import annotations

import re

from snapshots.charts import snapshot_charts
from snapshots.pdf import _block, _likert
from snapshots.pdf_languages import Doc, in_language

PAYLOAD = {
    "contributions": {
        "donors": [
            {"name": "USA", "usd": 19_300_000, "share": 70.2},
            {"name": "Canada", "usd": 8_160_000, "share": 29.8},
        ],
        "total_usd": 27_460_000,
    },
    "gender": {"female": 1500, "male": 500},
    "population_groups": [
        {"label": "IDP", "value": 1500, "display": "1,500"},
        {"label": "Returnee", "value": 500, "display": "500"},
    ],
}
WESTERN = re.compile("[0-9]")


def _numbers(doc: Doc) -> dict[str, list[str]]:
    """Every number the charts print, as text, by chart."""
    with in_language(doc):
        figures = {chart.key: chart.figure for chart in snapshot_charts(doc.payload)}
    donut, gender, bars = figures["contributions"], figures["gender"], figures["population"]
    return {
        "shares": list(donut.data[0].customdata),
        "centre": [donut.layout.annotations[0].text],
        "gender": list(gender.data[0].customdata),
        "bars": list(bars.data[0].text),
        "ticks": list(bars.layout.xaxis.ticktext),
    }


def test_an_arabic_indic_document_prints_its_chart_numbers_in_its_digits():
    numbers = _numbers(Doc("ar", PAYLOAD, "ar:", "arab"))
    assert numbers["shares"] == ["٧٠٫٢%\u200f", "٢٩٫٨%\u200f"]
    assert (
        numbers["centre"][0].startswith("<b>١٠٠%\u200f</b><br>") and "٢٧٫٤٦" in numbers["centre"][0]
    )
    assert numbers["gender"] == ["٧٥%\u200f", "٢٥%\u200f"]
    assert numbers["bars"] == ["١٬٥٠٠", "٥٠٠"]
    assert numbers["ticks"] == ["٠", "٥٠٠", "١٬٠٠٠", "١٬٥٠٠"]
    western = [text for texts in numbers.values() for text in texts if WESTERN.search(text)]
    assert western == []


def test_a_document_in_western_digits_keeps_them():
    numbers = _numbers(Doc("en", PAYLOAD, "en:"))
    assert numbers["shares"] == ["70.2%", "29.8%"]
    assert numbers["centre"][0].startswith("<b>100%</b><br>US$ 27.46")
    assert numbers["gender"] == ["75%", "25%"]
    assert numbers["ticks"] == ["0", "500", "1,000", "1,500"]


def test_the_feedback_bars_and_gender_figures_follow_the_documents_digits():
    """Their numbers come written in the payload ("46%", "1,332"), in the
    digits it was built with; the PDF prints them in its own."""
    question = {"kind": "likert", "answers": [{"code": "3", "share": 46.0, "display": "46%"}]}
    gender = {"type": "gender", "female": 1332, "female_display": "1,332", "male": 0}
    with in_language(Doc("ar", {}, "ar:", "arab")):
        assert _likert(question)["answers"][0]["share"] == "٤٦%"
        assert _block(gender, "gender", {}, {})["female"] == "١٬٣٣٢"
    with in_language(Doc("en", {}, "en:")):
        assert _likert(question)["answers"][0]["share"] == "46%"
