"""Snapshots in the API: the pages' scope on list, detail and PDF, frozen
figures for published snapshots only, every PDF download logged; drafts
created, edited section by section and published by their writers only,
with 400s by field."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from snapshots.models import Snapshot, SnapshotBlock, SnapshotDownload
from tests.snapshots.test_views import (  # noqa: F401 - no_pdf is a fixture
    ROLES,
    SEES_DRAFT,
    SEES_PUBLISHED,
    no_pdf,
    snapshots_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshots(world, users):
    """``test_views``' two snapshots, made for each test: the tests of this
    module that write snapshots make their own of the same periods."""
    return snapshots_create(world, users)


def api(users, role) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(getattr(users, role))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_list_is_the_pages_scope(users, snapshots, role):
    response = api(users, role).get("/api/v1/snapshots/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    if role == "monitor":  # a role, but no snapshot
        assert response.status_code == 200 and response.json()["results"] == []
        return
    expected = set()
    if role in SEES_PUBLISHED:
        expected.add(snapshots["published"].pk)
    if role in SEES_DRAFT:
        expected.add(snapshots["draft"].pk)
    assert {row["id"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["published", "draft"])
def test_detail_and_pdf(users, snapshots, role, which):
    snapshot = snapshots[which]
    client = api(users, role)
    detail = client.get(f"/api/v1/snapshots/{snapshot.pk}/")
    pdf = client.get(f"/api/v1/snapshots/{snapshot.pk}/pdf/")
    allowed = SEES_PUBLISHED if which == "published" else SEES_DRAFT
    if role == "anonymous":
        assert (detail.status_code, pdf.status_code) == (401, 401)
    elif role not in allowed:
        assert (detail.status_code, pdf.status_code) == (404, 404)
    else:
        body = detail.json()
        assert body["status"] == which
        assert body["programmes"] == [p.code for p in snapshot.programmes.all()]
        assert body["pdf_url"].endswith(f"/api/v1/snapshots/{snapshot.pk}/pdf/")
        if which == "published":
            assert body["payload"] == snapshot.payload and body["payload"]["headlines"]
        else:
            assert body["payload"] is None  # live figures are on the page
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")
        log = SnapshotDownload.objects.get()
        assert (log.user, log.snapshot) == (getattr(users, role), snapshot)
        return
    assert not SnapshotDownload.objects.exists()


# --- Writing snapshots through the API ---------------------------------------------

WRITERS = {"admin", "manager"}


def test_create_patch_edit_and_publish_a_draft(users, world):
    client = api(users, "manager")
    response = client.post(
        "/api/v1/snapshots/",
        {"programmes": ["RRP"], "cadence": "monthly", "period_end": "2018-04-30", "title": "RRP"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    draft = response.json()
    assert (draft["status"], draft["period_label"], draft["title"]) == (
        "draft",
        "April 2018",
        "RRP",
    )
    base = f"/api/v1/snapshots/{draft['id']}"
    response = client.patch(f"{base}/", {"as_of": "2018-04-25", "contact": "IOM"}, format="json")
    assert response.status_code == 200 and response.json()["as_of"] == "2018-04-25"

    sections = client.get(f"{base}/sections/").json()
    assert [s["key"] for s in sections][0] == "human_capital"
    human = sections[0]["id"]
    response = client.patch(
        f"{base}/sections/{human}/",
        {"title": "Human capital", "hidden": True, "footnotes": "One", "position": 5},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["hidden"], response.json()["position"]) == (True, 5)
    new = client.post(f"{base}/sections/", {"title": "Stories"}, format="json").json()
    assert new["position"] == 6
    assert client.delete(f"{base}/sections/{new['id']}/").status_code == 204

    response = client.post(
        f"{base}/blocks/",
        {
            "section": human,
            "kind": "figures",
            "content": {
                "items": [{"ref": "{people-reached governorate=IQG15}", "label": "Ninewa"}]
            },
            "position": 0,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    block = response.json()
    assert block["position"] == 0
    assert block["content"]["items"][0]["ref"] == "people-reached governorate=IQG15"
    response = client.patch(
        f"{base}/blocks/{block['id']}/",
        {"content": {"items": [{"ref": "direct-recipients"}]}, "position": 9},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["content"]["items"] == [
        {"ref": "direct-recipients", "label": "", "footnote": ""}
    ]
    blocks = [b for b in client.get(f"{base}/blocks/").json() if b["section"] == human]
    assert blocks[-1]["id"] == block["id"]
    assert client.delete(f"{base}/blocks/{block['id']}/").status_code == 204

    client.post(
        f"{base}/blocks/",
        {
            "section": sections[1]["id"],
            "kind": "narrative",
            "content": {"text": "{no-such-figure}"},
        },
        format="json",
    )
    preview = client.get(f"{base}/preview/").json()  # (human capital is hidden)
    assert preview["payload"]["status"] == "draft" and preview["payload"]["version"] == 2
    assert [e["section"] for e in preview["errors"]] == [sections[1]["key"]]
    assert "no-such-figure" in preview["errors"][0]["message"]
    refused = client.post(f"{base}/publish/")
    assert refused.status_code == 400
    blocks = client.get(f"{base}/blocks/").json()
    narrative = [b for b in blocks if b["section"] == sections[1]["id"]][-1]
    client.delete(f"{base}/blocks/{narrative['id']}/")

    response = client.post(f"{base}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert client.get(f"{base}/preview/").json()["payload"]["status"] == "published"
    # Published: nothing changes any more.
    response = client.patch(f"{base}/", {"title": "Renamed"}, format="json")
    assert response.status_code == 400 and "never changes" in str(response.json())
    response = client.post(f"{base}/sections/", {"title": "More"}, format="json")
    assert response.status_code == 400


def test_refusals_are_400s_by_field(users, world):
    client = api(users, "manager")
    for body, field in [
        ({"programmes": ["RRP"], "cadence": "monthly", "period_end": "2018-04-29"}, "period_end"),
        (
            {"programmes": ["RRP"], "period_end": "2018-06-30", "as_of": "2018-07-01"},
            "as_of",
        ),
        ({"programmes": ["CRP"], "period_end": "2018-06-30"}, "programmes"),  # not theirs
        ({"period_end": "2018-06-30"}, "programmes"),
        ({"programmes": ["RRP"], "period_end": "9999-12-31"}, "period_end"),
        ({"programmes": ["RRP"], "cadence": "weekly", "period_end": "2018-06-30"}, "cadence"),
    ]:
        response = client.post("/api/v1/snapshots/", body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), (body, response.json())
    assert not Snapshot.objects.exists()

    draft = client.post(
        "/api/v1/snapshots/", {"programmes": ["RRP"], "period_end": "2018-06-30"}, format="json"
    ).json()
    base = f"/api/v1/snapshots/{draft['id']}"
    section = client.get(f"{base}/sections/").json()[0]["id"]
    for body, field in [
        ({"section": section, "kind": "table", "content": {"kind": "pie"}}, "kind"),
        ({"section": section, "kind": "figures", "content": {"items": [{"label": "x"}]}}, "items"),
        ({"section": section, "kind": "narrative", "content": {"text": "a\x00b"}}, "content"),
        ({"section": 999999, "kind": "narrative"}, "section"),
        ({"section": section, "kind": "story", "content": {"photo": 999999}}, "photo"),
    ]:
        response = client.post(f"{base}/blocks/", body, format="json")
        assert response.status_code == 400, body
        assert field in response.json(), (body, response.json())
    response = client.patch(f"{base}/", {"as_of": "2018-03-31"}, format="json")
    assert response.status_code == 400 and "as_of" in response.json()


def test_a_story_photo_must_be_of_an_approved_visit_in_scope(users, world):
    from tests.snapshots.conftest import photo

    shop = photo(world, on=dt.date(2018, 3, 2), caption="A shop")
    pending = photo(world, on=dt.date(2018, 3, 3), caption="Pending", status="submitted")
    client = api(users, "manager")
    draft = client.post(
        "/api/v1/snapshots/", {"programmes": ["RRP"], "period_end": "2018-03-31"}, format="json"
    ).json()
    base = f"/api/v1/snapshots/{draft['id']}"
    section = client.get(f"{base}/sections/").json()[0]["id"]
    ok = client.post(
        f"{base}/blocks/",
        {"section": section, "kind": "story", "content": {"photo": shop.pk, "title": "A shop"}},
        format="json",
    )
    assert ok.status_code == 201 and ok.json()["content"]["photo"] == shop.pk
    refused = client.patch(
        f"{base}/blocks/{ok.json()['id']}/", {"content": {"photo": pending.pk}}, format="json"
    )
    assert refused.status_code == 400 and "photo" in refused.json()


def test_the_publish_guard_is_a_400_with_its_message(users, world):
    from django.utils import timezone

    from snapshots.cadence import Period

    today = timezone.localdate()
    period = Period.containing("quarterly", today)
    if period.start == today:
        period = period.next()
    client = api(users, "manager")
    draft = client.post(
        "/api/v1/snapshots/",
        {
            "programmes": ["RRP"],
            "period_end": period.end.isoformat(),
            "as_of": period.start.isoformat(),
        },
        format="json",
    ).json()
    response = client.post(f"/api/v1/snapshots/{draft['id']}/publish/")
    assert response.status_code == 400
    assert f"{period.label} has not ended" in str(response.json()["as_of"])
    assert Snapshot.objects.get(pk=draft["id"]).status == "draft"


@pytest.mark.parametrize("role", ROLES)
def test_only_writers_in_scope_change_a_draft(users, snapshots, role):
    draft = snapshots["draft"]
    client = api(users, role)
    base = f"/api/v1/snapshots/{draft.pk}"
    section = draft.sections.first()
    block = section.blocks.first()
    answers = [
        client.patch(f"{base}/", {"title": "Mine"}, format="json"),
        client.post(f"{base}/sections/", {"title": "Mine"}, format="json"),
        client.patch(f"{base}/sections/{section.pk}/", {"hidden": True}, format="json"),
        client.patch(f"{base}/blocks/{block.pk}/", {"content": {"text": "Mine"}}, format="json"),
        client.delete(f"{base}/blocks/{block.pk}/"),
        client.get(f"{base}/preview/"),
        client.get(f"{base}/sections/"),
        client.post(f"{base}/publish/"),
    ]
    codes = {a.status_code for a in answers}
    if role == "anonymous":
        assert codes == {401}
    elif role in WRITERS:
        assert codes <= {200, 201, 204}, [a.json() for a in answers if a.status_code >= 300]
    else:
        assert codes == {404}  # donors never see drafts; the others' scope has none
        draft.refresh_from_db()
        assert draft.title != "Mine" and draft.status == "draft"
        assert SnapshotBlock.objects.filter(pk=block.pk).exists()
    response = client.post(
        "/api/v1/snapshots/", {"programmes": ["RRP"], "period_end": "2018-09-30"}, format="json"
    )
    expected = {"anonymous": 401, "admin": 201, "manager": 201, "outsider_manager": 400}
    assert response.status_code == expected.get(role, 403)


def test_series(users, world):
    manager = api(users, "manager")
    response = manager.post(
        "/api/v1/snapshot-series/", {"programmes": ["RRP"], "cadence": "monthly"}, format="json"
    )
    assert response.status_code == 201
    series = response.json()
    assert (series["portfolio"], series["cadence"]) == ("RRP", "monthly")
    again = manager.post(
        "/api/v1/snapshot-series/", {"programmes": ["RRP"], "cadence": "monthly"}, format="json"
    )
    assert again.status_code == 400
    draft = manager.post(
        "/api/v1/snapshots/", {"series": series["id"], "period_end": "2018-04-30"}, format="json"
    )
    assert draft.status_code == 201 and draft.json()["series"] == series["id"]
    assert [
        s["id"] for s in api(users, "donor").get("/api/v1/snapshot-series/").json()["results"]
    ] == [series["id"]]
    assert api(users, "other_donor").get("/api/v1/snapshot-series/").json()["results"] == []
    outsider = api(users, "outsider_manager")
    assert (
        outsider.post(
            "/api/v1/snapshots/",
            {"series": series["id"], "period_end": "2018-05-31"},
            format="json",
        ).status_code
        == 404
    )
    assert (
        api(users, "donor")
        .post(
            "/api/v1/snapshot-series/", {"programmes": ["RRP"], "cadence": "annual"}, format="json"
        )
        .status_code
        == 403
    )
