"""Pages of field data entry: a monitor records visits (draft, submit, correct
a returned one); a manager reviews them (approve, return with a reason).

Every visit is fetched through ``access.visit_for_user``; a donor, or
anyone outside a visit's scope, gets "not found". Writes go through
``beneficiaries.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from beneficiaries import access, selectors, services, views_form_json
from beneficiaries.access import photo_for_user
from beneficiaries.forms import (
    AGE_HEADERS,
    FeedbackFormSet,
    LineFormSet,
    PhotoForm,
    PhotoFormSet,
    ReferralCloseForm,
    ReferralFormSet,
    ReturnForm,
    VisitForm,
    activity_sectors,
    feedback_initial,
    line_initial,
    referral_initial,
)
from beneficiaries.forms_location import LocationForm
from beneficiaries.forms_reach import ReachFormSet, reach_changes, reach_initial, reach_keys
from beneficiaries.models import MonitoringVisit, ReviewStatus
from beneficiaries.views_offline import offline_text
from programmes.models import UserProfile

Role = UserProfile.Role


def _messages_of(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- Recording a visit ------------------------------------------------------------


def _line_changes(formset) -> list[services.LineChange]:
    """What the lines formset changes: removed lines, and lines added or edited."""
    deleted = set(formset.deleted_forms)
    changes = []
    for form in formset.forms:
        pk = form.cleaned_data.get("id")
        if form in deleted:
            if pk is not None:
                changes.append(services.LineChange(record_id=pk, delete=True))
            continue
        if pk is None and not form.has_changed():
            continue
        data = form.cleaned_data
        changes.append(
            services.LineChange(
                record_id=pk,
                activity_type=data["activity_type"],
                units=data["units"],
                households=data["households"],
                people=data["people"],
                household_size=data.get("household_size"),
                recipients=form.recipients(),
                delivered_on=data.get("delivered_on"),
                reach=data.get("reach") or None,
            )
        )
    return changes


def _referral_changes(formset) -> list[services.ReferralChange]:
    deleted = set(formset.deleted_forms)
    changes = []
    for form in formset.forms:
        pk = form.cleaned_data.get("id")
        if form in deleted:
            if pk is not None:
                changes.append(services.ReferralChange(referral_id=pk, delete=True))
            continue
        if pk is None and not form.has_changed():
            continue
        changes.append(
            services.ReferralChange(
                referral_id=pk,
                issue=form.cleaned_data["issue"],
                referred_to=form.cleaned_data["referred_to"],
            )
        )
    return changes


def _feedback_changes(formsets) -> list[services.FeedbackChange]:
    changes = []
    for formset in formsets:
        deleted = set(formset.deleted_forms)
        for form in formset.forms:
            pk = form.cleaned_data.get("id")
            if form in deleted:
                if pk is not None:
                    changes.append(
                        services.FeedbackChange(survey=formset.survey, response_id=pk, delete=True)
                    )
                continue
            if not form.has_changed():  # untouched: no new version in its history
                continue
            data = form.cleaned_data
            changes.append(
                services.FeedbackChange(
                    survey=formset.survey,
                    response_id=pk,
                    answers=form.answers(),
                    sex=data.get("sex", ""),
                    age_group=data.get("age_group", ""),
                    population_group=data.get("population_group", ""),
                )
            )
    return changes


def _photo_adds(formset) -> list[services.PhotoAdd]:
    """The photos chosen on the form (a blank photo form adds nothing)."""
    return [
        services.PhotoAdd(
            image=form.cleaned_data["image"],
            caption=form.cleaned_data["caption"],
            credit=form.cleaned_data["credit"],
        )
        for form in formset.forms
        if form.has_changed() and form.cleaned_data.get("image")
    ]


def _photo_formset(request: HttpRequest) -> PhotoFormSet:
    """The bound photo formset; a form sent without one (an older page, a
    script) adds no photo."""
    data = request.POST
    if "photos-TOTAL_FORMS" not in data:
        data = data.copy()
        data["photos-TOTAL_FORMS"] = data["photos-INITIAL_FORMS"] = "0"
    return PhotoFormSet(data, request.FILES, prefix="photos")


def _feedback_formset(data, survey) -> FeedbackFormSet:
    """The bound feedback formset of ``survey``; a form sent without it (a
    survey added since the page was opened) changes none of its responses."""
    prefix = f"feedback{survey.pk}"
    if f"{prefix}-TOTAL_FORMS" not in data:
        data = data.copy()
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = "0"
    return FeedbackFormSet(data, survey=survey)


def visit_place_shown(visit: MonitoringVisit) -> str:
    """The visit's place as its form shows it: its P-code, or nothing when it
    is its project's one place (the form's default)."""
    place = visit.place
    if place is None or place == services.place_default(visit.project):
        return ""
    return place.pcode


def _visit_form_page(request: HttpRequest, visit: MonitoringVisit | None) -> HttpResponse:
    """The form of a new (``visit`` None) or existing visit: on a valid POST,
    save it all as a draft (and submit it if asked); otherwise show the form
    again with what was typed and a message by field."""
    user = request.user
    original = visit
    surveys = selectors.visit_surveys()
    sectors = activity_sectors()
    if request.method == "POST":
        client_id = views_form_json.client_id(request, visit)
        if client_id is not None:
            sent, taken = views_form_json.sent_before(request, client_id)
            if sent is not None:  # a post retried after its answer was lost
                return views_form_json.saved(sent, submitting="submit" in request.POST)
            client_id = None if taken else client_id
        form = VisitForm(request.POST, user=user)
        form.is_valid()
        project = form.cleaned_data.get("project") or (visit.project if visit else None)
        lines = LineFormSet(
            request.POST,
            prefix="lines",
            form_kwargs={
                "project": project,
                "visit_date": form.cleaned_data.get("visit_date"),
                "sectors": sectors,
            },
        )
        referrals = ReferralFormSet(request.POST, prefix="referrals")
        # A page of before shared reaches (a phone's cached form) sends none.
        reaches = (
            ReachFormSet(request.POST, prefix="reaches")
            if "reaches-TOTAL_FORMS" in request.POST
            else None
        )
        photos = _photo_formset(request)
        location = LocationForm(request.POST)
        feedback = [_feedback_formset(request.POST, survey) for survey in surveys]
        submitting = "submit" in request.POST
        if (
            submitting
            and "findings" in form.cleaned_data
            and not form.cleaned_data["findings"].strip()
        ):
            form.add_error("findings", _("Write what you found before submitting the visit."))
        valid = [form.is_valid(), lines.is_valid(), referrals.is_valid(), photos.is_valid()]
        valid.append(reaches is None or reaches.is_valid())
        valid += [formset.is_valid() for formset in feedback] + [location.is_valid()]
        if all(valid):
            data = form.cleaned_data
            try:
                visit = services.visit_save(
                    user=user,
                    visit=visit,
                    project=data["project"],
                    visit_date=data["visit_date"],
                    findings=data["findings"],
                    place=data["place"],
                    lines=_line_changes(lines),
                    reaches=reach_changes(reaches),
                    referrals=_referral_changes(referrals),
                    feedback=_feedback_changes(feedback),
                    photos=_photo_adds(photos),
                    submit=submitting and not views_form_json.photos_follow(request),
                    location=location.fix(),
                    client_id=client_id,
                )
            except ValidationError as error:
                visit = original  # everything was rolled back
                form.add_error(None, _messages_of(error))
            else:
                if views_form_json.photos_follow(request) and submitting:
                    return views_form_json.saved(visit, submitting=True)  # no message yet
                if submitting:
                    messages.success(request, _("The visit was submitted for review."))
                    return redirect("beneficiaries:visit_detail", pk=visit.pk)
                messages.success(
                    request, _("Draft saved. You can come back to it and submit it when ready.")
                )
                if views_form_json.wants_json(request):
                    return views_form_json.saved(visit, submitting=False)
                return redirect("beneficiaries:visit_edit", pk=visit.pk)
    else:
        contents = (
            selectors.visit_contents(visit)
            if visit
            else {"lines": [], "referrals": [], "feedback": []}
        )
        initial = (
            {
                "project": visit.project_id,
                "visit_date": visit.visit_date,
                "findings": visit.findings,
                "place": visit_place_shown(visit),
            }
            if visit
            else {"visit_date": timezone.localdate()}
        )
        form = VisitForm(initial=initial, user=user)
        keys = reach_keys(contents["lines"])
        lines = LineFormSet(
            prefix="lines",
            initial=line_initial(contents["lines"], visit.visit_date if visit else None, keys),
            form_kwargs={"project": visit.project if visit else None, "sectors": sectors},
        )
        reaches = ReachFormSet(prefix="reaches", initial=reach_initial(contents["lines"], keys))
        photos = PhotoFormSet(prefix="photos")
        location = LocationForm()
        referrals = ReferralFormSet(
            prefix="referrals", initial=referral_initial(contents["referrals"])
        )
        feedback = [
            FeedbackFormSet(survey=survey, initial=feedback_initial(contents["feedback"], survey))
            for survey in surveys
        ]
    if request.method == "POST" and views_form_json.wants_json(request):
        formsets = [lines, referrals, photos, *feedback, *([reaches] if reaches else [])]
        return views_form_json.refused([form, location], formsets)
    has_errors = request.method == "POST" and (
        form.errors
        or lines.total_error_count()
        or referrals.total_error_count()
        or (reaches is not None and reaches.total_error_count())
        or photos.total_error_count()
        or any(formset.total_error_count() for formset in feedback)
        or location.errors
    )
    return render(
        request,
        "beneficiaries/visit_form.html",
        {
            "visit": visit,
            "form": form,
            "lines": lines,
            "reaches": reaches if reaches is not None else ReachFormSet(prefix="reaches"),
            "referrals": referrals,
            "feedback": feedback,
            "photos": photos,
            "location_form": location,
            "saved_location": selectors.visit_location(visit),
            "saved_photos": selectors.visit_photos(visit),
            "offline_text": offline_text() if visit is None else None,
            "age_headers": AGE_HEADERS,
            "has_errors": has_errors,
        },
        status=200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    if not access.visit_can_create(request.user):
        raise Http404
    return _visit_form_page(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.visit_for_user(request.user, pk, write=True)
    return _visit_form_page(request, visit)


# --- A visit's page and its workflow ------------------------------------------------


def _detail(
    request: HttpRequest,
    visit: MonitoringVisit,
    *,
    photo_form: PhotoForm | None = None,
    return_form: ReturnForm | None = None,
    close_form: ReferralCloseForm | None = None,
    close_errors_for: int | None = None,
) -> HttpResponse:
    user = request.user
    can_write = access.visit_can_write(user, visit)
    can_review = access.visit_can_review(user, visit)
    return render(
        request,
        "beneficiaries/visit_detail.html",
        {
            "visit": visit,
            **selectors.visit_contents(visit),
            "history": selectors.visit_history(visit),
            "location": selectors.visit_location(visit),
            "can_write": can_write,
            "can_review": can_review,
            "can_approve": can_review and visit.status == ReviewStatus.SUBMITTED,
            "can_close_referrals": access.visit_can_close_referrals(user, visit),
            "close_form": close_form
            or ReferralCloseForm(initial={"closed_on": timezone.localdate()}),
            "close_errors_for": close_errors_for,
            "photo_form": photo_form or (PhotoForm() if can_write else None),
            "return_form": return_form or (ReturnForm() if can_review else None),
        },
    )


@require_http_methods(["GET", "HEAD"])
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.visit_for_user(request.user, pk))


def _transition(request: HttpRequest, service, visit: MonitoringVisit, done: str, **kwargs):
    try:
        service(visit=visit, user=request.user, **kwargs)
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
        return False
    messages.success(request, done)
    return True


@require_POST
def visit_submit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.visit_for_user(request.user, pk, write=True)
    _transition(request, services.visit_submit, visit, _("The visit was submitted for review."))
    return redirect("beneficiaries:visit_detail", pk=visit.pk)


@require_POST
def visit_approve(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.visit_for_user(request.user, pk, review=True)
    if _transition(
        request,
        services.visit_approve,
        visit,
        _("Visit approved: its figures now count in the indicators."),
    ):
        return redirect("beneficiaries:visit_list")
    return redirect("beneficiaries:visit_detail", pk=visit.pk)


@require_POST
def visit_return(request: HttpRequest, pk: int) -> HttpResponse:
    visit = access.visit_for_user(request.user, pk, review=True)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.visit_return(
                visit=visit, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, _messages_of(error))
        else:
            messages.success(request, _("The visit was returned to its monitor."))
            return redirect("beneficiaries:visit_list")
    return _detail(request, visit, return_form=form)


@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a photo to the visit; the offline form's phone (``Accept:
    application/json``) gets JSON: 201 with the photo's id (also for a retry
    with the same ``client_id``), or 400 with the messages per field."""
    visit = access.visit_for_user(request.user, pk, write=True)
    form = PhotoForm(request.POST, request.FILES)
    phone = "application/json" in request.headers.get("Accept", "")
    if form.is_valid():
        try:
            photo = services.photo_add(
                visit=visit,
                user=request.user,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                credit=form.cleaned_data["credit"],
                client_id=form.cleaned_data["client_id"],
            )
        except ValidationError as error:
            form.add_error(None, _messages_of(error))
        else:
            if phone:
                return JsonResponse({"id": photo.pk}, status=201)
            messages.success(request, _("Photo added, without its location data."))
            return redirect("beneficiaries:visit_detail", pk=visit.pk)
    if phone:
        errors = {field: [str(m) for m in found] for field, found in form.errors.items()}
        return JsonResponse(errors, status=400)
    return _detail(request, visit, photo_form=form)


