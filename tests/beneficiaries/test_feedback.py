"""Feedback responses collected on a visit (they follow the visit's status, so
approved feedback counts), and managers closing the referrals of a visit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from beneficiaries import selectors, services
from beneficiaries.models import Answer, FeedbackResponse, Question, Referral, Survey
from indicators.engine import recompute_full
from tests.beneficiaries.test_services import DAY, build_world, draft
from tests.beneficiaries.test_views import form_data, url, visit_of
from tests.indicators.conftest import define, value
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db


@shared_for_module
def world():
    world = build_world()
    survey = Survey.objects.create(code="satisfaction", title="Beneficiary satisfaction")
    world["survey"] = survey
    world["satisfied"] = Question.objects.create(
        survey=survey,
        code="satisfaction",
        text="How satisfied are you with the assistance you received?",
        kind=Question.Kind.LIKERT,
        choices=[["5", "Very satisfied"], ["4", "Satisfied"], ["3", "Neutral"]],
        position=1,
    )
    world["heard"] = Question.objects.create(
        survey=survey,
        code="heard-from",
        text="How did you hear about the programme?",
        kind=Question.Kind.CHOICE,
        choices=[["leader", "Community leader"], ["staff", "IOM staff"]],
        position=2,
    )
    return world


def respond(visit, world, *, response=None, user=None, **answers):
    answers = answers or {"satisfied": "5", "heard": "leader"}
    return services.feedback_response_save(
        visit=visit,
        user=user or world["alice"],
        response=response,
        survey=world["survey"],
        answers={world[name]: code for name, code in answers.items()},
        sex="f",
        age_group="18-59",
        population_group="idp",
    )


# --- Services ---------------------------------------------------------------------


def test_a_response_belongs_to_the_visits_project_day_and_status(world):
    visit = draft(world)
    response = respond(visit, world)
    assert (response.project, response.collected_on, response.status, response.visit) == (
        world["project"],
        DAY,
        "draft",
        visit,
    )
    assert dict(response.answers.values_list("question__code", "value")) == {
        "satisfaction": "5",
        "heard-from": "leader",
    }
    later = DAY + dt.timedelta(days=2)
    services.visit_update(
        visit=visit, user=world["alice"], project=world["project"], visit_date=later, findings="x"
    )
    response.refresh_from_db()
    assert response.collected_on == later


def test_answers_a_monitor_gets_wrong_are_refused_with_a_clear_message(world):
    visit = draft(world)
    with pytest.raises(ValidationError) as info:
        respond(visit, world, satisfied="9")
    assert info.value.message_dict[f"q{world['satisfied'].pk}"] == [
        "Choose one of the answers listed."
    ]
    with pytest.raises(ValidationError) as info:
        respond(visit, world, satisfied="", heard="")
    assert "choose at least one answer, or remove this response" in info.value.messages[0]
    assert not FeedbackResponse.objects.exists()


def test_feedback_follows_the_visit_and_counts_once_approved(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    define("feedback", source="feedback", measure="records")
    recompute_full()
    visit = draft(world)
    response = respond(visit, world)
    services.visit_submit(visit=visit, user=world["alice"])
    response.refresh_from_db()
    assert response.status == "submitted"
    assert value("feedback") is None

    with django_capture_on_commit_callbacks(execute=True):
        services.visit_approve(visit=visit, user=world["maria"])
    response.refresh_from_db()
    assert response.status == "approved"
    assert value("feedback") == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.visit_return(visit=visit, user=world["maria"], reason="Ask again.")
    response.refresh_from_db()
    assert response.status == "returned"
    assert value("feedback") in (None, 0)
    services.visit_submit(visit=visit, user=world["alice"])
    visit.refresh_from_db()
    with pytest.raises(ValidationError):  # a submitted visit's feedback is frozen
        respond(visit, world, response=response, satisfied="3")


def test_changed_and_removed_answers_are_in_the_visit_history(world):
    visit = draft(world)
    response = respond(visit, world)
    respond(visit, world, response=response, satisfied="3", heard="")
    assert dict(response.answers.values_list("question__code", "value")) == {"satisfaction": "3"}
    history = selectors.visit_history(visit)
    whats = [(entry["what"], entry["action"]) for entry in history]
    question = "How satisfied are you with the assistance you received?"
    assert (f"Feedback response #{response.pk}, answer to “{question}”", "changed") in whats
    changed = next(e for e in history if e["action"] == "changed" and question in e["what"])
    assert [(str(label), before, after) for label, before, after in changed["changes"]] == [
        ("Answer", "Very satisfied", "Neutral")
    ]
    assert any(
        what.endswith("“How did you hear about the programme?”") and action == "deleted"
        for what, action in whats
    )
    services.feedback_response_delete(visit=visit, user=world["alice"], response=response)
    assert not Answer.objects.exists()
    history = selectors.visit_history(visit)
    deleted = [
        e
        for e in history
        if e["what"].startswith("Feedback response #") and e["action"] == "deleted"
    ]
    assert deleted and all(e["who"] == world["alice"] for e in deleted)


# --- The visit form ---------------------------------------------------------------


def feedback_post(world, **changes) -> dict:
    prefix = f"feedback{world['survey'].pk}"
    data = form_data(
        world,
        **{
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "50",
            f"{prefix}-0-sex": "f",
            f"{prefix}-0-age_group": "60+",
            f"{prefix}-0-population_group": "",
            f"{prefix}-0-q{world['satisfied'].pk}": "4",
            f"{prefix}-0-q{world['heard'].pk}": "staff",
        },
    )
    data.update({f"{prefix}-0-{key}": value for key, value in changes.items()})
    return data


def test_a_monitor_records_feedback_on_the_visit_form(client, world):
    client.force_login(world["alice"])
    page = client.get(url("visit_new")).content.decode()
    assert "How satisfied are you with the assistance you received?" in page
    assert "Add a response to “Beneficiary satisfaction”" in page

    response = client.post(url("visit_new"), feedback_post(world))
    assert response.status_code == 302
    saved = FeedbackResponse.objects.get()
    assert (saved.sex, saved.age_group, saved.population_group) == ("f", "60+", "")
    assert dict(saved.answers.values_list("question__code", "value")) == {
        "satisfaction": "4",
        "heard-from": "staff",
    }
    visit = saved.visit
    edit = client.get(url("visit_edit", visit.pk)).content.decode()
    assert f'name="feedback{world["survey"].pk}-0-id" value="{saved.pk}"' in edit
    detail = client.get(url("visit_detail", visit.pk)).content.decode()
    assert "Satisfied" in detail and "IOM staff" in detail
    assert "Female · 60 years and over" in detail


def test_a_response_without_answers_is_explained_and_nothing_is_lost(client, world):
    client.force_login(world["alice"])
    data = feedback_post(world, **{f"q{world['satisfied'].pk}": "", f"q{world['heard'].pk}": ""})
    response = client.post(url("visit_new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "No answer recorded: choose at least one answer, or remove this response." in page
    assert "Bakery running; oven repaired." in page  # what was typed is kept
    assert not FeedbackResponse.objects.exists()
    data = feedback_post(world, **{f"q{world['satisfied'].pk}": "7"})
    page = client.post(url("visit_new"), data).content.decode()
    assert "Choose one of the answers listed." in page
    assert not FeedbackResponse.objects.exists()


def test_an_added_but_untouched_response_is_ignored(client, world):
    client.force_login(world["alice"])
    data = feedback_post(
        world,
        sex="",
        age_group="",
        **{f"q{world['satisfied'].pk}": "", f"q{world['heard'].pk}": ""},
    )
    assert client.post(url("visit_new"), data).status_code == 302
    assert not FeedbackResponse.objects.exists()


def test_a_response_is_removed_from_the_form(client, world):
    client.force_login(world["alice"])
    client.post(url("visit_new"), feedback_post(world))
    saved = FeedbackResponse.objects.get()
    prefix = f"feedback{world['survey'].pk}"
    data = feedback_post(world, id=saved.pk, DELETE="on")
    data.update(
        {f"{prefix}-INITIAL_FORMS": "1", "referrals-TOTAL_FORMS": "0", "lines-TOTAL_FORMS": "0"}
    )
    client.post(url("visit_edit", saved.visit_id), data)
    assert not FeedbackResponse.objects.exists()


# --- Closing referrals ------------------------------------------------------------


def referral_of(world, *, status="submitted") -> Referral:
    visit = visit_of(world, status="draft")
    referral = services.referral_save(
        visit=visit, user=world["alice"], issue="Broken water pump", referred_to="Directorate"
    )
    if status != "draft":
        services.visit_submit(visit=visit, user=world["alice"])
    if status == "approved":
        services.visit_approve(visit=visit, user=world["maria"])
    return referral


def close(client, referral, day=None):
    return client.post(
        reverse("beneficiaries:referral_close", args=[referral.visit_id, referral.pk]),
        {"closed_on": (day or dt.date.today()).isoformat()},
    )


@pytest.mark.parametrize(
    "who, status, code",
    [
        ("maria", "submitted", 302),  # the manager of the programme
        ("maria", "approved", 302),  # ... after approval too
        ("admin", "approved", 302),
        ("maria", "draft", 404),  # a draft is the monitor's
        ("mark", "approved", 404),  # a manager of another programme
        ("alice", "approved", 404),  # the monitor who found the issue
        ("mona", "approved", 404),
        ("dora", "approved", 404),  # a donor
    ],
)
def test_who_closes_a_referral(client, world, who, status, code):
    referral = referral_of(world, status=status)
    client.force_login(world[who])
    assert close(client, referral).status_code == code
    referral.refresh_from_db()
    assert (referral.closed_on is not None) == (code == 302)


def test_closing_is_kept_in_the_history_and_shown(client, world):
    referral = referral_of(world, status="approved")
    client.force_login(world["maria"])
    page = client.get(url("visit_detail", referral.visit_id)).content.decode()
    assert "Mark closed" in page and "open" in page
    close(client, referral, DAY + dt.timedelta(days=10))
    referral.refresh_from_db()
    assert referral.closed_on == DAY + dt.timedelta(days=10)
    latest = referral.history.first()
    assert (latest.history_user, latest.history_change_reason) == (world["maria"], "Closed")
    page = client.get(url("visit_detail", referral.visit_id)).content.decode()
    assert "Mark closed" not in page
    assert "Referral: Broken water pump — changed (Closed)" in page
    client.force_login(world["alice"])  # the monitor sees it closed, without the button
    page = client.get(url("visit_detail", referral.visit_id)).content.decode()
    assert "closed on" in page and "Mark closed" not in page


def test_a_closing_day_before_the_visit_or_in_the_future_is_refused(client, world):
    referral = referral_of(world)
    client.force_login(world["maria"])
    response = close(client, referral, DAY - dt.timedelta(days=1))
    assert response.status_code == 200
    assert "cannot have been closed before" in response.content.decode()
    response = close(client, referral, dt.date.today() + dt.timedelta(days=3))
    assert "This date is in the future." in response.content.decode()
    close(client, referral)
    with pytest.raises(ValidationError) as info:
        services.referral_close(referral=referral, user=world["maria"], closed_on=DAY)
    assert "already closed" in info.value.messages[0]


def test_editing_a_returned_visit_does_not_reopen_its_closed_referrals(client, world):
    referral = referral_of(world)
    services.referral_close(referral=referral, user=world["maria"], closed_on=DAY)
    services.visit_return(visit=referral.visit, user=world["maria"], reason="More detail.")
    client.force_login(world["alice"])
    data = form_data(
        world,
        **{
            "lines-TOTAL_FORMS": "0",
            "referrals-INITIAL_FORMS": "1",
            "referrals-0-id": referral.pk,
            "referrals-0-issue": "Broken water pump, two weeks",
        },
    )
    response = client.post(url("visit_edit", referral.visit_id), data)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.issue, referral.closed_on) == ("Broken water pump, two weeks", DAY)
