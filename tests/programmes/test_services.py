"""The writes of the portfolio's reference data and funding: what an
administrator changes counts on the dashboards at once, is refused by field
when it breaks a rule, and names them in the history, whether it comes from
the API, the admin or a page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from indicators.models import RecomputeJob
from programmes import services
from programmes.models import Contribution, Donor, Programme, Project
from tests.factories import DonorFactory, ProgrammeFactory, ProjectFactory, UserFactory
from tests.indicators.conftest import define, value

pytestmark = pytest.mark.django_db

DAY = dt.date(2018, 3, 1)


def contribution_fields(programme, donor, amount="1000.00") -> dict:
    return {
        "donor": donor,
        "programme": programme,
        "amount_usd": Decimal(amount),
        "date": DAY,
        "period_start": DAY,
        "period_end": DAY + dt.timedelta(days=364),
    }


@pytest.fixture
def usd():
    return define("contributions-usd", source="contributions", measure="usd")


def test_a_contribution_counts_as_soon_as_it_is_written_changed_or_deleted(
    usd, eager_tasks, django_capture_on_commit_callbacks
):
    officer = UserFactory()
    first, second = ProgrammeFactory(), ProgrammeFactory()
    donor = DonorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        contribution = services.contribution_create(
            user=officer, fields=contribution_fields(first, donor)
        )
    assert value("contributions-usd", programme=first) == 1000

    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_update(
            contribution=contribution,
            user=officer,
            fields={"programme": second, "amount_usd": Decimal("250.00")},
        )
    assert value("contributions-usd", programme=first) is None
    assert value("contributions-usd", programme=second) == 250
    assert contribution.history.first().history_user == officer

    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_delete(contribution=contribution, user=officer)
    assert not Contribution.objects.exists()
    assert value("contributions-usd", programme=second) is None


def test_an_admin_form_copy_is_recomputed_from_what_was_stored(
    usd, eager_tasks, django_capture_on_commit_callbacks
):
    # The admin hands the service a contribution that already holds the new
    # values: the figures of the programme it left must still be recomputed.
    officer = UserFactory()
    first, second = ProgrammeFactory(), ProgrammeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        contribution = services.contribution_create(
            user=officer, fields=contribution_fields(first, DonorFactory())
        )
    contribution.programme = second
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_update(contribution=contribution, user=officer, fields={})
    assert value("contributions-usd", programme=first) is None
    assert value("contributions-usd", programme=second) == 1000


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"amount_usd": Decimal("-5")}, "__all__"),
        ({"period_end": DAY - dt.timedelta(days=1)}, "__all__"),
        ({"reference": "x" * 101}, "reference"),
    ],
)
def test_a_bad_contribution_is_refused_by_field_and_not_stored(changes, field):
    fields = {**contribution_fields(ProgrammeFactory(), DonorFactory()), **changes}
    with pytest.raises(ValidationError) as error:
        services.contribution_create(user=UserFactory(), fields=fields)
    assert field in error.value.message_dict
    assert not Contribution.objects.exists()


def test_a_project_outside_its_programme_is_refused_on_its_date():
    project = ProjectFactory()
    programme_start = project.programme.start_date
    with pytest.raises(ValidationError) as error:
        services.project_update(
            project=project,
            user=UserFactory(),
            fields={"start_date": programme_start - dt.timedelta(days=1)},
        )
    assert list(error.value.message_dict) == ["start_date"]
    assert Project.objects.get(pk=project.pk).start_date != programme_start - dt.timedelta(days=1)


def test_a_project_or_programme_change_queues_a_full_recomputation():
    officer = UserFactory()
    project = ProjectFactory()
    services.project_update(project=project, user=officer, fields={"status": "completed"})
    assert Project.objects.get(pk=project.pk).status == "completed"
    assert project.history.first().history_user == officer
    services.programme_update(
        programme=project.programme, user=officer, fields={"name": "Renamed programme"}
    )
    jobs = RecomputeJob.objects.filter(kind=RecomputeJob.Kind.FULL, requested_by=officer)
    assert jobs.count() == 2


def test_a_donor_is_created_changed_and_kept_while_projects_refer_to_it():
    officer = UserFactory()
    donor = services.donor_create(user=officer, fields={"code": "SWE", "name": "Sweden"})
    services.donor_update(donor=donor, user=officer, fields={"kind": "institution"})
    assert Donor.objects.get(code="SWE").kind == "institution"
    ProjectFactory(donor=donor)
    with pytest.raises(ProtectedError):
        services.donor_delete(donor=donor, user=officer)
    assert Donor.objects.filter(code="SWE").exists()
    assert not RecomputeJob.objects.exists()  # a donor counts in nothing by itself


def test_a_service_writes_only_the_models_own_editable_fields():
    programme = ProgrammeFactory()
    with pytest.raises(TypeError):
        services.programme_update(programme=programme, user=UserFactory(), fields={"id": 99})
    with pytest.raises(TypeError):
        services.programme_update(programme=programme, user=UserFactory(), fields={"owner": 1})


# --- The admin goes through the same services -----------------------------------------


def test_a_contribution_added_on_the_programme_page_counts_at_once(
    admin_client, admin_user, usd, eager_tasks, django_capture_on_commit_callbacks
):
    programme = ProgrammeFactory()
    donor = DonorFactory()
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    form = {
        "code": programme.code,
        "name_en": programme.name,
        "outcome_area": programme.outcome_area,
        "description_en": "",
        "start_date": programme.start_date.isoformat(),
        "end_date": "",
        "contributions-TOTAL_FORMS": "1",
        "contributions-INITIAL_FORMS": "0",
        "contributions-MIN_NUM_FORMS": "0",
        "contributions-MAX_NUM_FORMS": "1000",
        "contributions-0-donor": donor.pk,
        "contributions-0-currency": "USD",
        "contributions-0-amount": "5000",
        "contributions-0-date": DAY.isoformat(),
        "contributions-0-period_start": DAY.isoformat(),
        "contributions-0-period_end": "2018-12-31",
        "contributions-0-reference": "GRANT-1",
        "contributions-0-programme": programme.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    contribution = Contribution.objects.get(reference="GRANT-1")
    assert contribution.history.first().history_user == admin_user
    assert value("contributions-usd", programme=programme) == 5000


def test_a_project_added_in_the_admin_is_saved_by_the_service(admin_client, admin_user):
    template = ProjectFactory()
    response = admin_client.post(
        reverse("admin:programmes_project_add"),
        {
            "code": "NEW-1",
            "name_en": "New clinic",
            "programme": template.programme.pk,
            "kind": "infrastructure",
            "sector": template.sector.pk,
            "status": "ongoing",
            "governorate": template.governorate.pk,
            "district": "",
            "community": "",
            "donor": template.donor.pk,
            "budget_usd": "1000",
            "start_date": template.start_date.isoformat(),
            "end_date": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(code="NEW-1")
    # The admin's log names the row the service saved.
    assert LogEntry.objects.get(action_flag=ADDITION).object_id == str(project.pk)
    assert project.history.first().history_user == admin_user
    assert RecomputeJob.objects.filter(requested_by=admin_user).exists()


def test_deleting_a_programme_in_the_admin_goes_through_the_service(admin_client, admin_user):
    programme = ProgrammeFactory()
    response = admin_client.post(
        reverse("admin:programmes_programme_delete", args=[programme.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Programme.objects.filter(pk=programme.pk).exists()
    assert Programme.history.filter(history_type="-").get().history_user == admin_user
    assert RecomputeJob.objects.filter(requested_by=admin_user).exists()
