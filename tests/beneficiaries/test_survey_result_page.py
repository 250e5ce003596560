"""The page where a manager enters a survey's aggregate results: by
percentages of the base, saved as counts, listed with who entered them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries.survey_results import SurveyResult
from tests.api.conftest import _world_for_module, world  # noqa: F401 (the fixtures)

pytestmark = pytest.mark.django_db
URL = reverse("beneficiaries:survey_result_new")


def post(world, **changes):  # noqa: F811
    return {
        "survey": "satisfaction",
        "project": world["krk"].pk,
        "collected_on": "2018-05-31",
        "base": "273",
        "as_shares": "1",
        "source": "PDM May 2018",
        "q__satisfied__3": "46",
        "q__satisfied__2": "38",
        "q__satisfied__1": "16",
        **changes,
    }


def test_a_manager_enters_percentages_and_sees_the_counts(client, world):  # noqa: F811
    client.force_login(world["maria"])
    page = client.get(URL).content.decode()
    assert "How satisfied are you?" in page and 'name="q__satisfied__3"' in page
    response = client.post(URL, post(world))
    assert response.status_code == 302
    result = SurveyResult.objects.get()
    assert {c.value: c.count for c in result.counts.all()} == {"3": 125, "2": 104, "1": 44}
    page = client.get(response["Location"]).content.decode()
    assert "satisfied 3: 125" in page and "maria" in page and "aggregate" in page


def test_shares_over_100_percent_are_refused_on_the_page(client, world):  # noqa: F811
    client.force_login(world["maria"])
    response = client.post(URL, post(world, q__satisfied__2="80"))
    assert response.status_code == 400
    assert "add up to more than 100%" in response.content.decode()
    assert not SurveyResult.objects.exists()


@pytest.mark.parametrize("who", ["alice", "dora"])
def test_monitors_and_donors_cannot_open_the_page(client, world, who):  # noqa: F811
    client.force_login(world[who])
    assert client.get(URL).status_code == 403


def test_a_project_of_another_programme_is_not_offered(client, world):  # noqa: F811
    client.force_login(world["maria"])
    response = client.post(URL, post(world, project=world["bsr"].pk))
    assert response.status_code == 400
    assert not SurveyResult.objects.exists()


def test_results_are_imported_from_a_file(client, world):  # noqa: F811
    client.force_login(world["maria"])
    upload = SimpleUploadedFile(
        "pdm.csv", b"question,option,value\nsatisfied,3,46\nsatisfied,2,54\n", "text/csv"
    )
    data = {k: v for k, v in post(world).items() if not k.startswith("q__")}
    response = client.post(URL, {**data, "file": upload})
    assert response.status_code == 302
    result = SurveyResult.objects.get()
    assert {c.value: c.count for c in result.counts.all()} == {"3": 126, "2": 147}


def test_a_bad_file_says_which_row(client, world):  # noqa: F811
    client.force_login(world["maria"])
    upload = SimpleUploadedFile("pdm.csv", b"question,option,value\nsatisfied,3,many\n")
    response = client.post(URL, {**post(world), "file": upload})
    assert response.status_code == 400
    assert "Row 2: “many” is not a number." in response.content.decode()
    assert not SurveyResult.objects.exists()
