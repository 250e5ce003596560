"""The demo's Arabic and Kurdish names (#15): every programme, sector,
activity type, survey question and definition of the demo has them, the
answer labels answer with the demo's codes, and Kurdish is written with
Sorani letters (ی and ک, never Arabic ي or ك)."""

from __future__ import annotations

from demo import build, names
from demo.indicators import DEFINITIONS
from demo.spec import ACTIVITIES, PROGRAMMES, QUESTIONS, SECTORS


def test_every_demo_name_has_its_arabic_and_kurdish_values():
    assert set(names.PROGRAMMES) == {p.code for p in PROGRAMMES}
    assert set(names.SECTORS) == {code for code, _name in SECTORS}
    assert set(names.ACTIVITIES) == {a.code for a in ACTIVITIES}
    assert set(names.DEFINITIONS) == {d[0] for d in DEFINITIONS}
    assert set(names.QUESTIONS) == {q[0] for q in QUESTIONS}


def test_answer_labels_use_the_demo_codes_in_their_order():
    for code, _text, _kind, options in QUESTIONS:
        row = build._question_names(code, options)
        codes = [c for c, _label, _share in options]
        assert [c for c, _label in row["choices_ar"]] == codes
        assert [c for c, _label in row["choices_ckb"]] == codes
        assert all(label for _c, label in row["choices_ar"] + row["choices_ckb"])


def test_kurdish_is_written_with_sorani_letters():
    kurdish = [
        *(k for _a, k in names.PROGRAMMES.values()),
        *(k for _a, k in names.SECTORS.values()),
        *(part for _a, pair in names.ACTIVITIES.values() for part in pair),
        *(k for _a, k in names.DEFINITIONS.values()),
        names.SURVEY_TITLE[1],
        *(t for _a, (text, labels) in names.QUESTIONS.values() for t in (text, *labels.values())),
    ]
    assert not [text for text in kurdish if "ي" in text or "ك" in text]
