"""The review workflow in the admin: the status of a visit, of its assistance
and of its feedback cannot be typed in a form, and "Approve" and "Return
(with reason)" move visits as the pages do: records in step, history kept,
figures recomputed, and only the visits the user may review."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import AssistanceRecord, MonitoringVisit
from tests.beneficiaries.test_services import DAY, build_world, draft, line
from tests.indicators.conftest import define, value
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:beneficiaries_monitoringvisit_changelist")


@shared_for_module
def world():
    world = build_world()
    world["admin"].is_staff = world["admin"].is_superuser = True
    world["admin"].save()
    return world


def submitted(world) -> MonitoringVisit:
    visit = draft(world)
    line(visit, world)
    services.visit_submit(visit=visit, user=world["alice"])
    return visit


def staff(client, user, *permissions):
    """``client`` signed in as ``user``, made staff with ``permissions``."""
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    client.force_login(user)
    return client


def test_the_status_cannot_be_changed_in_the_visit_form(client, world):
    visit = submitted(world)
    client.force_login(world["admin"])
    url = reverse("admin:beneficiaries_monitoringvisit_change", args=[visit.pk])
    page = client.get(url).content.decode()
    assert 'name="status"' not in page and 'name="reviewed_by"' not in page
    response = client.post(
        url,
        {
            "project": visit.project_id,
            "monitor": visit.monitor_id,
            "visit_date": DAY.isoformat(),
            "findings": "Changed by the officer.",
            "status": "approved",
            "reviewed_by": world["admin"].pk,
            **{
                f"{prefix}-{key}": value
                for prefix in ("referrals", "photos")
                for key, value in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    visit.refresh_from_db()
    assert visit.findings == "Changed by the officer."
    assert (visit.status, visit.reviewed_by) == ("submitted", None)


def test_the_status_cannot_be_changed_in_the_assistance_or_feedback_form(client, world):
    visit = submitted(world)
    record = visit.assistance.get()
    client.force_login(world["admin"])
    for url in (
        reverse("admin:beneficiaries_assistancerecord_change", args=[record.pk]),
        reverse("admin:beneficiaries_feedbackresponse_add"),
    ):
        page = client.get(url).content.decode()
        assert 'name="status"' not in page, url


def test_approve_from_the_list_approves_the_records_and_recomputes(
    client, world, eager_tasks, django_capture_on_commit_callbacks
):
    define("units", source="assistance", measure="units")
    visit = submitted(world)
    client.force_login(world["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST, {"action": "approve_visits", "_selected_action": [visit.pk]}, follow=True
        )
    assert "1 visit approved." in response.content.decode()
    visit.refresh_from_db()
    assert (visit.status, visit.reviewed_by) == ("approved", world["admin"])
    assert AssistanceRecord.objects.get(visit=visit).status == "approved"
    assert visit.history.first().history_change_reason == "Approved"
    assert value("units") == 4


def test_return_asks_for_a_reason_first(client, world):
    visit = submitted(world)
    client.force_login(world["admin"])
    form = {"action": "return_visits", "_selected_action": [visit.pk]}
    page = client.post(CHANGELIST, form)
    assert page.status_code == 200
    assert "Return visits to their monitors" in page.content.decode()
    assert MonitoringVisit.objects.get(pk=visit.pk).status == "submitted"

    empty = client.post(CHANGELIST, {**form, "apply": "1", "reason": "  "})
    assert "This field is required." in empty.content.decode()
    assert MonitoringVisit.objects.get(pk=visit.pk).status == "submitted"

    done = client.post(
        CHANGELIST, {**form, "apply": "1", "reason": "Count the households again."}, follow=True
    )
    assert "1 visit returned to its monitor." in done.content.decode()
    visit.refresh_from_db()
    assert (visit.status, visit.return_reason) == ("returned", "Count the households again.")
    assert AssistanceRecord.objects.get(visit=visit).status == "returned"


def test_an_action_moves_only_the_visits_the_user_may_review(client, world):
    ours = submitted(world)
    own = draft(world, user=world["admin"])  # an administrator never reviews their own visit
    line(own, world, user=world["admin"])
    services.visit_submit(visit=own, user=world["admin"])
    staff(client, world["mark"], "change_monitoringvisit", "view_monitoringvisit")
    response = client.post(
        CHANGELIST,
        {"action": "approve_visits", "_selected_action": [ours.pk, own.pk]},
        follow=True,
    )
    # mark manages another programme: he may review neither.
    assert "you may not review this visit." in response.content.decode()
    assert set(MonitoringVisit.objects.values_list("status", flat=True)) == {"submitted"}

    client.force_login(world["admin"])
    response = client.post(
        CHANGELIST,
        {"action": "approve_visits", "_selected_action": [ours.pk, own.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "1 visit approved." in text and "you may not review this visit." in text
    assert MonitoringVisit.objects.get(pk=ours.pk).status == "approved"
    assert MonitoringVisit.objects.get(pk=own.pk).status == "submitted"


def test_a_draft_cannot_be_approved_from_the_list(client, world):
    visit = draft(world)
    client.force_login(world["admin"])
    response = client.post(
        CHANGELIST, {"action": "approve_visits", "_selected_action": [visit.pk]}, follow=True
    )
    assert "Only a visit waiting for review can be approved." in response.content.decode()
    assert MonitoringVisit.objects.get(pk=visit.pk).status == "draft"
