"""The demo-data generator: what ``manage.py demo_data`` loads for the demo and
for benchmarks, and that a rerun or a second database gives the same data."""

from __future__ import annotations

import hashlib
import io
import operator
from datetime import date
from functools import reduce

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum

from beneficiaries.models import (
    RECIPIENT_CELLS,
    RECIPIENT_FIELDS,
    ActivityType,
    Answer,
    AssistanceRecord,
    FeedbackResponse,
    MonitoringVisit,
    Photo,
    Question,
    Referral,
)
from demo import generate as demo
from demo import shared_reach
from demo.indicators import DEFINITIONS
from indicators.models import IndicatorDefinition
from programmes.models import (
    Contribution,
    Donor,
    Governorate,
    Programme,
    Project,
    ProjectPlace,
    Sector,
)
from snapshots.access import snapshots_for_user
from snapshots.models import Snapshot

pytestmark = pytest.mark.django_db

User = get_user_model()


def quiet(_message: str) -> None:
    pass


def fingerprint(prefix: str) -> str:
    """A checksum of the content generated for projects whose code starts with
    ``prefix`` and of the reference data: natural keys and values, never
    database ids or "now" timestamps, so two databases can be compared."""

    def rows(queryset, *fields):
        return sorted(map(repr, queryset.values_list(*fields)))

    on = {"project__code__startswith": prefix}
    parts = [
        rows(Donor.objects.all(), "code", "name", "kind"),
        rows(Programme.objects.all(), "code", "name", "outcome_area", "start_date", "end_date"),
        rows(Contribution.objects.all(), "reference", "donor__code", "programme__code", "amount_usd", "date", "period_start", "period_end"),
        rows(ActivityType.objects.all(), "code", "name", "unit", "sectors__code"),
        rows(Project.objects.filter(code__startswith=prefix), "code", "name", "programme__code", "governorate__pcode", "district__pcode", "sector__code", "kind", "status", "donor__code", "start_date", "end_date", "budget_usd"),
        rows(AssistanceRecord.objects.filter(**on), "project__code", "activity_type__code", "delivered_on", "units", "households", "people", "household_size", "status", "created_at", "visit__visit_date", "visit__monitor__username", *RECIPIENT_FIELDS),
        rows(MonitoringVisit.objects.filter(**on), "project__code", "visit_date", "monitor__username", "findings", "status", "return_reason", "submitted_at", "reviewed_at", "reviewed_by__username"),
        rows(Referral.objects.filter(visit__project__code__startswith=prefix), "visit__project__code", "visit__visit_date", "issue", "referred_to", "closed_on"),
        rows(FeedbackResponse.objects.filter(**on), "project__code", "visit__visit_date", "collected_on", "sex", "age_group", "population_group", "status"),
        rows(Answer.objects.filter(response__project__code__startswith=prefix), "response__project__code", "response__collected_on", "response__sex", "response__age_group", "question__code", "value"),
    ]  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def table_counts() -> dict[str, int]:
    """Rows in every table the generator writes, history tables included."""
    models = [Donor, Programme, Contribution, Sector, Project, ActivityType, Question, User]
    models += [
        AssistanceRecord,
        MonitoringVisit,
        Referral,
        FeedbackResponse,
        Answer,
    ]
    counts = {m.__name__: m.objects.count() for m in models}
    for model in (Donor, Programme, Contribution, Project, MonitoringVisit, AssistanceRecord):
        counts[f"history of {model.__name__}"] = model.history.count()
    return counts


def foreign_keys() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated "
            "FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2"
        )
        return cursor.fetchall()


def recipients_not_adding_up(records) -> int:
    """Records whose 32 breakdown columns do not add up to ``people`` exactly."""
    total = reduce(operator.add, (F(column) for column in RECIPIENT_FIELDS))
    return records.annotate(total=total).exclude(total=F("people")).count()


def recipients_by(records, position: int) -> dict[str, int]:
    """Recipients of ``records`` summed by sex (position 0), age group (1) or
    population group (2) of the breakdown columns."""
    sums = records.aggregate(**{column: Sum(column) for column in RECIPIENT_FIELDS})
    totals: dict[str, int] = {}
    for cell in RECIPIENT_CELLS:
        totals[cell[position]] = totals.get(cell[position], 0) + (sums[cell[3]] or 0)
    return totals


