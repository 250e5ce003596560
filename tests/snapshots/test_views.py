"""Who sees which snapshot, on every page: donors only published snapshots of
what they fund, managers drafts of their portfolios, nobody else anything."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from snapshots import services
from snapshots.access import snapshots_for_user
from snapshots.models import Snapshot, SnapshotDownload
from tests.shared_data import built_for_module, for_test
from tests.snapshots.conftest import Q1, Q2, recompute

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "admin", "manager", "outsider_manager", "monitor", "donor", "other_donor"]
SEES_PUBLISHED = {"admin", "manager", "donor"}
SEES_DRAFT = {"admin", "manager"}


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    monkeypatch.setattr(services, "_render", lambda payload, progress=None: b"%PDF-1.7 fake")


def with_pdf(snapshot: Snapshot, content: bytes = b"%PDF-1.7 stored") -> Snapshot:
    snapshot.pdf.save("snapshot.pdf", ContentFile(content), save=False)
    snapshot.pdf_status = Snapshot.PdfStatus.DONE
    snapshot.pdf_progress = 100
    snapshot.save()
    return snapshot


def snapshots_create(world, users) -> dict[str, Snapshot]:
    """A published snapshot of Q1 and a draft of Q2, each with its stored PDF."""
    world.deliver(on=dt.date(2018, 2, 1), households=10, units=10)
    recompute()
    published = services.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )
    published = with_pdf(services.snapshot_publish(snapshot=published, user=users.manager))
    draft = with_pdf(
        services.snapshot_create(programmes=[world.programme], period_end=Q2, user=users.manager),
        b"%PDF-1.7 draft preview",
    )
    return {"published": published, "draft": draft}


@pytest.fixture(scope="module")
def _snapshots_for_module(request, _world_for_module, _users_for_module, django_db_blocker):
    yield from built_for_module(
        request,
        django_db_blocker,
        lambda: snapshots_create(_world_for_module, _users_for_module),
    )


@pytest.fixture
def snapshots(_snapshots_for_module, world, users) -> dict[str, Snapshot]:
    """``snapshots_create()``'s two snapshots, made once for the module's
    tests (``tests/shared_data.py``): the engine run, the publication and
    the two PDFs' files cost about half a second a test, for 47 tests."""
    return for_test(_snapshots_for_module, lambda: snapshots_create(world, users))


def login(client, users, role):
    if role != "anonymous":
        client.force_login(getattr(users, role))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_list(client, users, snapshots, role):
    response = login(client, users, role).get("/snapshots/")
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 200
    shown = {s.pk for s in response.context["snapshots"]}
    expected = set()
    if role in SEES_PUBLISHED:
        expected.add(snapshots["published"].pk)
    if role in SEES_DRAFT:
        expected.add(snapshots["draft"].pk)
    assert shown == expected
    if not expected:
        assert 'class="empty"' in response.text  # an empty state that says what to do


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["published", "draft"])
def test_detail(client, users, snapshots, role, which):
    response = login(client, users, role).get(f"/snapshots/{snapshots[which].pk}/")
    allowed = SEES_PUBLISHED if which == "published" else SEES_DRAFT
    if role == "anonymous":
        assert response.status_code == 302
    elif role in allowed:
        assert response.status_code == 200
        assert "Rapid Recovery Programme" in response.text
        assert response.context["payload"]["status"] == which
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["published", "draft"])
def test_download(client, users, snapshots, role, which):
    snapshot = snapshots[which]
    response = login(client, users, role).get(f"/snapshots/{snapshot.pk}/pdf/download/")
    allowed = SEES_PUBLISHED if which == "published" else SEES_DRAFT
    if role == "anonymous":
        assert response.status_code == 302
        assert not SnapshotDownload.objects.exists()
    elif role in allowed:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        body = b"".join(response.streaming_content)
        assert body == (b"%PDF-1.7 stored" if which == "published" else b"%PDF-1.7 draft preview")
        log = SnapshotDownload.objects.get()
        assert (log.user, log.snapshot, log.kind, log.status) == (
            getattr(users, role),
            snapshot,
            "pdf",
            which,
        )
    else:
        assert response.status_code == 404
        assert not SnapshotDownload.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_publish(client, users, snapshots, role):
    draft = snapshots["draft"]
    response = login(client, users, role).post(f"/snapshots/{draft.pk}/publish/")
    draft.refresh_from_db()
    if role in SEES_DRAFT:
        assert response.status_code == 302
        assert response["Location"] == f"/snapshots/{draft.pk}/pdf/status/"
        assert draft.status == "published" and draft.published_by == getattr(users, role)
        assert draft.previous == snapshots["published"]
    else:
        assert response.status_code in (302, 404) if role == "anonymous" else 404
        assert draft.status == "draft"


def test_publish_needs_post(client, users, snapshots):
    client.force_login(users.manager)
    response = client.get(f"/snapshots/{snapshots['draft'].pk}/publish/")
    assert response.status_code == 405


