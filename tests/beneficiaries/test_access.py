"""Who may see or do what with the field records (``beneficiaries.access``),
for each standing user: the owner (the monitor who recorded the visit), a
colleague of the same governorate, an outsider, the visit's manager and
another, a donor, an administrator, a user without a role and an anonymous
visitor. Outside a user's reach is "not found" (Http404)."""

from __future__ import annotations

import uuid

import pytest
from django.http import Http404
from django.utils import timezone

from beneficiaries import access, services
from beneficiaries.models import (
    AssistanceRecord,
    ImportBatch,
    MonitoringVisit,
    Photo,
    Question,
    Referral,
    Survey,
)
from tests.access_world import EVERYONE, access_world, codes
from tests.factories import ActivityTypeFactory, AssistanceRecordFactory
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db

DAY = "2018-03-01"


def _visit(world, *, monitor: str, submit: bool, findings: str) -> MonitoringVisit:
    user = world[monitor]
    visit = services.visit_create(
        user=user, project=world["krk"], visit_date=world["day"], findings=findings
    )
    services.assistance_line_save(
        visit=visit,
        user=user,
        activity_type=world["cash"],
        units=1,
        households=1,
        people=2,
        household_size=None,
        recipients={},
    )
    services.feedback_response_save(
        visit=visit, user=user, survey=world["survey"], answers={world["question"]: "5"}
    )
    services.referral_save(visit=visit, user=user, issue=findings, referred_to="Municipality")
    Photo.objects.create(visit=visit, image=f"visits/{findings}.jpg", caption=findings)
    if submit:
        services.visit_submit(visit=visit, user=user)
    return MonitoringVisit.objects.get(pk=visit.pk)


@shared_for_module
def world():
    world = access_world()
    world["day"] = world["krk"].start_date
    world["cash"] = ActivityTypeFactory(code="cash", name="Cash")
    world["survey"] = Survey.objects.create(code="satisfaction", title="Satisfaction")
    world["question"] = Question.objects.create(
        survey=world["survey"],
        code="satisfied",
        text="Satisfied?",
        kind=Question.Kind.LIKERT,
        choices=[["5", "Very"], ["1", "Not at all"]],
        position=1,
    )
    world["draft"] = _visit(world, monitor="owner", submit=False, findings="draft")
    world["submitted"] = _visit(world, monitor="owner", submit=True, findings="submitted")
    world["colleagues"] = _visit(world, monitor="colleague", submit=True, findings="colleagues")
    return world


def names(world, visits) -> set[str]:
    mine = {world[key].pk: key for key in ("draft", "submitted", "colleagues")}
    return {mine[pk] for pk in visits}