def cells_per_record(records) -> list[int]:
    """The number of non-zero breakdown columns of each record."""
    ids = list(records.values_list("id", flat=True))
    nonzero = " + ".join(f"({connection.ops.quote_name(c)} > 0)::int" for c in RECIPIENT_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {nonzero} FROM beneficiaries_assistancerecord WHERE id = ANY(%s)", [ids]
        )
        return [row[0] for row in cursor.fetchall()]


def assert_breakdown_shaped_like_the_profiles(records) -> None:
    """The breakdown follows the generator's distributions: women and men per
    activity type, age profiles (childcare reaches children only, vocational
    training no young children), refugees mostly in the Kurdistan Region. Also
    guards the column order: a cell written to the wrong column fails here."""
    assert recipients_not_adding_up(records) == 0
    assert all(1 <= n <= 4 for n in cells_per_record(records))
    by_sex = recipients_by(records, 0)
    assert 0.3 < by_sex["f"] / (by_sex["f"] + by_sex["m"]) < 0.6
    cash_for_work = recipients_by(records.filter(activity_type__code="cash-for-work"), 0)
    assert 0.1 < cash_for_work["f"] / (cash_for_work["f"] + cash_for_work["m"]) < 0.3  # about 20%
    childcare = recipients_by(records.filter(activity_type__code="childcare-services"), 1)
    assert childcare["0-5"] > 0 and childcare["6-17"] > 0
    assert childcare["18-59"] == childcare["60+"] == 0
    training = recipients_by(records.filter(activity_type__code="vocational-training"), 1)
    assert training["0-5"] == 0 and training["18-59"] > 0.7 * sum(training.values())
    kri = recipients_by(records.filter(project__governorate__pcode__in=demo.KRI), 2)
    other = recipients_by(records.exclude(project__governorate__pcode__in=demo.KRI), 2)
    assert kri["refugee"] / sum(kri.values()) > 0.1 > other["refugee"] / sum(other.values())
    assert all(v > 0 for v in recipients_by(records, 2).values())