@pytest.mark.parametrize("role", ROLES)
def test_create_page(client, users, world, role):
    response = login(client, users, role).get("/snapshots/new/")
    if role == "anonymous":
        assert response.status_code == 302
    elif role in ("admin", "manager"):
        assert response.status_code == 200
        offered = set(response.context["form"].fields["programmes"].queryset)
        assert offered == (
            {world.programme} if role == "manager" else {world.programme, world.other}
        )
    elif role == "outsider_manager":
        assert response.status_code == 200
        assert set(response.context["form"].fields["programmes"].queryset) == {world.other}
    else:
        assert response.status_code == 404


def test_donor_does_not_see_a_portfolio_with_a_programme_it_does_not_fund(users, world):
    both = services.snapshot_create(
        programmes=[world.programme, world.other], period_end=Q1, user=users.admin
    )
    services.snapshot_publish(snapshot=both, user=users.admin)
    assert not snapshots_for_user(users.donor).filter(pk=both.pk).exists()
    # Nor a manager of only one of its programmes.
    assert not snapshots_for_user(users.manager).filter(pk=both.pk).exists()
    assert snapshots_for_user(users.admin).filter(pk=both.pk).exists()


def test_donor_cannot_ask_for_a_draft_preview(client, users, snapshots):
    client.force_login(users.donor)
    response = client.post(f"/snapshots/{snapshots['draft'].pk}/pdf/")
    assert response.status_code == 404


def test_detail_shows_markers_and_corrections(client, users, world, snapshots):
    # A Q1 delivery approved after Q1 was published, and more in Q2.
    world.deliver(on=dt.date(2018, 3, 3), households=5, units=5)
    world.deliver(on=dt.date(2018, 5, 3), activity=world.cfw, households=7, people=7)
    recompute()
    client.force_login(users.manager)
    response = client.get(f"/snapshots/{snapshots['draft'].pk}/")
    assert "corrected from previous snapshot" in response.text
    assert "Corrected from the previous snapshot" in response.text  # the corrections table
    assert 'data-code="bsp-packages"' in response.text
    assert response.context["markers"]["corrected"] >= 1
    response = client.post(f"/snapshots/{snapshots['draft'].pk}/publish/")
    response = client.get(f"/snapshots/{snapshots['draft'].pk}/")
    assert "Publish" not in response.text.split("snap-actions", 1)[1].split("</div>", 1)[0]


def test_pdf_status_page_and_json(client, users, snapshots):
    draft = snapshots["draft"]
    Snapshot.objects.filter(pk=draft.pk).update(pdf_status="running", pdf_progress=40)
    client.force_login(users.manager)
    page = client.get(f"/snapshots/{draft.pk}/pdf/status/")
    assert page.status_code == 200 and 'value="40"' in page.text
    state = client.get(f"/snapshots/{draft.pk}/pdf/status/?format=json").json()
    assert state["status"] == "running" and state["progress"] == 40 and not state["ready"]
    # While it is being made, the download sends to the progress page.
    response = client.get(f"/snapshots/{draft.pk}/pdf/download/")
    assert response.status_code == 302 and response["Location"].endswith("/pdf/status/")
    assert not SnapshotDownload.objects.exists()


def test_page_query_counts(client, users, snapshots, django_assert_max_num_queries):
    client.force_login(users.manager)
    with django_assert_max_num_queries(12):
        client.get("/snapshots/")
    with django_assert_max_num_queries(12):
        client.get(f"/snapshots/{snapshots['published'].pk}/")
    # A draft resolves its live figures: about ten queries for the sections
    # and the cover, and a fixed number for every reference at once; its
    # authoring page adds the editors' choices (sectors, photos, definitions), and
    # the feedback's aggregate survey results one more.
    with django_assert_max_num_queries(54):
        client.get(f"/snapshots/{snapshots['draft'].pk}/")


def test_a_drafts_queries_do_not_grow_with_its_references(client, users, snapshots):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from snapshots import authoring

    draft = snapshots["draft"]
    client.force_login(users.manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/snapshots/{draft.pk}/").status_code == 200
        return len(queries)

    section = draft.sections.get(key="local_economies")
    narrative = section.blocks.get(kind="narrative")
    one = "{bsp-beneficiaries governorate=IQG13} {cash-for-work governorate=IQG13 show=period}"
    authoring.block_update(block=narrative, content={"text": one})
    before = count()
    refs = " ".join(
        f"{{bsp-beneficiaries governorate={g}}} {{cash-for-work governorate={g} show=period}}"
        for g in ("IQG13", "IQG15", "IQG07", "IQG08", "IQG10")
    )
    authoring.block_update(block=narrative, content={"text": refs})
    figures = section.blocks.get(kind="figures")
    items = figures.content["items"] + [
        {"ref": f"people-reached governorate={g}"} for g in ("IQG13", "IQG15")
    ]
    authoring.block_update(block=figures, content={"items": items})
    assert count() == before
