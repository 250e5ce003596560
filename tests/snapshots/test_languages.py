"""A snapshot in Arabic or in both languages: the officer writes the Arabic
beside the English, live references work in both, the copy-forward keeps
it, and an Arabic or bilingual draft is published only with the Arabic of
every text it shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from snapshots import authoring, services
from snapshots.build import snapshot_document
from snapshots.build_languages import arabic_missing
from snapshots.models import Snapshot
from tests.snapshots.conftest import recompute
from tests.snapshots.test_build import APRIL, MAY, blocks, write

pytestmark = pytest.mark.django_db

NARRATIVE_AR = "وصلت {bsp-packages governorate=IQG13} حزمة إلى كركوك هذا الشهر."


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    monkeypatch.setattr(services, "_render", lambda payload, progress=None: b"%PDF-1.7")


@pytest.fixture
def series(world, users):
    return authoring.series_create(
        programmes=[world.programme], cadence="monthly", user=users.manager
    )


@pytest.fixture
def april(world, users, series):
    world.deliver(on=dt.date(2018, 4, 3), households=10, units=10)
    recompute()
    draft = authoring.snapshot_create(series=series, period_end=APRIL, user=users.manager)
    for section in draft.sections.exclude(key="local_economies"):
        authoring.section_update(section=section, hidden=True)
    write(
        draft,
        "local_economies",
        "narrative",
        {"text": "{bsp-packages governorate=IQG13} packages in Kirkuk.", "text_ar": NARRATIVE_AR},
    )
    write(
        draft,
        "local_economies",
        "figures",
        {"items": [{"ref": "bsp-packages", "label": "packages", "label_ar": "حزم"}]},
    )
    return draft


def test_a_first_draft_has_the_arabic_of_its_default_sections_and_disclaimer(april):
    section = april.sections.get(key="local_economies")
    assert section.title_ar and section.title_ar != section.title
    assert "ال" in section.title_ar  # Arabic, from the catalogue
    assert (
        april.language == "en" and april.disclaimer_ar and april.disclaimer_ar != april.disclaimer
    )


def test_the_arabic_document_prints_the_arabic_texts_with_their_live_figures(april):
    april = authoring.snapshot_update(
        snapshot=april, language="ar", digits="arab", title_ar="تقرير"
    )
    payload, errors = snapshot_document(april)
    assert errors == []
    assert (payload["language"], payload["digits"], payload["title"]) == ("ar", "arab", "تقرير")
    html = blocks(payload, "local_economies", "narrative")[0]["html"]
    assert '<span class="ref">١٠</span> حزمة إلى كركوك' in html  # in Arabic-Indic digits
    [figure] = blocks(payload, "local_economies", "figures")[0]["items"]
    assert (figure["label"], figure["display"]) == ("حزم", "١٠")
    assert payload["period"]["label"] != "April 2018"  # the period in Arabic
    assert "arabic" not in payload


def test_a_bilingual_document_carries_both_and_one_set_of_references(april):
    april = authoring.snapshot_update(snapshot=april, language="en+ar")
    payload, errors = snapshot_document(april)
    assert errors == []
    assert payload["language"] == "en+ar"
    assert "packages in Kirkuk" in blocks(payload, "local_economies", "narrative")[0]["html"]
    arabic = payload["arabic"]
    assert "حزمة إلى كركوك" in blocks(arabic, "local_economies", "narrative")[0]["html"]
    assert "references" not in arabic and "fingerprint" not in arabic
    assert "bsp-packages governorate=IQG13" in payload["references"]


def test_an_error_in_the_arabic_text_is_an_error_of_the_draft_and_says_it_is_arabic(april):
    april = authoring.snapshot_update(snapshot=april, language="en+ar")
    write(april, "local_economies", "narrative", {"text": "Fine.", "text_ar": "{no-such} خطأ"})
    _payload, errors = snapshot_document(april)
    assert len(errors) == 1 and errors[0]["message"].startswith("Arabic: ")
    with pytest.raises(ValidationError):
        services.snapshot_publish(snapshot=april, user=april.created_by, today=MAY)


def test_a_bilingual_draft_is_published_only_with_the_arabic_of_every_visible_text(april, users):
    april = authoring.snapshot_update(snapshot=april, language="en+ar")
    write(april, "local_economies", "narrative", {"text": "English only."})
    section = april.sections.get(key="local_economies")
    authoring.section_update(section=section, footnotes="A note.")
    with pytest.raises(ValidationError) as refused:
        services.snapshot_publish(snapshot=april, user=users.manager, today=MAY)
    messages = refused.value.messages
    assert "write the Arabic of every text" in messages[0]
    assert any(section.title in m and "footnotes" in m and "narrative" in m for m in messages)

    write(april, "local_economies", "narrative", {"text": "English only.", "text_ar": "بالعربية."})
    authoring.section_update(section=section, footnotes_ar="ملاحظة.")
    authoring.snapshot_update(snapshot=april, title_ar="تقرير", contact_ar="")
    april.refresh_from_db()
    assert arabic_missing(april) == []
    published = services.snapshot_publish(snapshot=april, user=users.manager, today=MAY)
    assert published.payload["language"] == "en+ar"
    assert (
        "بالعربية" in blocks(published.payload["arabic"], "local_economies", "narrative")[0]["html"]
    )


def test_an_english_draft_needs_no_arabic(april, users):
    write(april, "local_economies", "narrative", {"text": "English only."})
    assert arabic_missing(april) == []
    services.snapshot_publish(snapshot=april, user=users.manager, today=MAY)


def test_the_next_draft_copies_the_language_and_every_arabic_text(april, users, series):
    april = authoring.snapshot_update(
        snapshot=april, language="ar", digits="arab", title_ar="تقرير"
    )
    section = april.sections.get(key="local_economies")
    authoring.section_update(section=section, title_ar="الاقتصاد", footnotes_ar="ملاحظة.")
    services.snapshot_publish(snapshot=april, user=users.manager, today=MAY)
    may = authoring.snapshot_create(series=series, period_end=MAY, user=users.manager)
    assert (may.language, may.digits, may.title_ar) == ("ar", "arab", "تقرير")
    copied = may.sections.get(key="local_economies")
    assert (copied.title_ar, copied.footnotes_ar) == ("الاقتصاد", "ملاحظة.")
    narrative = copied.blocks.get(kind="narrative")
    assert narrative.content["text_ar"] == NARRATIVE_AR
    assert copied.blocks.get(kind="figures").content["items"][0]["label_ar"] == "حزم"


def test_the_language_is_refused_when_unknown_and_an_english_block_keeps_its_shape(april):
    with pytest.raises(ValidationError):
        authoring.snapshot_update(snapshot=april, language="fr")
    block = write(april, "local_economies", "narrative", {"text": "Plain.", "text_ar": ""})
    assert block.content == {"text": "Plain."}


def test_the_draft_page_sets_the_language_and_adds_an_arabic_sentence(client, april, users):
    client.force_login(users.manager)
    response = client.post(
        reverse("snapshots:edit", args=[april.pk]),
        {
            "snapshot-title": april.title,
            "snapshot-as_of": april.as_of.isoformat(),
            "snapshot-language": "en+ar",
            "snapshot-digits": "arab",
            "snapshot-title_ar": "تقرير",
        },
    )
    assert response.status_code == 302
    april.refresh_from_db()
    assert (april.language, april.digits, april.title_ar) == ("en+ar", "arab", "تقرير")
    # A post without the Arabic fields (an older page) leaves them as they were.
    client.post(
        reverse("snapshots:edit", args=[april.pk]),
        {"snapshot-title": "New", "snapshot-as_of": april.as_of.isoformat()},
    )
    april.refresh_from_db()
    assert (april.title, april.language, april.title_ar) == ("New", "en+ar", "تقرير")

    section = april.sections.get(key="local_economies")
    page = client.get(reverse("snapshots:detail", args=[april.pk]), {"propose": section.pk})
    assert 'name="language" value="ar"' in page.content.decode()
    client.post(
        reverse("snapshots:sentence_add", args=[april.pk, section.pk]),
        {"sentence": "جملة {bsp-packages}.", "language": "ar"},
    )
    narrative = section.blocks.get(kind="narrative")
    assert narrative.content["text"] == "{bsp-packages governorate=IQG13} packages in Kirkuk."
    assert narrative.content["text_ar"].endswith("\n\nجملة {bsp-packages}.")


def test_the_api_sets_the_language_and_the_arabic_of_a_section(client, april, users):
    client.force_login(users.manager)
    response = client.patch(
        f"/api/v1/snapshots/{april.pk}/",
        {"language": "ar", "disclaimer_ar": "إخلاء"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["language"], response.json()["disclaimer_ar"]) == ("ar", "إخلاء")
    section = april.sections.get(key="local_economies")
    response = client.patch(
        f"/api/v1/snapshots/{april.pk}/sections/{section.pk}/",
        {"title_ar": "الاقتصادات المحلية"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["title_ar"] == "الاقتصادات المحلية"
    bad = client.patch(
        f"/api/v1/snapshots/{april.pk}/", {"language": "fr"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert Snapshot.objects.get(pk=april.pk).language == "ar"
