"""The migrations that rewrote stored data keep it: the crossings became
splits (beneficiaries 0012) and the names their English columns (#15:
programmes 0016, beneficiaries 0013, indicators 0012).

One test, so that the database goes back over the migration graph and
forward again once for both: each trip renders the project's models again
and again (unapplying alone cost about 15 s of CPU a test). The data is
written at the head, the names as the columns before #15 held them are
written once the database is back before 0012, and what each migration kept
is checked once they have all been applied (none of the others touches what
the other one wrote)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState
from django.utils import translation

from beneficiaries.models import RECIPIENT_FIELDS, SPLIT_FIELDS, Question, Survey
from programmes.models import Programme
from tests.factories import AssistanceRecordFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

BEFORE = [("programmes", "0015_project_coverage"), ("beneficiaries", "0011_record_visit_place")]
AFTER = [
    ("programmes", "0016_translated_names"),
    ("beneficiaries", "0013_translated_names"),
    ("indicators", "0012_translated_names"),
]


def migrate_back(executor: MigrationExecutor, targets: list[tuple[str, str]]) -> None:
    """``executor.migrate(targets)`` backwards, each migration unapplied from
    the same state as Django's (every applied migration before it in the
    forward plan): Django walks the whole plan with the models rendered from
    the first migration to unapply on, so that every operation of every
    later migration renders its models again (6 to 8 of the test's 29 CPU
    seconds); here the states are walked unrendered and each is rendered
    once, for its migration's operations."""
    plan = executor.migration_plan(targets)
    assert plan and all(backwards for _migration, backwards in plan)
    to_unapply = {migration for migration, _backwards in plan}
    graph = executor.loader.graph
    applied = {graph.nodes[key] for key in executor.loader.applied_migrations if key in graph.nodes}
    state = ProjectState(real_apps=executor.loader.unmigrated_apps)
    states = {}
    for migration, _forwards in executor.migration_plan(graph.leaf_nodes(), clean_start=True):
        if len(states) == len(to_unapply):
            break
        if migration in to_unapply:
            states[migration] = state.clone()
            migration.mutate_state(state, preserve=False)
        elif migration in applied:
            migration.mutate_state(state, preserve=False)
    for migration, _backwards in plan:
        states[migration].apps  # noqa: B018 - rendered once, before its operations
        executor.unapply_migration(states[migration], migration)


def test_the_migrations_keep_the_splits_and_names_stored_before_them():
    record = AssistanceRecordFactory(
        people=10, households=2, f_18_59_idp=4, m_6_17_returnee=3, f_60plus_host=1
    )
    bare = AssistanceRecordFactory(people=7, households=2)
    ProgrammeFactory(code="CRP", name="Community Revitalization Programme", description="Jobs.")
    survey = Survey.objects.create(code="exit", title="Exit survey")
    Question.objects.create(
        survey=survey, code="ok", text="OK?", kind="choice", choices=[["y", "Yes"]]
    )
    # Inside the test's transaction (rolled back, schema and all): no ALTER
    # TABLE with the rows' foreign-key checks still pending.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    migrate_back(executor, BEFORE)

    # The names as the columns before #15 held them: only ``name``.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE programmes_programme SET name = 'CRP before', description = 'Old.'"
            " WHERE code = 'CRP'"
        )
        cursor.execute("UPDATE beneficiaries_question SET text = 'Before?'")
    executor.loader.build_graph()
    executor.migrate(AFTER)

    # beneficiaries 0012: records that had cells keep exactly their figures;
    # records without cells have no split (not recorded, not 0).
    # The columns of 0012 only: beneficiaries 0014-0016 add others the model knows.
    columns = [*SPLIT_FIELDS, *RECIPIENT_FIELDS]
    record.refresh_from_db(fields=columns)
    bare.refresh_from_db(fields=columns)
    assert (record.sex_f, record.sex_m) == (5, 3)
    assert (record.age_0_5, record.age_6_17, record.age_18_59, record.age_60plus) == (0, 3, 4, 1)
    assert (record.pop_idp, record.pop_returnee, record.pop_host, record.pop_refugee) == (
        4,
        3,
        1,
        0,
    )
    assert record.recipients() == {
        ("f", "18-59", "idp"): 4,
        ("m", "6-17", "returnee"): 3,
        ("f", "60+", "host"): 1,
    }
    assert bare.sex_f is None and bare.age_18_59 is None and bare.pop_idp is None

    # The names: the English ones are those stored before.
    programme = Programme.objects.get(code="CRP")
    question = Question.objects.get(code="ok")
    assert (programme.name_en, programme.description_en) == ("CRP before", "Old.")
    assert programme.name_ar is None and programme.name_ckb is None
    assert (question.text_en, question.choices_en) == ("Before?", [["y", "Yes"]])
    with translation.override("ar"):
        assert (programme.name, question.text) == ("CRP before", "Before?")
