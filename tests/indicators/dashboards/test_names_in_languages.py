"""The dashboards name programmes, figures, sectors and survey questions in
the reader's language (#15), English where a name has no translation, for
the same number of queries."""

from __future__ import annotations

import datetime as dt
import json

from beneficiaries.models import Question
from indicators.models import IndicatorDefinition
from programmes.models import Programme, Project, Sector
from tests.factories import user_with_role
from tests.indicators.dashboards.helpers import (
    AS_OF_Q2,
    MAX_QUERIES,
    feedback,
    login,
    page_json,
    programme_url,
)

CRP_AR = "برنامج إنعاش المجتمعات المحلية"
PEOPLE_AR = "المستفيدون الذين وصلتهم المساعدة"
LIVELIHOODS_AR = "سبل العيش"
SATISFIED_AR = "ما مدى رضاك عن المساعدة؟"
VERY_SATISFIED_AR = "راضٍ جداً"


def test_the_programme_page_names_things_in_arabic_or_else_in_english(
    client, portfolio, django_assert_max_num_queries
):
    feedback(
        Project.objects.get(code="CRP-KRK-1"), on=dt.date(2018, 4, 2), answers={"satisfaction": "5"}
    )
    Programme.objects.filter(code="CRP").update(name_ar=CRP_AR)
    IndicatorDefinition.objects.filter(code="people-reached").update(name_ar=PEOPLE_AR)
    Sector.objects.filter(code="livelihoods").update(name_ar=LIVELIHOODS_AR)
    question = Question.objects.get(code="satisfaction")
    question.text_ar = SATISFIED_AR
    question.choices_ar = [
        [code, VERY_SATISFIED_AR if code == "5" else label] for code, label in question.choices_en
    ]
    question.save()
    login(client, user_with_role("admin"))

    # As many queries as in English (test_donor_view_and_map): + the targets.
    with django_assert_max_num_queries(MAX_QUERIES + 1):
        arabic = client.get(programme_url("CRP"), AS_OF_Q2, HTTP_ACCEPT_LANGUAGE="ar")
    assert f"<h1>{CRP_AR} " in arabic.content.decode()
    names = {h["code"]: h["name"] for h in arabic.context["data"]["headlines"]}
    assert names["people-reached"] == PEOPLE_AR
    assert names["direct-recipients"] == "direct recipients"  # no Arabic name: English
    charts = json.dumps(page_json(arabic), ensure_ascii=False)
    assert LIVELIHOODS_AR in charts
    assert SATISFIED_AR in charts and VERY_SATISFIED_AR in charts

    english = client.get(programme_url("CRP"), AS_OF_Q2, HTTP_ACCEPT_LANGUAGE="en")
    assert "<h1>Community Revitalization Programme " in english.content.decode()
    charts = json.dumps(page_json(english), ensure_ascii=False)
    assert LIVELIHOODS_AR not in charts and "Livelihoods" in charts
    assert "How satisfaction?" in charts and "Very satisfied" in charts


def test_the_maps_name_governorates_and_districts_in_arabic_in_arabic_and_kurdish(
    client, portfolio
):
    login(client, user_with_role("admin"))
    for language in ("ar", "ckb"):
        page = page_json(client.get("/dashboards/", AS_OF_Q2, HTTP_ACCEPT_LANGUAGE=language))
        names = {a["pcode"]: a["name"] for a in page["areas"]}
        assert names["IQG13"] == "كركوك" and names["IQG15"] == "نينوى", language
        response = client.get(
            "/dashboards/governorate/IQG15/", AS_OF_Q2, HTTP_ACCEPT_LANGUAGE=language
        )
        districts = {
            d["pcode"]: d["name"] for d in response.context["data"]["districts"]["districts"]
        }
        assert districts["IQG15Q05"] == "الموصل", language
    english = page_json(client.get("/dashboards/", AS_OF_Q2, HTTP_ACCEPT_LANGUAGE="en"))
    assert {a["pcode"]: a["name"] for a in english["areas"]}["IQG13"] == "Kirkuk"
