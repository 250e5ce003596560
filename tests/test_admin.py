"""The admin, as an information-management officer uses it: every page opens,
lists stay cheap on big tables, history says who changed what, and personal
data in photos does not get in through an upload."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from io import BytesIO

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from simple_history.admin import SimpleHistoryAdmin

from beneficiaries.admin import EstimatedCountPaginator
from beneficiaries.models import (
    RECIPIENT_FIELDS,
    ActivityType,
    Answer,
    AssistanceRecord,
    Beneficiary,
    FeedbackResponse,
    MonitoringVisit,
    Photo,
    Question,
    Referral,
    Survey,
)
from beneficiaries.models_splits import splits_resolve
from programmes.models import (
    Contribution,
    Donor,
    ExchangeRate,
    Governorate,
    Portfolio,
    Programme,
    Project,
    Sector,
    UserProfile,
)

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
OUR_MODELS = [
    model for model in REGISTERED if model._meta.app_label in {"programmes", "beneficiaries"}
]
HISTORY_MODELS = [
    model for model in REGISTERED if isinstance(admin.site._registry[model], SimpleHistoryAdmin)
]


def label(model) -> str:
    return model._meta.label


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def jpeg_with_gps() -> bytes:
    """A small JPEG whose EXIF holds a GPS position, as a phone camera writes it."""
    image = Image.new("RGB", (16, 12), "green")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (36.0, 11.0, 27.0)  # Kirkuk-ish latitude
    gps[3] = "E"
    gps[4] = (44.0, 23.0, 31.0)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def monitor(db):
    return monitor_create()


def monitor_create() -> User:
    return User.objects.create_user("monitor1", password="not-used-here")


@pytest.fixture
def project(db):
    return project_create()


def project_create() -> Project:
    donor = Donor.objects.create(name="United States of America", code="USA")
    programme = Programme.objects.create(
        code="CRP",
        name="Community Revitalization Programme",
        outcome_area=Programme.OutcomeArea.LOCAL_ECONOMIES,
        start_date=datetime.date(2023, 1, 1),
    )
    Contribution.objects.create(
        donor=donor,
        programme=programme,
        amount=Decimal("19300000"),
        amount_usd=Decimal("19300000"),
        date=datetime.date(2023, 2, 1),
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2024, 12, 31),
    )
    ExchangeRate.objects.create(
        currency="EUR", valid_from=datetime.date(2023, 1, 1), usd_per_unit=Decimal("1.07")
    )
    Portfolio.objects.create(code="CRP-ALL", name="Community revitalization").programmes.add(
        programme
    )
    sector = Sector.objects.create(code="livelihoods", name="Livelihoods")
    return Project.objects.create(
        code="CRP-KRK-001",
        name="Business support packages, Kirkuk",
        programme=programme,
        governorate=Governorate.objects.get(pcode="IQG13"),
        sector=sector,
        kind=Project.Kind.LIVELIHOODS,
        status=Project.Status.ONGOING,
        donor=donor,
        start_date=datetime.date(2023, 3, 1),
        budget_usd=Decimal("250000"),
    )


@pytest.fixture
def activity_type(db):
    return activity_type_create()


def activity_type_create() -> ActivityType:
    return ActivityType.objects.create(code="bsp", name="Business support package", unit="package")


def make_record(project, activity_type, **fields) -> AssistanceRecord:
    # The cells with their splits, as the services store them.
    cells = {"f_18_59_idp": 2, "m_18_59_idp": 1}
    record = AssistanceRecord.objects.create(
        project=project,
        activity_type=activity_type,
        delivered_on=fields.pop("delivered_on", datetime.date(2024, 5, 12)),
        units=1,
        households=1,
        people=3,
        **splits_resolve(cells),
        **fields,
    )
    return record


@pytest.fixture
def records(project, activity_type, monitor, media):
    return records_create(project, activity_type, monitor)


def records_create(project, activity_type, monitor) -> Project:
    """One row of every model the admin shows, around ``project``."""
    from programmes.models import ProjectPlace

    ProjectPlace.objects.create(project=project, governorate=project.governorate)
    UserProfile.objects.create(user=monitor, role=UserProfile.Role.MONITOR).governorates.add(
        project.governorate
    )
    visit = MonitoringVisit.objects.create(
        project=project, monitor=monitor, visit_date=datetime.date(2024, 5, 12)
    )
    Referral.objects.create(visit=visit, issue="Broken generator", referred_to="Municipality")
    Photo.objects.create(
        visit=visit,
        image=SimpleUploadedFile("shop.jpg", jpeg_with_gps(), content_type="image/jpeg"),
        caption="A new grocery shop",
        credit="IOM Iraq",
    )
    beneficiary = Beneficiary.objects.create(
        full_name="Amina Hassan",
        sex="f",
        age_group="18-59",
        population_group="idp",
        governorate=project.governorate,
    )
    make_record(project, activity_type, visit=visit, beneficiary=beneficiary)
    survey = Survey.objects.create(code="satisfaction", title="Satisfaction survey")
    question = Question.objects.create(
        survey=survey,
        code="satisfied",
        text="How satisfied are you?",
        kind=Question.Kind.LIKERT,
        choices=[["5", "Very satisfied"], ["1", "Very dissatisfied"]],
    )
    response = FeedbackResponse.objects.create(
        survey=survey, project=project, visit=visit, collected_on=datetime.date(2024, 5, 12)
    )
    Answer.objects.create(response=response, question=question, value="5")
    from beneficiaries.survey_results import SurveyResult, SurveyResultCount

    result = SurveyResult.objects.create(
        survey=survey, project=project, collected_on=datetime.date(2024, 5, 31), base=273
    )
    SurveyResultCount.objects.create(result=result, question=question, value="5", count=126)
    from indicators.engine import recompute_full
    from indicators.models import IndicatorDefinition, RecomputeJob

    people = IndicatorDefinition.objects.create(
        code="people", name="People", source="assistance", measure="people"
    )
    from indicators.models import Target

    Target.objects.create(
        definition=people,
        project=project,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
        value=Decimal("500"),
    )
    RecomputeJob.objects.create(kind=RecomputeJob.Kind.FULL)
    recompute_full()
    from django.utils import timezone

    from beneficiaries.models import ImportBatch

    ImportBatch.objects.create(
        id=uuid.uuid4(),
        owner=monitor,
        filename="list.csv",
        format="csv",
        language="en",
        state=ImportBatch.State.DONE,
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    from programmes.models import OutboxTask

    OutboxTask.objects.create(kind="indicators.full_recompute", payload={"job_id": 1})
    from beneficiaries.models import VisitLocation
    from programmes.models import Notification, NotificationPreference

    VisitLocation.objects.create(
        visit=visit, latitude=35.4, longitude=44.4, accuracy_m=12, captured_at=timezone.now()
    )
    Notification.objects.create(user=monitor, kind="visit_returned", params={"reason": "Redo"})
    NotificationPreference.objects.create(user=monitor, kind="review_digest", in_app=False)
    from beneficiaries.models import SharedReach

    SharedReach.objects.create(households=110, people=110)
    return project


def test_every_model_of_the_domain_is_registered():
    domain = set(apps.get_app_config("programmes").get_models()) | set(
        apps.get_app_config("beneficiaries").get_models()
    )
    historical = {model for model in domain if model.__name__.startswith("Historical")}
    missing = domain - historical - set(admin.site._registry)
    assert not missing


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_changelist_opens(admin_client, model):
    response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_add_page_opens(admin_client, admin_user, rf, model):
    request = rf.get("/")
    request.user = admin_user
    # django-axes' logs, indicator values, recomputation jobs, imports and the
    # outbox are written only by their code: their admins refuse additions by design.
    addable = admin.site._registry[model].has_add_permission(request)
    assert addable or model._meta.label in {
        "axes.AccessAttempt",
        "axes.AccessFailureLog",
        "axes.AccessLog",
        "indicators.IndicatorValue",
        "indicators.RecomputeJob",
        "beneficiaries.ImportBatch",
        "programmes.OutboxTask",  # written with the change that asks for the work
        "programmes.Notification",  # written by the services that tell users
        "beneficiaries.VisitLocation",  # written by the visit form and the API
        "beneficiaries.SharedReach",  # written with its lines (form, API, import)
        "snapshots.Snapshot",  # made by services.snapshot_create only
        "snapshots.SnapshotSeries",  # made by the snapshot pages and API (its portfolio key)
        "snapshots.SnapshotDownload",  # a log
        "programmes.ProjectPlace",  # written through the project's "places covered"
    }

    response = admin_client.get(admin_url(model, "add"))
    assert response.status_code == (200 if addable else 403)


def test_history_says_who_changed_a_project(admin_client, admin_user, project):
    url = admin_url(Project, "change", project.pk)
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data["status"] = Project.Status.COMPLETED
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    latest = project.history.latest("history_date")
    assert latest.status == Project.Status.COMPLETED
    assert latest.history_user == admin_user
    history = admin_client.get(admin_url(Project, "history", project.pk))
    assert admin_user.username in history.content.decode()


def test_non_staff_user_is_sent_to_the_admin_login(client, monitor):
    client.force_login(monitor)
    for url in ["/admin/", admin_url(AssistanceRecord, "changelist")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_user_is_sent_to_log_in(client):
    # The site-wide LoginRequiredMiddleware answers before the admin does.
    response = client.get(admin_url(Beneficiary, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_assistance_changelist_queries_do_not_grow_with_rows(
    admin_client, project, activity_type, django_assert_max_num_queries
):
    url = admin_url(AssistanceRecord, "changelist")
    make_record(project, activity_type)
    with CaptureQueriesContext(connection) as one_row:
        admin_client.get(url)

    for day in range(29):
        make_record(project, activity_type, delivered_on=datetime.date(2024, 1, 1 + day))
    # Session, user, the filters' small tables, count and one page of rows:
    # the same queries for 1 row as for 30, and so as for a million.
    with django_assert_max_num_queries(min(len(one_row), 9)):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 30
    assert "CRP-KRK-001" in response.content.decode()

    with django_assert_max_num_queries(9):
        response = admin_client.get(url, {"status__exact": "draft", "delivered_year": "2024"})
    assert response.context["cl"].result_count == 30
    # No "30 results (30 total)": that second count would scan a big table.
    assert response.context["cl"].full_result_count is None


def test_big_list_takes_an_unfiltered_count_from_statistics(project, activity_type):
    for _ in range(3):
        make_record(project, activity_type)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE beneficiaries_assistancerecord")
    make_record(project, activity_type)  # not in the statistics yet

    class Paginator(EstimatedCountPaginator):
        exact_below = 1

    assert Paginator(AssistanceRecord.objects.order_by("pk"), 100).count == 3
    filtered = AssistanceRecord.objects.filter(status="draft").order_by("pk")
    assert Paginator(filtered, 100).count == 4
    # A small table is always counted exactly.
    assert EstimatedCountPaginator(AssistanceRecord.objects.order_by("pk"), 100).count == 4


def test_governorate_page_summarises_the_boundary_and_edits_aliases(admin_client):
    kirkuk = Governorate.objects.get(pcode="IQG13")
    boundary = kirkuk.boundary
    url = admin_url(Governorate, "change", kirkuk.pk)

    page = admin_client.get(url).content.decode()
    assert "vertices" in page
    assert str(boundary["coordinates"][0][0][0]) not in page
    listing = admin_client.get(admin_url(Governorate, "changelist")).content.decode()
    assert "coordinates" not in listing

    response = admin_client.post(
        url,
        {
            "pcode": kirkuk.pcode,
            "iso_3166_2": kirkuk.iso_3166_2,
            "name_iom": kirkuk.name_iom,
            "name_en": kirkuk.name_en,
            "name_ar": kirkuk.name_ar,
            "aliases": "Kirkuk\n  Karkuk \n\nTa'mim\nKirkuk",
        },
    )
    assert response.status_code == 302
    kirkuk.refresh_from_db()
    assert kirkuk.aliases == ["Kirkuk", "Karkuk", "Ta'mim"]
    assert kirkuk.boundary == boundary

    found = admin_client.get(admin_url(Governorate, "changelist"), {"q": "karkuk"})
    assert list(found.context["cl"].result_list) == [kirkuk]


def test_officer_assigns_a_monitor_to_governorates_on_the_user_page(admin_client, monitor):
    url = admin_url(User, "change", monitor.pk)
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in ((name, form[name].value()) for name in form.fields)
        if value is not None and name != "password"
    }
    data.pop("last_login", None)
    data.update(
        {
            "date_joined_0": monitor.date_joined.date().isoformat(),
            "date_joined_1": "08:00:00",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-role": UserProfile.Role.MONITOR,
            "profile-0-governorates": [
                Governorate.objects.get(pcode="IQG13").pk,
                Governorate.objects.get(pcode="IQG15").pk,
            ],
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors

    profile = UserProfile.objects.get(user=monitor)
    assert profile.role == UserProfile.Role.MONITOR
    assert sorted(profile.governorates.values_list("pcode", flat=True)) == ["IQG13", "IQG15"]


def test_photo_uploaded_in_the_admin_loses_its_location(admin_client, records, media):
    visit = MonitoringVisit.objects.get()
    upload = SimpleUploadedFile("field.jpg", jpeg_with_gps(), content_type="image/jpeg")
    with Image.open(BytesIO(jpeg_with_gps())) as original:
        assert original.getexif().get_ifd(0x8825)  # the test photo does carry GPS

    response = admin_client.post(
        admin_url(Photo, "add"),
        {"visit": visit.pk, "image": upload, "caption": "Training day", "credit": "IOM"},
    )
    assert response.status_code == 302

    photo = Photo.objects.get(caption="Training day")
    with Image.open(photo.image.path) as stored:
        assert stored.size == (16, 12)
        assert not stored.getexif()
        assert "exif" not in stored.info


def test_recipients_entered_in_the_admin_never_exceed_the_people(
    admin_client, project, activity_type
):
    def post(women, men):
        data = {
            "project": project.pk,
            "activity_type": activity_type.pk,
            "delivered_on": "2024-06-02",
            "status": "draft",
            "units": "2",
            "households": "2",
            "people": "5",
            **{field: "0" for field in RECIPIENT_FIELDS},
            "f_18_59_returnee": str(women),
            "m_18_59_returnee": str(men),
        }
        return admin_client.post(admin_url(AssistanceRecord, "add"), data)

    refused = post(4, 2)
    assert refused.status_code == 200
    assert "add up to 6, more than the 5 people" in refused.content.decode()
    assert not AssistanceRecord.objects.exists()

    accepted = post(3, 2)
    assert accepted.status_code == 302, accepted.context["adminform"].form.errors
    record = AssistanceRecord.objects.get()
    assert record.recipients() == {("f", "18-59", "returnee"): 3, ("m", "18-59", "returnee"): 2}
    assert (record.sex_f, record.sex_m, record.pop_returnee) == (3, 2, 5)  # the cells' sums


def test_a_project_given_only_its_district_takes_the_governorate_from_it(admin_client, project):
    from programmes.models import District

    url = admin_url(Project, "change", project.pk)
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data["governorate"] = ""
    data["district"] = District.objects.get(pcode="IQG15Q05").pk
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert (project.governorate.pcode, project.district.pcode) == ("IQG15", "IQG15Q05")

    data["governorate"] = project.governorate.pk
    data["district"] = District.objects.get(pcode="IQG13Q01").pk
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["district"] == [
        "Al-Hawiga is in Kirkuk, not in Ninewa."
    ]