# What each user reads of the three Kirkuk visits: the owner's draft, the
# owner's submitted visit and the colleague's submitted visit.
READS = {
    "owner": {"draft", "submitted"},
    "colleague": {"colleagues"},
    "outsider": set(),
    "manager": {"submitted", "colleagues"},  # never a draft
    "other_manager": set(),
    "donor": set(),  # aggregates only
    "admin": {"draft", "submitted", "colleagues"},
    "nobody": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("who", EVERYONE)
def test_visits_for_user(world, who):
    visits = access.visits_for_user(world[who]).values_list("pk", flat=True)
    assert names(world, visits) == READS[who]


@pytest.mark.parametrize("who", EVERYONE)
def test_assistance_feedback_and_referrals_follow_the_visits(world, who):
    user = world[who]
    for readable in (
        access.assistance_for_user(user),
        access.feedback_for_user(user),
        access.referrals_for_user(user),
    ):
        assert names(world, readable.values_list("visit_id", flat=True)) == READS[who]


@pytest.mark.parametrize("who", EVERYONE)
def test_visit_for_user_reads_writes_and_reviews(world, who):
    user = world[who]

    def reachable(key, **kind) -> bool:
        try:
            access.visit_for_user(user, world[key].pk, **kind)
        except Http404:
            return False
        return True

    assert {k for k in READS["admin"] if reachable(k)} == READS[who]
    writes = {"owner": {"draft"}, "admin": {"draft"}}.get(who, set())
    assert {k for k in READS["admin"] if reachable(k, write=True)} == writes
    # Who may review, among the visits they see; whether the visit is in a
    # state to be reviewed is the service's rule (an administrator reaches a
    # draft, which visit_approve then refuses).
    reviews = {"manager": {"submitted", "colleagues"}, "admin": READS["admin"]}
    assert {k for k in READS["admin"] if reachable(k, review=True)} == reviews.get(who, set())


def test_a_malformed_visit_id_is_not_found(world):
    with pytest.raises(Http404):
        access.visit_for_user(world["admin"], "not-a-number")


@pytest.mark.parametrize("who", EVERYONE)
def test_the_can_rules_say_what_the_page_offers(world, who):
    user, draft, submitted = world[who], world["draft"], world["submitted"]
    assert access.visit_can_write(user, draft) == (who in ("owner", "admin"))
    assert not access.visit_can_write(user, submitted)  # under review: nobody
    assert access.visit_can_review(user, submitted) == (
        who in ("manager", "other_manager", "admin")  # the scope is visit_for_user's
    )
    assert access.visit_can_close_referrals(user, submitted) == (
        who in ("manager", "other_manager", "admin")
    )
    assert not access.visit_can_close_referrals(user, draft)
    assert access.visit_can_create(user) == (who in ("owner", "colleague", "outsider", "admin"))
    line = AssistanceRecord.objects.get(visit=draft)
    assert access.record_can_write(user, line) == (who in ("owner", "admin"))


def test_a_record_without_a_visit_is_changed_in_the_admin_only(world):
    imported = AssistanceRecordFactory(project=world["krk"], activity_type=world["cash"])
    assert not access.record_can_write(world["admin"], imported)


@pytest.mark.parametrize("who", EVERYONE)
def test_referral_for_user(world, who):
    referral = Referral.objects.get(visit=world["submitted"])
    try:
        found = access.referral_for_user(
            user=world[who], visit_pk=referral.visit_id, pk=referral.pk
        )
    except Http404:
        found = None
    assert (found == referral) == (who in ("manager", "admin"))


@pytest.mark.parametrize(
    "who, expected",
    [
        ("owner", {"KRK-01"}),
        ("colleague", {"KRK-01"}),
        ("outsider", {"BSR-01"}),
        ("manager", set()),  # managers review visits, they do not record them
        ("donor", set()),
        ("admin", {"KRK-01", "BSR-01"}),
        ("nobody", set()),
        ("anonymous", set()),
    ],
)
def test_visit_projects(world, who, expected):
    assert codes(access.visit_projects(world[who])) == expected


@pytest.mark.parametrize("who", EVERYONE)
def test_photo_for_user(world, who):
    user = world[who]
    assert (access.photo_for_user(user, "visits/submitted.jpg") is not None) == (
        "submitted" in READS[who]
    )
    services.visit_approve(visit=world["colleagues"], user=world["manager"])
    # An approved visit's photos show on the governorate dashboard: every
    # member of staff with the project in scope sees them, donors never by URL.
    assert (access.photo_for_user(user, "visits/colleagues.jpg") is not None) == (
        who in ("owner", "colleague", "manager", "admin")
    )


@pytest.fixture
def batch(world):
    batch = ImportBatch.objects.create(
        id=uuid.uuid4(),
        owner=world["owner"],
        filename="list.csv",
        format="csv",
        language="en",
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    AssistanceRecordFactory(
        project=world["krk"],
        activity_type=world["cash"],
        status="submitted",
        import_batch=batch.pk,
        import_row=1,
    )
    return batch


@pytest.mark.parametrize("who", EVERYONE)
def test_imports_are_their_owners_and_reviewed_in_scope(world, batch, who):
    user = world[who]
    assert access.import_can_start(user) == (
        who in ("owner", "colleague", "outsider", "manager", "other_manager", "admin")
    )
    try:
        access.import_for_user(user, batch.pk)
        owns = True
    except Http404:
        owns = False
    assert owns == (who == "owner")
    reviews = who in ("manager", "admin")
    assert access.import_records_to_review(user, batch.pk).exists() == reviews
    try:
        review = access.import_review_for_user(user, batch.pk)
    except Http404:
        review = None
    assert (review is not None) == reviews
    if review is not None:
        assert review["owner_user"] == world["owner"]
