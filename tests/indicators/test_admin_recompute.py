"""An administrator starts a full recomputation and watches its progress; an
edit in the admin recomputes what the edited record counted in."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from beneficiaries.models import AssistanceRecord
from indicators.models import RecomputeJob
from tests.factories import ProjectFactory
from tests.indicators.conftest import define, record, value

pytestmark = pytest.mark.django_db


def test_start_a_full_recomputation_and_see_it_done(
    admin_client, eager_tasks, django_capture_on_commit_callbacks
):
    define("units", source="assistance", measure="units")
    record(ProjectFactory(), on=dt.date(2018, 1, 1), units=4)
    page = admin_client.get(reverse("admin:indicators_recomputejob_changelist"))
    assert "Recompute all indicators now" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:indicators_recomputejob_start"))
    job = RecomputeJob.objects.get()
    assert response["Location"] == reverse("admin:indicators_recomputejob_change", args=[job.pk])
    assert (job.status, job.progress, job.attempts) == ("done", 100, 1)
    assert job.values_written > 0
    assert value("units") == 4
    detail = admin_client.get(response["Location"]).content.decode()
    assert "Status: Done" in detail
    assert 'http-equiv="refresh"' not in detail


def test_a_running_job_page_refreshes_itself(admin_client):
    job = RecomputeJob.objects.create(
        kind="full", status="running", progress=40, step="people reached"
    )
    page = admin_client.get(
        reverse("admin:indicators_recomputejob_change", args=[job.pk])
    ).content.decode()
    assert 'http-equiv="refresh"' in page
    assert "40% — people reached" in page


def test_a_get_does_not_start_a_recomputation(admin_client):
    admin_client.get(reverse("admin:indicators_recomputejob_start"))
    assert not RecomputeJob.objects.exists()


def test_editing_a_record_in_the_admin_recomputes_it(
    rf, admin_user, eager_tasks, django_capture_on_commit_callbacks
):
    from indicators.engine import recompute_full

    define("hh", source="assistance", measure="households")
    first, second = ProjectFactory(), ProjectFactory()
    rec = record(first, on=dt.date(2018, 1, 1), households=3, people=3)
    recompute_full()
    model_admin = admin.site._registry[AssistanceRecord]
    request = rf.post("/")
    request.user = admin_user
    rec.project = second
    rec.households = 2
    with django_capture_on_commit_callbacks(execute=True):
        model_admin.save_model(request, rec, form=None, change=True)
    assert value("hh", programme=first.programme) is None
    assert value("hh", programme=second.programme) == 2
    with django_capture_on_commit_callbacks(execute=True):
        model_admin.delete_model(request, rec)
    assert value("hh") is None


@pytest.mark.django_db
def test_the_definition_list_shows_where_each_definition_appears(admin_client):
    define("people-reached", source="assistance", measure="people", apply_multiplier=True)
    define("nfi-kits", source="assistance", measure="units", section="social_services")
    response = admin_client.get(reverse("admin:indicators_indicatordefinition_changelist"))
    html = response.content.decode()
    assert "Map and quarterly chart" in html
    assert "Access to basic services" in html
    response = admin_client.get(
        reverse("admin:indicators_indicatordefinition_changelist"), {"headline__exact": "1"}
    )
    assert "people-reached" in response.content.decode()
    assert "nfi-kits" not in response.content.decode()
