"""The API's language: labels and messages in the one the client asks for
(``Accept-Language``), else in the user's saved preference (as the pages),
else English; field names and choice values always English."""

from __future__ import annotations

import re

import pytest

from tests.api.test_writes import PROJECT

pytestmark = pytest.mark.django_db
ARABIC = re.compile("[\u0600-\u06ff]")


def _refused(client, **headers):
    response = client.post(
        "/api/v1/projects/", {**PROJECT, "kind": "castle"}, format="json", headers=headers
    )
    assert response.status_code == 400, response.content
    return response


def test_messages_and_labels_follow_accept_language_else_the_saved_preference(world, api):
    admin = world["admin"]
    client = api(admin)
    english = _refused(client).json()
    assert set(english) == {"kind"} and not ARABIC.search(english["kind"][0])

    # Asked for: the field's name stays English, its message and labels are Arabic.
    arabic = _refused(client, **{"accept-language": "ar"}).json()
    assert set(arabic) == {"kind"} and ARABIC.search(arabic["kind"][0])
    options = client.options("/api/v1/projects/", headers={"accept-language": "ar"})
    choices = options.json()["actions"]["POST"]["status"]["choices"]
    assert {c["value"] for c in choices} >= {"ongoing", "completed"}
    assert all(ARABIC.search(c["display_name"]) for c in choices)

    # Not asked for: the user's saved language, as on the pages.
    admin.profile.language = "ar"
    admin.profile.save()
    response = _refused(api(admin))
    assert ARABIC.search(response.json()["kind"][0])
    assert response.headers["Content-Language"] == "ar"
    # A client that asks for a language gets it, whatever the preference.
    assert not ARABIC.search(_refused(api(admin), **{"accept-language": "en"}).json()["kind"][0])
