"""The indicator engine's rules, each checked on figures a manager would read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connections

from beneficiaries.models import AssistanceRecord
from indicators import engine
from indicators.engine import EngineBusy, recompute_full, recompute_incremental
from indicators.models import HouseholdMultiplier, IndicatorValue
from indicators.services import assistance_scope, multiplier_set
from tests.factories import ActivityTypeFactory, ProjectFactory
from tests.indicators.conftest import define, record, table, value

pytestmark = pytest.mark.django_db
Q1_END, Q2_END, Q3_END = dt.date(2018, 3, 31), dt.date(2018, 6, 30), dt.date(2018, 9, 30)


class TestHouseholdMultiplier:
    def test_444_packages_reaching_444_households_are_2664_beneficiaries(self, bsp):
        define(
            "bsp-beneficiaries",
            source="assistance",
            measure="people",
            apply_multiplier=True,
            activity_types=[bsp],
        )
        define("bsp-packages", source="assistance", measure="units", activity_types=[bsp])
        project = ProjectFactory()
        record(project, on=dt.date(2017, 4, 10), households=444, units=444, activity=bsp)
        recompute_full()
        assert value("bsp-packages") == 444
        assert value("bsp-beneficiaries") == 2664
        row = IndicatorValue.objects.get(
            definition__code="bsp-beneficiaries",
            period_type="cumulative",
            governorate=None,
            programme=None,
            donor=None,
        )
        assert row.multiplier_value == 6
        assert row.multiplier == HouseholdMultiplier.objects.get(effective_from=dt.date(2000, 1, 1))
        assert row.period_end == dt.date(2017, 4, 30)

    def test_29_joint_and_9_association_businesses_reaching_110_households_are_660(self, bsp):
        define("businesses", source="assistance", measure="people", apply_multiplier=True)
        project = ProjectFactory()
        record(project, on=dt.date(2017, 4, 1), households=80, units=29, activity=bsp)
        record(project, on=dt.date(2017, 4, 2), households=30, units=9, activity=bsp)
        recompute_full()
        assert value("businesses") == 660

    def test_recorded_household_size_wins(self, bsp):
        define("people-x", source="assistance", measure="people", apply_multiplier=True)
        project = ProjectFactory()
        record(project, on=dt.date(2018, 1, 5), households=10, people=10, size=4)
        record(project, on=dt.date(2018, 1, 6), households=5, people=5)
        recompute_full()
        assert value("people-x") == 10 * 4 + 5 * 6

    def test_definition_own_multiplier(self):
        define(
            "people-5", source="assistance", measure="people", apply_multiplier=True, multiplier=5
        )
        record(ProjectFactory(), on=dt.date(2018, 1, 5), households=10)
        recompute_full()
        assert value("people-5") == 50
        assert IndicatorValue.objects.filter(
            definition__code="people-5", multiplier_value=5
        ).exists()

    def test_without_multiplier_people_are_direct_recipients(self):
        define("direct", source="assistance", measure="people")
        record(ProjectFactory(), on=dt.date(2018, 1, 5), households=2, people=7)
        recompute_full()
        assert value("direct") == 7

    def test_changing_the_multiplier_recomputes(
        self, eager_tasks, django_capture_on_commit_callbacks
    ):
        define("people-x", source="assistance", measure="people", apply_multiplier=True)
        project = ProjectFactory()
        record(project, on=dt.date(2017, 6, 1), households=10)
        record(project, on=dt.date(2018, 6, 1), households=10)
        recompute_full()
        assert value("people-x") == 120
        with django_capture_on_commit_callbacks(execute=True):
            multiplier_set(value=7, effective_from=dt.date(2018, 1, 1))
        # 2017 keeps ×6, from 2018 on ×7; each figure says which applied.
        assert value("people-x", end=dt.date(2017, 6, 30)) == 60
        assert value("people-x") == 60 + 70
        latest = IndicatorValue.objects.filter(
            definition__code="people-x",
            period_type="cumulative",
            governorate=None,
            programme=None,
            donor=None,
        )
        assert latest.get(period_end=dt.date(2018, 6, 30)).multiplier_value == 7
        assert latest.get(period_end=dt.date(2017, 6, 30)).multiplier_value == 6


class TestPeriods:
    def test_cumulative_and_periodic_over_quarters(self):
        define("units", source="assistance", measure="units")
        project = ProjectFactory()
        record(project, on=dt.date(2018, 1, 10), units=5)
        record(project, on=dt.date(2018, 2, 10), units=3)
        record(project, on=dt.date(2018, 5, 10), units=4)
        record(project, on=dt.date(2018, 9, 1), units=10)
        recompute_full()
        assert value("units", period_type="quarter", end=Q1_END) == 8
        assert value("units", period_type="quarter", end=Q2_END) == 4
        assert value("units", period_type="quarter", end=Q3_END) == 10
        assert value("units", period_type="month", end=dt.date(2018, 2, 28)) == 3
        assert value("units", period_type="cumulative", end=dt.date(2018, 2, 28)) == 8
        assert value("units", period_type="cumulative", end=dt.date(2018, 5, 31)) == 12
        assert value("units", period_type="cumulative", end=dt.date(2018, 9, 30)) == 22
        # No data in March: no stored row; the value as of March 31 is February's.
        assert value("units", period_type="cumulative", end=Q1_END) is None
        from indicators.selectors import value_as_of

        definition = engine.IndicatorDefinition.objects.get(code="units")
        assert value_as_of(definition=definition, as_of=Q1_END).value == 8
        assert value_as_of(definition=definition, as_of=dt.date(2017, 12, 31)) is None

    def test_periodic_definition_has_no_running_total(self):
        define("monthly", source="assistance", measure="records", accumulation="periodic")
        record(ProjectFactory(), on=dt.date(2018, 1, 10))
        recompute_full()
        assert value("monthly", period_type="month") == 1
        assert not IndicatorValue.objects.filter(
            definition__code="monthly", period_type="cumulative"
        ).exists()

    def test_distinct_projects_per_quarter_count_each_project_once(self):
        define("active-projects", source="assistance", measure="projects", accumulation="periodic")
        a, b = ProjectFactory(), ProjectFactory()
        for day in (dt.date(2018, 1, 3), dt.date(2018, 2, 3), dt.date(2018, 3, 3)):
            record(a, on=day)
        record(b, on=dt.date(2018, 2, 9))
        recompute_full()
        assert value("active-projects", period_type="quarter", end=Q1_END) == 2
        assert value("active-projects", period_type="month", end=dt.date(2018, 3, 31)) == 1


class TestCuts:
    def test_cuts_add_up_to_their_totals(self, two_projects):
        define("hh", source="assistance", measure="households")
        ninewa, kirkuk = two_projects
        record(ninewa, on=dt.date(2018, 1, 1), households=3, people=3)
        record(kirkuk, on=dt.date(2018, 1, 2), households=4, people=4)
        record(ninewa, on=dt.date(2018, 2, 1), households=5, people=5)
        recompute_full()
        total = value("hh")
        assert total == 12
        assert value("hh", governorate=ninewa.governorate) == 8
        assert value("hh", governorate=kirkuk.governorate) == 4
        assert (
            value("hh", programme=ninewa.programme) + value("hh", programme=kirkuk.programme)
            == total
        )
        assert value("hh", donor=ninewa.donor) + value("hh", donor=kirkuk.donor) == total
        assert (
            value(
                "hh", governorate=ninewa.governorate, programme=ninewa.programme, donor=ninewa.donor
            )
            == 8
        )
        # A cut with no data has no row.
        assert value("hh", governorate=ninewa.governorate, programme=kirkuk.programme) is None
        # Every combination of one-or-all for each of the three: 8 per project cell.
        cells = set(
            IndicatorValue.objects.filter(definition__code="hh", period_type="quarter").values_list(
                "governorate", "programme", "donor"
            )
        )
        assert len(cells) == 8 + 8 - 1  # two projects share only the all/all/all cell

    def test_splits_by_sex_age_and_population_group_each_on_its_own(self):
        define("people", source="assistance", measure="people")
        record(
            ProjectFactory(),
            on=dt.date(2018, 1, 1),
            households=3,
            people=10,
            recipients={
                ("f", "18-59", "idp"): 4,
                ("m", "18-59", "idp"): 3,
                ("f", "6-17", "returnee"): 3,
            },
        )
        recompute_full()
        assert value("people") == 10
        assert value("people", split="sex", split_value="f") == 7
        assert value("people", split="sex", split_value="m") == 3
        assert value("people", split="age_group", split_value="18-59") == 7
        assert value("people", split="population_group", split_value="idp") == 7
        assert value("people", split="population_group", split_value="returnee") == 3
        assert value("people", split="population_group", split_value="host") == 0
        row = IndicatorValue.objects.get(
            definition__code="people",
            period_type="quarter",
            governorate=None,
            programme=None,
            donor=None,
        )
        assert row.split("sex") == {"f": 7, "m": 3}
        assert sum(row.split("age_group").values()) == 10

    def test_definitions_without_splits_have_none(self):
        define("hh", source="assistance", measure="households")
        record(
            ProjectFactory(),
            on=dt.date(2018, 1, 1),
            households=3,
            people=3,
            recipients={("f", "18-59", "idp"): 3},
        )
        recompute_full()
        row = IndicatorValue.objects.get(
            definition__code="hh",
            period_type="cumulative",
            governorate=None,
            programme=None,
            donor=None,
        )
        assert row.split("sex") is None

    def test_feedback_split_by_respondent(self):
        from beneficiaries.models import FeedbackResponse, Survey

        define("feedback", source="feedback", measure="records")
        survey = Survey.objects.create(code="s", title="Survey")
        project = ProjectFactory()
        for sex, status in (
            ("f", "approved"),
            ("f", "approved"),
            ("m", "approved"),
            ("m", "draft"),
        ):
            FeedbackResponse.objects.create(
                survey=survey,
                project=project,
                collected_on=dt.date(2018, 3, 1),
                sex=sex,
                population_group="idp",
                status=status,
            )
        recompute_full()
        assert value("feedback") == 3
        assert value("feedback", split="sex", split_value="f") == 2
        assert value("feedback", split="population_group", split_value="idp") == 3

    def test_contributions_by_programme_and_donor(self):
        from programmes.models import Contribution

        define("usd", source="contributions", measure="usd")
        project = ProjectFactory()
        Contribution.objects.create(
            donor=project.donor,
            programme=project.programme,
            amount=Decimal("19300000"),
            amount_usd=Decimal("19300000"),
            date=dt.date(2018, 1, 5),
            period_start=dt.date(2018, 1, 1),
            period_end=dt.date(2018, 12, 31),
        )
        recompute_full()
        assert value("usd") == Decimal("19300000")
        assert value("usd", donor=project.donor) == Decimal("19300000")
        assert not IndicatorValue.objects.filter(
            definition__code="usd", governorate__isnull=False
        ).exists()


class TestApprovalAndFilters:
    def test_unapproved_records_do_not_count(self):
        define("records", source="assistance", measure="records")
        project = ProjectFactory()
        for status in ("draft", "submitted", "returned", "approved"):
            record(project, on=dt.date(2018, 1, 1), status=status)
        recompute_full()
        assert value("records") == 1

    def test_activity_type_filter(self, bsp):
        other = ActivityTypeFactory(code="cash", name="Cash")
        define("bsp-only", source="assistance", measure="units", activity_types=[bsp])
        project = ProjectFactory()
        record(project, on=dt.date(2018, 1, 1), units=2, activity=bsp)
        record(project, on=dt.date(2018, 1, 1), units=50, activity=other)
        recompute_full()
        assert value("bsp-only") == 2

    def test_visits_and_projects_sources(self):
        from tests.factories import MonitoringVisitFactory

        define("visits", source="visits", measure="records")
        define("projects", source="projects", measure="records")
        project = ProjectFactory(start_date=dt.date(2017, 5, 1))
        MonitoringVisitFactory(project=project, status="approved")
        MonitoringVisitFactory(project=project, status="draft")
        recompute_full()
        assert value("visits") == 1
        assert value("projects") == 1
        assert value("projects", period_type="month").quantize(Decimal(1)) == 1

    def test_inactive_definitions_lose_their_values(self):
        definition = define("gone", source="assistance", measure="records")
        record(ProjectFactory(), on=dt.date(2018, 1, 1))
        recompute_full()
        assert value("gone") == 1
        definition.is_active = False
        definition.save()
        recompute_full()
        assert value("gone") is None


class TestIncremental:
    def test_approval_recomputes_only_what_it_touched_and_matches_full(self, two_projects):
        define("people-x", source="assistance", measure="people", apply_multiplier=True)
        define("people", source="assistance", measure="people")
        ninewa, kirkuk = two_projects
        record(ninewa, on=dt.date(2018, 1, 1), households=3, people=3)
        record(kirkuk, on=dt.date(2018, 4, 1), households=2, people=2)
        pending = record(
            ninewa,
            on=dt.date(2018, 2, 15),
            households=5,
            people=5,
            status="submitted",
            recipients={("f", "60+", "host"): 5},
        )
        recompute_full()
        untouched = IndicatorValue.objects.get(
            definition__code="people-x",
            period_type="month",
            period_end=dt.date(2018, 4, 30),
            governorate=None,
            programme=None,
            donor=None,
        )
        pending.status = "approved"
        pending.save()
        recompute_incremental(assistance_scope([pending]))
        assert value("people-x") == (3 + 2 + 5) * 6
        assert value("people", split="sex", split_value="f") == 5
        # April is outside the change's quarter: its row was not rewritten.
        assert IndicatorValue.objects.filter(pk=untouched.pk).exists()
        incremental = table()
        recompute_full()
        assert table() == incremental

    def test_moving_a_record_to_another_project_and_month(self, two_projects):
        define("hh", source="assistance", measure="households")
        ninewa, kirkuk = two_projects
        moved = record(ninewa, on=dt.date(2018, 1, 1), households=3, people=3)
        record(ninewa, on=dt.date(2018, 3, 1), households=1, people=1)
        recompute_full()
        before = assistance_scope([moved])
        moved.project = kirkuk
        moved.delivered_on = dt.date(2018, 8, 1)
        moved.save()
        recompute_incremental(before.merge(assistance_scope([moved])))
        assert value("hh", governorate=ninewa.governorate) == 1
        assert value("hh", governorate=kirkuk.governorate) == 3
        assert value("hh", governorate=ninewa.governorate, period_type="quarter", end=Q1_END) == 1
        incremental = table()
        recompute_full()
        assert table() == incremental


class TestCrashSafetyAndLock:
    def test_a_run_that_dies_half_way_leaves_the_old_values(self, monkeypatch):
        define("a", source="assistance", measure="units")
        define("b", source="assistance", measure="households")
        project = ProjectFactory()
        record(project, on=dt.date(2018, 1, 1), units=2)
        recompute_full()
        before = table()
        record(project, on=dt.date(2018, 2, 1), units=5)
        real = engine._write_batch

        def dies_after_writing_the_first_values(*args, **kwargs):
            real(*args, **kwargs)  # both definitions, in one pass
            raise RuntimeError("worker killed")

        monkeypatch.setattr(engine, "_write_batch", dies_after_writing_the_first_values)
        with pytest.raises(RuntimeError):
            recompute_full()
        assert table() == before
        monkeypatch.setattr(engine, "_write_batch", real)
        recompute_full()
        rerun = table()
        IndicatorValue.objects.all().delete()
        recompute_full()
        assert rerun == table()
        assert value("a") == 7

    def test_the_value_table_keeps_its_schema_across_full_runs(self):
        from django.db import IntegrityError, connection, transaction

        def schema(cursor):
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'indicators_indicatorvalue'::regclass"
            )
            constraints = set(cursor.fetchall())
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename = 'indicators_indicatorvalue'"
            )
            return constraints, set(cursor.fetchall())

        define("a", source="assistance", measure="units")
        record(ProjectFactory(), on=dt.date(2018, 1, 1), units=2)
        with connection.cursor() as cursor:
            # An index a later migration would add: a full run keeps it.
            cursor.execute(
                "CREATE INDEX indicatorvalue_by_time ON indicators_indicatorvalue (computed_at)"
            )
            migrated = schema(cursor)
        for _ in range(3):
            recompute_full()
        with connection.cursor() as cursor:
            constraints, indexes = schema(cursor)
            cursor.execute("SELECT pg_get_serial_sequence('indicators_indicatorvalue', 'id')")
            sequence = cursor.fetchone()[0]
        assert (constraints, indexes) == migrated
        assert {name for name, _ in constraints} == {
            "indicators_indicatorvalue_pkey",
            "indicatorvalue_one_per_cell",
            "indicators_indicatorvalue_multiplier_value_check",
        }
        assert {name for name, _ in indexes} == {
            "indicators_indicatorvalue_pkey",
            "indicatorvalue_one_per_cell",
            "indicatorvalue_by_time",
        }
        assert sequence == "public.indicators_indicatorvalue_id_seq"
        row = IndicatorValue.objects.filter(period_type="cumulative").first()
        row.pk = None
        with pytest.raises(IntegrityError), transaction.atomic():
            row.save()

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_the_lock_refuses_a_second_concurrent_run(self):
        define("a", source="assistance", measure="units")
        other = connections.create_connection("default")
        try:
            other.set_autocommit(False)
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM indicators_enginelock WHERE name = 'indicators' FOR UPDATE"
                )
                with pytest.raises(EngineBusy):
                    recompute_full()
            other.rollback()
        finally:
            other.close()
        assert recompute_full() >= 0


def test_record_model_is_the_one_the_engine_reads():
    from indicators import sources

    assert sources.get("assistance").table == AssistanceRecord._meta.db_table