def test_default_mode_loads_every_kind_of_data_and_the_demo_logins(client):
    out = io.StringIO()
    call_command("demo_data", "--if-empty", stdout=out)

    assert set(Programme.objects.values_list("code", flat=True)) >= {
        "CRP",
        "RRP",
        "3RP",
        "CPP",
        "SIP",
        "EDF",
    }
    assert len(set(Programme.objects.values_list("outcome_area", flat=True))) == 5
    # Every project but the national one is in a real district of its
    # governorate, named as the seeds name places.
    projects = Project.objects.filter(national=False).select_related("district")
    assert not projects.filter(district__isnull=True).exists()
    assert all(p.district.governorate_id == p.governorate_id for p in projects)
    in_qayyarah = projects.filter(name__endswith="— Qayyarah")
    assert in_qayyarah.exists()
    assert {p.district.pcode for p in in_qayyarah} == {"IQG15Q05"}
    assert set(Donor.objects.values_list("name", flat=True)) >= {
        "USA",
        "Canada",
        "Germany",
        "Sweden",
        "Japan",
        "European Union",
    }
    by_donor = dict(Contribution.objects.values_list("donor__code").annotate(Sum("amount_usd")))
    usa_share = by_donor["USA"] / sum(by_donor.values())
    assert max(by_donor, key=by_donor.get) == "USA" and 0.6 < usa_share < 0.8
    assert set(Sector.objects.values_list("code", flat=True)) >= {
        "education",
        "health",
        "water-sanitation",
        "energy",
        "recreation",
        "community-centres",
        "livelihoods",
    }
    assert ActivityType.objects.count() >= 20
    assert not ActivityType.objects.filter(sectors=None).exists()
    assert ActivityType.objects.filter(
        code="business-support-package", sectors__code="livelihoods"
    ).exists()
    assert Governorate.objects.count() == 18  # never creates governorates

    # The national project: no place of its own, its records in four governorates.
    national = Project.objects.get(code__startswith=demo.DEMO_PREFIX, national=True)
    assert (national.governorate, national.district) == (None, None)
    assert set(national.assistance.values_list("governorate__pcode", flat=True)) == {
        "IQG01",
        "IQG13",
        "IQG15",
        "IQG16",
    }

    # The generated projects (not the national one, nor the seed's shared reach).
    projects = Project.objects.filter(code__startswith=demo.DEMO_PREFIX, national=False)
    projects = projects.exclude(code=shared_reach.CODE)
    assert projects.values("governorate").distinct().count() == 18
    assert set(projects.values_list("status", flat=True)) == set(Project.Status.values)
    for project in projects.select_related("programme"):
        project.clean()  # inside its programme's period

    records = AssistanceRecord.objects.filter(project__in=projects)
    assert records.count() == demo.DEMO_RECORDS
    assert records.filter(delivered_on__lt=F("project__start_date")).count() == 0
    assert records.filter(delivered_on__gt=F("project__end_date")).count() == 0
    span = records.aggregate(first=Min("delivered_on"), last=Max("delivered_on"))
    assert span["first"] < date(2016, 4, 1) and date(2026, 7, 1) <= span["last"] <= date(
        2026, 9, 30
    )
    assert_breakdown_shaped_like_the_profiles(records)
    assert records.filter(households__gt=F("people")).count() == 0
    sized = records.filter(household_size__isnull=False)
    assert 0.25 < sized.count() / demo.DEMO_RECORDS < 0.35
    assert not sized.exclude(household_size__range=(1, 15)).exists()
    assert 0.85 < records.filter(status="approved").count() / demo.DEMO_RECORDS < 0.95

    visits = MonitoringVisit.objects.filter(project__in=projects)
    assert set(visits.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "approved",
        "returned",
    }
    assert visits.filter(status="approved").count() > visits.count() / 2
    assert not visits.filter(status="returned", return_reason="").exists()
    reviewed = visits.filter(status__in=["approved", "returned"])
    assert set(reviewed.values_list("reviewed_by__username", flat=True)) == {"manager"}
    assert not visits.filter(status="draft", submitted_at__isnull=False).exists()
    assert visits.filter(monitor__username="field").exists()
    scope = {
        (u, g) for u, g in User.objects.values_list("username", "profile__governorates__pcode")
    }
    visited = set(visits.values_list("monitor__username", "project__governorate__pcode"))
    assert visited <= scope  # every monitor visits only their governorates
    referrals = Referral.objects.filter(visit__in=visits)
    assert referrals.filter(closed_on=None).exists() and referrals.exclude(closed_on=None).exists()
    assert records.exclude(visit=None).exists()

    assert {q.kind for q in Question.objects.all()} == {"likert", "choice"}
    assert set(Question.objects.values_list("code", flat=True)) >= {
        "satisfaction",
        "usefulness",
        "heard-from",
        "reason-joined",
    }
    responses = FeedbackResponse.objects.filter(project__in=projects)
    assert responses.count() > 2000
    satisfaction = Answer.objects.filter(response__in=responses, question__code="satisfaction")
    assert satisfaction.count() == responses.count()
    assert 0.40 < satisfaction.filter(value="5").count() / satisfaction.count() < 0.52

    roles = dict(
        User.objects.filter(username__in=["admin", "manager", "field", "donor"]).values_list(
            "username", "profile__role"
        )
    )
    assert roles == {"admin": "admin", "manager": "manager", "field": "monitor", "donor": "donor"}
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="donor").profile.donor.name == "USA"
    manager = User.objects.get(username="manager").profile
    assert manager.programmes.count() == 2 and manager.governorates.exists()
    assert User.objects.get(username="field").profile.governorates.count() == 3
    for username in ("admin", "manager", "field", "donor"):
        response = client.post(
            "/accounts/login/", {"username": username, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        client.logout()
    # The indicator definitions of the snapshots find the activity types they count.
    definitions = IndicatorDefinition.objects.all()
    assert definitions.count() == len(DEFINITIONS)
    named = {code for *_, activities, _statuses in DEFINITIONS for code in activities}
    assert named <= set(ActivityType.objects.values_list("code", flat=True))
    assert definitions.get(code="bsp-beneficiaries").activity_types.get().code == (
        "business-support-package"
    )
    # Two series published (tests/demo/test_snapshots.py checks their content):
    # quarterly CRP, the second quarter compared with the first, and monthly
    # CRP and RRP; the demo donor (USA funds both) may download them.
    snapshots = list(Snapshot.objects.filter(status="published").order_by("period_end"))
    quarterly = [s for s in snapshots if s.series.cadence == "quarterly"]
    assert [s.period_end for s in quarterly] == [date(2026, 6, 30), date(2026, 9, 30)]
    assert quarterly[1].previous == quarterly[0]
    assert any(f["marker"] == "increased" for f in quarterly[1].payload["headlines"])
    assert len([s for s in snapshots if s.series.cadence == "monthly"]) == 3
    # Drawn illustrations on the latest approved visits: one per governorate,
    # and the snapshots' photo page and cover.
    photos = Photo.objects.select_related("visit__project__governorate")
    assert {p.visit.project.governorate.pcode for p in photos} == set(
        Governorate.objects.values_list("pcode", flat=True)
    )
    assert all(p.visit.status == "approved" and "Illustration" in p.caption for p in photos)
    assert len(quarterly[1].payload["photos"]) == 4  # its stories' photos
    with photos[0].image.open("rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"  # a JPEG
    donor_user = User.objects.get(username="donor")
    assert set(snapshots_for_user(donor_user)) == set(snapshots)
    printed = out.getvalue()
    assert "5 snapshots published" in printed
    assert demo.DEMO_PASSWORD in printed
    assert all(name in printed for name in ("admin", "manager", "field", "donor"))
    assert "monitor.kri" not in printed  # cannot log in: not listed


def test_rerun_gives_the_same_database_and_content_depends_on_the_seed_only(monkeypatch):
    # Smaller than the real demo (the properties do not depend on size), for speed.
    small = {"n_records": 300, "n_visits": 60}
    demo.demo_load(seed=2018, log=quiet, **small)
    real = Project.objects.create(
        code="IQ-REAL-1", name="A real project", programme=Programme.objects.get(code="CRP"),
        governorate=Governorate.objects.get(pcode="IQG13"), sector=Sector.objects.get(code="health"),
        donor=Donor.objects.get(code="USA"), start_date=date(2020, 1, 1), budget_usd=1000,
    )  # fmt: skip
    kept = AssistanceRecord.objects.create(
        project=real, activity_type=ActivityType.objects.first(), delivered_on=date(2020, 2, 1),
        people=3, visit=MonitoringVisit.objects.filter(project__code__startswith=demo.DEMO_PREFIX).first(),
    )  # fmt: skip
    counts, content = table_counts(), fingerprint(demo.DEMO_PREFIX)

    demo.demo_load(seed=2018, log=quiet, **small)
    assert table_counts() == counts  # no duplicates, no new history rows
    assert fingerprint(demo.DEMO_PREFIX) == content
    kept.refresh_from_db()  # a rerun resets the demo projects only
    assert kept.visit is None  # its demo visit was regenerated, as SET_NULL would do

    demo.demo_load(seed=7, log=quiet, **small)
    assert fingerprint(demo.DEMO_PREFIX) != content
    demo.demo_load(seed=2018, log=quiet, **small)
    assert fingerprint(demo.DEMO_PREFIX) == content  # what an earlier run left does not matter


def test_if_empty_leaves_an_existing_portfolio_alone():
    Programme.objects.create(
        code="X", name="Existing", outcome_area="human_capital", start_date=date(2020, 1, 1)
    )
    out = io.StringIO()
    call_command("demo_data", "--if-empty", stdout=out)
    assert Programme.objects.count() == 1
    assert not Project.objects.exists() and not User.objects.exists()
    assert "--if-empty" in out.getvalue()


def test_scale_mode_loads_exactly_n_records_shaped_like_the_benchmark():
    n = 2_000
    foreign_keys_before = foreign_keys()
    out = io.StringIO()
    call_command("demo_data", "--records", str(n), stdout=out)
    profile = demo.scale_profile(n)

    projects = Project.objects.filter(code__startswith=demo.BENCH_PREFIX)
    records = AssistanceRecord.objects.filter(project__in=projects)
    assert AssistanceRecord.objects.count() == records.count() == n
    assert projects.count() == profile["projects"]
    assert records.values("governorate").distinct().count() == 18
    assert records.values("project__programme").distinct().count() == 8
    # Every record in a sub-district of its project's coverage; some projects
    # cover several places, or the whole country.
    assert not records.filter(subdistrict=None).exists()
    assert not records.exclude(district=F("subdistrict__district")).exists()
    several = projects.filter(governorate=None, national=False)
    assert several.exists() and projects.filter(national=True).exists()
    assert all(p.coverage.count() > 1 for p in several)
    assert not ProjectPlace.objects.filter(project__national=True).exists()
    assert records.filter(project__in=several).values("governorate").distinct().count() > 1
    assert not MonitoringVisit.objects.filter(project__in=projects, subdistrict=None).exists()
    largest = records.values("project").annotate(n=Count("id")).order_by("-n")[0]["n"]
    assert largest <= n * demo.MAX_PROJECT_SHARE
    # order_by(): a translated model's default ordering would join the GROUP BY
    donor_programmes = (
        projects.order_by().values("donor").annotate(n=Count("programme", distinct=True))
    )
    assert donor_programmes.count() >= 6 and min(d["n"] for d in donor_programmes) >= 3
    activity_programmes = records.values("activity_type").annotate(
        n=Count("project__programme", distinct=True)
    )
    assert activity_programmes.count() >= 20 and min(a["n"] for a in activity_programmes) >= 2
    months = {(d.year, d.month) for d in records.values_list("delivered_on", flat=True)}
    assert len(months) > 100 and min(months) >= (2016, 10) and max(months) == (2026, 9)
    late = records.filter(delivered_on__year=2025).count()
    assert late > 1.5 * records.filter(delivered_on__year=2017).count()  # growth over time

    assert 0.86 < records.filter(status="approved").count() / n < 0.94
    assert set(records.values_list("status", flat=True)) == {
        "approved",
        "draft",
        "submitted",
        "returned",
    }
    # About 70% crossed; the rest by sex only, by group only, or not split,
    # with no cell (nothing invented) and NULL (not recorded) where unsplit.
    crossed = records.filter(sex_f__isnull=False, age_0_5__isnull=False, pop_idp__isnull=False)
    assert 0.65 < crossed.count() / n < 0.75
    sex_only = records.filter(sex_f__isnull=False, age_0_5=None, pop_idp=None)
    group_only = records.filter(sex_f=None, age_0_5=None, pop_idp__isnull=False)
    not_split = records.filter(sex_f=None, age_0_5=None, pop_idp=None)
    assert min(sex_only.count(), group_only.count(), not_split.count()) > 0
    assert crossed.count() + sex_only.count() + group_only.count() + not_split.count() == n
    assert not any(cells_per_record(records.exclude(pk__in=crossed)))
    assert not sex_only.exclude(people=F("sex_f") + F("sex_m")).exists()
    assert_breakdown_shaped_like_the_profiles(crossed)
    assert 1 < sum(cells_per_record(crossed)) / crossed.count() <= 4
    used = records.aggregate(**{column: Max(column) for column in RECIPIENT_FIELDS})
    assert all(used.values())  # every one of the 32 cells occurs
    sized = records.filter(household_size__isnull=False)
    assert 0.26 < sized.count() / n < 0.34
    assert not sized.exclude(household_size__range=(1, 15)).exists()

    visits = MonitoringVisit.objects.filter(project__in=projects)
    assert visits.count() == n // 10
    with_feedback = visits.filter(feedback__isnull=False).distinct().count()
    assert 0.1 < with_feedback / visits.count() < 0.3
    assert Answer.objects.filter(
        response__visit__in=visits
    ).count() == FeedbackResponse.objects.count() * len(demo.QUESTIONS)
    assert (
        not records.exclude(visit=None)
        .exclude(Q(visit__project=F("project")) & Q(visit__visit_date__gte=F("delivered_on")))
        .exists()
    )  # a record is verified by a later visit to its own project
    assert not visits.filter(
        Q(submitted_at__date__gt=demo.AS_OF) | Q(reviewed_at__date__gt=demo.AS_OF)
    ).exists()
    # Text survives the CSV round trip through COPY unchanged.
    assert set(visits.values_list("findings", flat=True)) <= set(demo.FINDINGS)
    assert set(visits.values_list("return_reason", flat=True)) <= {"", *demo.RETURN_REASONS}
    assert set(Referral.objects.values_list("issue", "referred_to")) <= set(demo.REFERRAL_ISSUES)
    assert foreign_keys() == foreign_keys_before  # dropped for the load, restored as they were
    assert '"records": 2000' in out.getvalue() and demo.DEMO_PASSWORD in out.getvalue()


def test_scale_mode_rerun_replaces_its_records_with_the_same_ones():
    demo.scale_load(n_records=500, seed=11, log=quiet)
    content = fingerprint(demo.BENCH_PREFIX)
    demo.scale_load(n_records=500, seed=11, log=quiet)
    assert AssistanceRecord.objects.count() == 500
    assert fingerprint(demo.BENCH_PREFIX) == content


def test_scale_mode_fails_on_a_broken_key_instead_of_storing_it():
    # Keys are not checked row by row during the load but when the foreign keys
    # are added back: a row pointing nowhere must still fail the load.
    dropped = demo._foreign_keys_drop(demo.LOADED_MODELS)
    assert len(dropped) >= 10
    assert "beneficiaries_recipientcount" not in {table for table, _n, _d in dropped}
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO beneficiaries_referral (visit_id, issue, referred_to)"
            " VALUES (987654321, 'Issue', 'Someone')"
        )
    with pytest.raises(IntegrityError, match="visit_id"), transaction.atomic():
        demo._foreign_keys_restore(dropped)