@require_POST
def photo_delete(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    visit = access.visit_for_user(request.user, pk, write=True)
    photo = visit.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    _transition(
        request,
        lambda **kwargs: services.photo_delete(photo=photo, **kwargs),
        visit,
        _("Photo removed."),
    )
    return redirect("beneficiaries:visit_detail", pk=visit.pk)


@require_POST
def referral_close(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    """A manager of the visit's scope marks one of its referrals closed."""
    referral = access.referral_for_user(request.user, pk, referral_pk)
    form = ReferralCloseForm(request.POST)
    if form.is_valid():
        try:
            services.referral_close(
                referral=referral, user=request.user, closed_on=form.cleaned_data["closed_on"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, _messages_of(error))
        else:
            messages.success(request, _("Referral marked closed."))
            return redirect(f"{reverse('beneficiaries:visit_detail', args=[pk])}#referrals")
    visit = access.visit_for_user(request.user, pk)
    return _detail(request, visit, close_form=form, close_errors_for=referral.pk)


@require_GET
def media(request: HttpRequest, path: str) -> FileResponse:
    """A stored visit photo, for a user who may see its visit (see
    ``photo_for_user``); anything else under MEDIA_ROOT, such as snapshot
    PDFs (served by their logged download view), is a 404. Photos show
    vulnerable people, so no web server serves the media folder directly."""
    photo = photo_for_user(request.user, path)
    if photo is None:
        raise Http404
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    return response
