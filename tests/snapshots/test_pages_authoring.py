"""The authoring pages: a manager starts a draft (of a series, or of a
portfolio at a cadence), edits its document, sections and every kind of
block with plain forms, sees each block's preview and the proposed
sentences, and publishes it; refusals are shown beside their field, and
nobody out of scope reaches a draft."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from snapshots import authoring, services, views_authoring
from snapshots.cadence import Period
from snapshots.models import Snapshot, SnapshotBlock, SnapshotSection
from tests.snapshots.conftest import Q1, photo, recompute

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    monkeypatch.setattr(services, "_render", lambda payload, progress=None: b"%PDF-1.7 fake")


@pytest.fixture
def draft(world, users) -> Snapshot:
    return authoring.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )


@pytest.fixture
def manager(client, users):
    client.force_login(users.manager)
    return client


def section(draft: Snapshot, key: str) -> SnapshotSection:
    return draft.sections.get(key=key)


def block(draft: Snapshot, key: str, kind: str) -> SnapshotBlock:
    return section(draft, key).blocks.get(kind=kind)


def url(draft: Snapshot, tail: str = "") -> str:
    return f"/snapshots/{draft.pk}/{tail}"


# --- Creating ---------------------------------------------------------------------


def test_create_a_monthly_series_from_a_portfolio(manager, world):
    page = manager.get("/snapshots/new/")
    groups = dict(page.context["form"].fields["period"].choices)
    assert {"Monthly", "Quarterly", "Annual"} <= set(map(str, groups))
    assert "published “as of today”" in page.text
    response = manager.post(
        "/snapshots/new/",
        {"programmes": [world.programme.pk], "cadence": "monthly", "period": "monthly:2018-04-30"},
    )
    snapshot = Snapshot.objects.get()
    assert response["Location"] == f"/snapshots/{snapshot.pk}/"
    assert (snapshot.series.cadence, snapshot.period_label) == ("monthly", "April 2018")
    # The next one, of the series: a copy of April.
    response = manager.post(
        "/snapshots/new/", {"series": snapshot.series.pk, "period": "monthly:2018-05-31"}
    )
    may = Snapshot.objects.get(period_end=dt.date(2018, 5, 31))
    assert may.series == snapshot.series and may.sections.count() == snapshot.sections.count()


def test_create_refusals_are_shown_by_field(manager, world, users):
    response = manager.post(
        "/snapshots/new/",
        {
            "programmes": [world.programme.pk],
            "cadence": "monthly",
            "period": "quarterly:2018-06-30",
        },
    )
    assert response.status_code == 200 and "Choose a monthly period." in str(
        response.context["form"].errors["period"]
    )
    response = manager.post(
        "/snapshots/new/",
        {
            "programmes": [world.programme.pk],
            "cadence": "quarterly",
            "period": "quarterly:2018-06-30",
            "as_of": "2018-07-02",
        },
    )
    assert "must fall in Q2 2018" in str(response.context["form"].errors["as_of"])
    response = manager.post(
        "/snapshots/new/", {"cadence": "quarterly", "period": "quarterly:2018-06-30"}
    )
    assert "programmes" in response.context["form"].errors
    assert not Snapshot.objects.exists()


def test_a_manager_sees_only_the_series_of_their_programmes(client, users, world):
    authoring.series_create(programmes=[world.other], cadence="monthly", user=users.admin)
    mine = authoring.series_create(programmes=[world.programme], cadence="monthly")
    client.force_login(users.manager)
    offered = set(client.get("/snapshots/new/").context["form"].fields["series"].queryset)
    assert offered == {mine}


# --- The draft page ---------------------------------------------------------------


def test_the_draft_page_is_the_authoring_page(manager, draft):
    page = manager.get(url(draft))
    assert page.status_code == 200
    assert [s.section.key for s in page.context["sections"]][:2] == [
        "human_capital",
        "good_governance",
    ]
    assert "Add section" in page.text and "Add block" in page.text
    assert f'action="/snapshots/{draft.pk}/publish/"' in page.text
    # The live document, built once for the whole page.
    assert page.context["preview"].payload["status"] == "draft"


@pytest.mark.parametrize("role", ["donor", "other_donor", "outsider_manager", "monitor"])
def test_nobody_out_of_scope_reaches_a_draft_or_changes_it(client, users, draft, role):
    client.force_login(getattr(users, role))
    narrative = block(draft, "human_capital", "narrative")
    social = section(draft, "social_services")
    assert client.get(url(draft)).status_code == 404
    for path, data in [
        ("edit/", {"snapshot-title": "Mine", "snapshot-as_of": "2018-03-31"}),
        (f"blocks/{narrative.pk}/", {f"b{narrative.pk}-text": "Mine"}),
        (f"blocks/{narrative.pk}/delete/", {}),
        (f"sections/{social.pk}/hide/", {"hidden": "1"}),
        (f"sections/{social.pk}/blocks/add/", {f"add{social.pk}-kind": "story"}),
        ("sections/add/", {"title": "Mine"}),
        ("publish/", {}),
    ]:
        assert client.post(url(draft, path), data).status_code == 404, path
    draft.refresh_from_db()
    assert draft.title != "Mine" and draft.status == "draft"
    assert SnapshotBlock.objects.filter(pk=narrative.pk).exists()
    assert not section(draft, "social_services").hidden


def test_a_block_of_another_snapshot_is_not_found(manager, draft, world, users):
    other = authoring.snapshot_create(programmes=[world.other], period_end=Q1, user=users.admin)
    foreign = other.sections.first().blocks.first()
    response = manager.post(url(draft, f"blocks/{foreign.pk}/delete/"))
    assert response.status_code == 404 and SnapshotBlock.objects.filter(pk=foreign.pk).exists()


def test_edit_the_document_and_refuse_a_day_outside_the_period(manager, draft):
    data = {
        "snapshot-title": "RRP, first quarter",
        "snapshot-as_of": "2018-03-15",
        "snapshot-disclaimer": "Ours",
        "snapshot-contact": "IOM Iraq\r\nBaghdad",
    }
    response = manager.post(url(draft, "edit/"), data)
    assert response.status_code == 302 and response["Location"].endswith("#document")
    draft.refresh_from_db()
    assert (draft.title, draft.as_of, draft.contact) == (
        "RRP, first quarter",
        dt.date(2018, 3, 15),
        "IOM Iraq\nBaghdad",
    )
    response = manager.post(url(draft, "edit/"), data | {"snapshot-as_of": "2018-04-02"})
    assert response.status_code == 400
    assert "must fall in Q1 2018" in str(response.context["edit_form"].errors["as_of"])
    assert Snapshot.objects.get(pk=draft.pk).as_of == dt.date(2018, 3, 15)


def test_edit_a_narrative(manager, draft):
    narrative = block(draft, "human_capital", "narrative")
    text = "We trained **{people-reached}** people.\n\n- in Kirkuk\n- in Ninewa"
    response = manager.post(url(draft, f"blocks/{narrative.pk}/"), {f"b{narrative.pk}-text": text})
    assert response["Location"].endswith(f"#block-{narrative.pk}")
    narrative.refresh_from_db()
    assert narrative.content == {"text": text}
    page = manager.get(url(draft))
    assert "people-reached" in page.text  # the help lists the definition codes
    assert "**bold**" in page.text


def test_edit_figures_add_a_row_and_remove_one(manager, draft):
    figures = block(draft, "local_economies", "figures")
    items = figures.content["items"]
    prefix = f"b{figures.pk}-items"
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items) + 1),
        f"{prefix}-INITIAL_FORMS": str(len(items)),
    }
    for i, item in enumerate(items):
        data[f"{prefix}-{i}-ref"] = item["ref"]
    data[f"{prefix}-0-DELETE"] = "on"
    data[f"{prefix}-{len(items)}-ref"] = "{people-reached governorate=IQG15}"
    data[f"{prefix}-{len(items)}-label"] = "in Ninewa"
    data[f"{prefix}-{len(items)}-footnote"] = "Multiplied by 6"
    response = manager.post(url(draft, f"blocks/{figures.pk}/"), data)
    assert response.status_code == 302
    figures.refresh_from_db()
    assert figures.content["items"] == [
        *({"ref": i["ref"], "label": "", "footnote": ""} for i in items[1:]),
        {
            "ref": "people-reached governorate=IQG15",
            "label": "in Ninewa",
            "footnote": "Multiplied by 6",
        },
    ]
    # A label without its figure is refused beside the row.
    data = {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-0-label": "x"}
    response = manager.post(url(draft, f"blocks/{figures.pk}/"), data)
    assert response.status_code == 400 and "Each figure needs a reference." in response.text


def test_edit_each_kind_of_table(manager, draft):
    table = block(draft, "social_services", "table")
    p = f"b{table.pk}"
    rows = {f"{p}-rows-TOTAL_FORMS": "1", f"{p}-rows-INITIAL_FORMS": "0"}
    manager.post(
        url(draft, f"blocks/{table.pk}/"),
        {f"{p}-kind": "sector_status", f"{p}-title": "Infrastructure", f"{p}-sectors": ["water"]}
        | rows,
    )
    table.refresh_from_db()
    assert table.content == {
        "kind": "sector_status",
        "title": "Infrastructure",
        "sectors": ["water"],
    }
    response = manager.post(
        url(draft, f"blocks/{table.pk}/"), {f"{p}-kind": "population_groups"} | rows
    )
    assert response.status_code == 400 and "split by population group" in response.text
    manager.post(
        url(draft, f"blocks/{table.pk}/"),
        {f"{p}-kind": "population_groups", f"{p}-ref": "direct-recipients"} | rows,
    )
    table.refresh_from_db()
    assert table.content["ref"] == "direct-recipients"
    manager.post(
        url(draft, f"blocks/{table.pk}/"),
        {f"{p}-kind": "custom", f"{p}-rows-0-label": "Shops", f"{p}-rows-0-ref": "bsp-packages"}
        | rows,
    )
    table.refresh_from_db()
    assert table.content["rows"] == [{"label": "Shops", "ref": "bsp-packages"}]


def test_edit_gender_and_story_with_a_photo_in_scope(manager, draft, world):
    gender = (
        block(draft, "human_capital", "gender")
        if section(draft, "human_capital").blocks.filter(kind="gender").exists()
        else None
    )
    social = section(draft, "social_services")
    if gender is None:
        gender = authoring.block_add(section=social, kind="gender")
    manager.post(url(draft, f"blocks/{gender.pk}/"), {f"b{gender.pk}-ref": "people-reached"})
    gender.refresh_from_db()
    assert gender.content == {"ref": "people-reached"}

    shop = photo(world, on=dt.date(2018, 3, 2), caption="A shop re-opened")
    unapproved = photo(world, on=dt.date(2018, 3, 3), caption="Not yet", status="submitted")
    response = manager.post(
        url(draft, f"sections/{social.pk}/blocks/add/"), {f"add{social.pk}-kind": "story"}
    )
    story = social.blocks.get(kind="story")
    assert response["Location"].endswith(f"#block-{story.pk}")
    page = manager.get(url(draft))
    assert "A shop re-opened" in page.text and "Not yet" not in page.text
    p = f"b{story.pk}"
    manager.post(
        url(draft, f"blocks/{story.pk}/"),
        {
            f"{p}-photo": str(shop.pk),
            f"{p}-title": "A shop",
            f"{p}-caption": "Photo: T.",
            f"{p}-text": "Hi",
        },
    )
    story.refresh_from_db()
    assert story.content == {
        "photo": shop.pk,
        "title": "A shop",
        "caption": "Photo: T.",
        "text": "Hi",
    }
    response = manager.post(url(draft, f"blocks/{story.pk}/"), {f"{p}-photo": str(unapproved.pk)})
    assert response.status_code == 400
    story.refresh_from_db()
    assert story.content["photo"] == shop.pk


def test_reorder_hide_rename_and_delete_sections(manager, draft):
    last = draft.sections.last()
    manager.post(url(draft, f"sections/{last.pk}/move/"), {"offset": "-1"})
    keys = list(draft.sections.values_list("key", flat=True))
    assert keys[-2:] == ["accountability", "safer_communities"]
    governance = section(draft, "good_governance")
    manager.post(url(draft, f"sections/{governance.pk}/hide/"), {"hidden": "1"})
    assert section(draft, "good_governance").hidden
    page = manager.get(url(draft))
    assert "Hidden: left out of the document" in page.text
    manager.post(url(draft, f"sections/{governance.pk}/hide/"), {"hidden": "0"})
    assert not section(draft, "good_governance").hidden
    prefix = f"s{governance.pk}"
    manager.post(
        url(draft, f"sections/{governance.pk}/"),
        {f"{prefix}-title": "Governance", f"{prefix}-footnotes": "One\nTwo"},
    )
    governance.refresh_from_db()
    assert (governance.title, governance.footnotes) == ("Governance", "One\nTwo")
    response = manager.post(url(draft, f"sections/{governance.pk}/"), {f"{prefix}-title": " "})
    assert response.status_code == 400
    manager.post(url(draft, f"sections/{governance.pk}/delete/"))
    assert not draft.sections.filter(key="good_governance").exists()
    manager.post(url(draft, "sections/add/"), {"title": "Stories"})
    assert draft.sections.last().title == "Stories"


def test_reorder_and_delete_blocks(manager, draft):
    social = section(draft, "social_services")
    kinds = [b.kind for b in social.blocks.all()]
    table = social.blocks.get(kind="table")
    manager.post(url(draft, f"blocks/{table.pk}/move/"), {"offset": "-1"})
    moved = [b.kind for b in social.blocks.all()]
    assert moved.index("table") == kinds.index("table") - 1
    manager.post(url(draft, f"blocks/{table.pk}/delete/"))
    assert [b.kind for b in social.blocks.all()] == [k for k in kinds if k != "table"]


def test_the_publish_guard_is_shown_on_the_page(manager, world, users):
    today = timezone.localdate()
    period = Period.containing("quarterly", today)
    if period.start == today:  # a draft as of another day than today needs room
        period = period.next()
    running = authoring.snapshot_create(
        programmes=[world.programme], period_end=period.end, as_of=period.start, user=users.manager
    )
    page = manager.get(url(running))
    note = f"{period.label} has not ended: it can only be published with figures as of today"
    assert note in page.text  # beside the as-of field
    response = manager.post(url(running, "publish/"))
    assert response.status_code == 400
    assert note in str(response.context["publish_errors"])
    running.refresh_from_db()
    assert running.status == "draft"


def test_publish_a_finished_period(manager, draft):
    response = manager.post(url(draft, "publish/"))
    assert response["Location"] == url(draft, "pdf/status/")
    draft.refresh_from_db()
    assert draft.status == "published"
    # The read view now, and no more edits.
    page = manager.get(url(draft))
    assert "Add block" not in page.text
    narrative = draft.sections.first().blocks.first()
    response = manager.post(url(draft, f"blocks/{narrative.pk}/delete/"))
    assert SnapshotBlock.objects.filter(pk=narrative.pk).exists()
    response = manager.post(
        url(draft, f"blocks/{narrative.pk}/"), {f"b{narrative.pk}-text": "Changed"}, follow=True
    )
    assert "A published snapshot never changes." in response.text
    assert "Add block" not in response.text
    assert SnapshotBlock.objects.get(pk=narrative.pk).content == narrative.content


# --- The preview and the proposed sentences ---------------------------------------------


def test_the_preview_shows_live_figures_and_errors_where_they_are(manager, draft, world):
    world.deliver(on=dt.date(2018, 2, 1), households=10, units=10)
    recompute()
    narrative = block(draft, "human_capital", "narrative")
    authoring.block_update(
        block=narrative, content={"text": "We reached **{people-reached}** and {no-such-figure}."}
    )
    page = manager.get(url(draft))
    view = next(b for s in page.context["sections"] for b in s.blocks if b.block == narrative)
    assert '<span class="ref">' in view.preview["html"]  # the live figure
    assert 'class="ref-error"' in page.text  # marked where it is written
    assert any("no-such-figure" in e for e in view.errors)
    assert "1 reference cannot be shown" in page.text
    # The figures block of local economies shows its cards.
    figures = block(draft, "local_economies", "figures")
    assert 'data-code="bsp-packages"' in page.text
    assert page.context["preview"].blocks[figures.pk]["type"] == "figures"
    # Publishing waits until the reference is fixed.
    response = manager.post(url(draft, "publish/"))
    assert response.status_code == 400 and Snapshot.objects.get(pk=draft.pk).status == "draft"


def test_proposed_sentences_are_asked_for_and_added_to_the_narrative(manager, draft, world):
    world.deliver(on=dt.date(2018, 2, 1), households=10, units=10)
    recompute()
    economies = section(draft, "local_economies")
    page = manager.get(url(draft))
    assert "Propose sentences" in page.text and "Add to narrative" not in page.text
    page = manager.get(url(draft) + f"?propose={economies.pk}")
    view = next(s for s in page.context["sections"] if s.section == economies)
    assert view.proposed and view.sentences
    assert "Add to narrative" in page.text
    sentence = view.sentences[0]
    assert "{" in sentence  # its numbers are live references
    manager.post(url(draft, f"sections/{economies.pk}/sentence/"), {"sentence": sentence})
    manager.post(url(draft, f"sections/{economies.pk}/sentence/"), {"sentence": "Again."})
    assert block(draft, "local_economies", "narrative").content["text"] == f"{sentence}\n\nAgain."


def test_a_sentence_for_a_section_without_narrative_starts_one(manager, draft):
    social = section(draft, "social_services")
    social.blocks.filter(kind="narrative").delete()
    manager.post(url(draft, f"sections/{social.pk}/sentence/"), {"sentence": "Ten schools."})
    assert social.blocks.get(kind="narrative").content == {"text": "Ten schools."}


def test_the_preview_adapter_maps_payload_blocks_and_errors(draft, monkeypatch):
    import sys
    import types

    authoring.block_update(
        block=block(draft, "human_capital", "narrative"), content={"text": "Some text"}
    )
    sections = list(draft.sections.prefetch_related("blocks"))
    human = sections[0]
    blocks = list(human.blocks.all())
    payload = {
        "sections": [
            {
                "key": "human_capital",
                "blocks": [{"type": b.kind, "html": "<p>x</p>"} for b in blocks],
            }
        ]
    }
    errors = [
        {"section": "human_capital", "block": blocks[0].pk, "message": "Unknown"},
        {"section": "human_capital", "block": None, "message": "Footnote"},
    ]
    module = types.ModuleType("snapshots.build")
    module.snapshot_document = lambda snapshot, previous=None: (payload, errors)
    monkeypatch.setitem(sys.modules, "snapshots.build", module)
    preview = views_authoring.draft_preview(draft, sections)
    assert set(preview.blocks) == {b.pk for b in blocks}
    assert preview.blocks[blocks[0].pk]["html"] == "<p>x</p>"
    assert preview.block_errors == {blocks[0].pk: ["Unknown"]}
    assert preview.section_errors == {"human_capital": ["Footnote"]}

    def broken(snapshot, previous=None):
        raise RuntimeError("boom")

    module.snapshot_document = broken
    assert views_authoring.draft_preview(draft, sections).failed


def test_the_page_does_not_grow_in_queries_with_its_blocks(
    manager, draft, django_assert_max_num_queries
):
    manager.get(url(draft))
    social = section(draft, "social_services")
    for kind in ["narrative", "figures", "table", "gender", "story"] * 2:
        authoring.block_add(section=social, kind=kind)
    # The draft page's bound (aggregate survey results included), whatever its blocks.
    with django_assert_max_num_queries(54):
        page = manager.get(url(draft))
    assert page.status_code == 200
