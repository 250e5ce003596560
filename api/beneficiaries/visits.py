"""Monitoring visits over the API, with the review workflow as actions.

Every visit is fetched through ``beneficiaries.access.visit_for_user``,
as the pages do: reading needs the visit in the user's scope; changing and
submitting need it to be theirs (or an administrator's) and still a draft or
returned (``write``); approving and returning need a manager of its scope or
an administrator who is not its monitor (``review``). Anything else is "not
found". Writes go through ``beneficiaries.services``; a rule they refuse is a
400 with its message by field.
"""

from __future__ import annotations

import uuid

import django_filters
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ApiViewSet, LocalIntegerField
from api.beneficiaries.filters import PLACE_DEFER, PLACE_RELATED, PlacedRecordFilter
from api.list_cache import kept_list
from api.programmes import PlaceField
from beneficiaries import access, services
from beneficiaries.models import (
    ISSUE_MAX_LENGTH,
    RECIPIENT_FIELDS,
    RETURN_REASON_MAX_LENGTH,
    SPLIT_FIELDS,
    ActivityType,
    MonitoringVisit,
    Survey,
)
from beneficiaries.services.location import MAX_ACCURACY_M
from beneficiaries.services.reach import (
    REACH_KEY_MAX_LENGTH,
    ReachGiven,
    SharingLine,
    shared_reach_errors,
)
from exports import hxl
from programmes.places import LEVELS, SUBDISTRICT


class ProjectChoiceField(serializers.PrimaryKeyRelatedField):
    """A project the user may record a visit to (``visit_projects``): any
    other id, in scope or not, is "does not exist"."""

    def get_queryset(self):
        return access.visit_projects(self.context["request"].user)


class VisitLineSerializer(serializers.Serializer):
    """One assistance line sent with a new visit (from a phone's queue)."""

    activity_type = serializers.PrimaryKeyRelatedField(queryset=ActivityType.objects.all())
    units = LocalIntegerField(min_value=0)
    households = LocalIntegerField(min_value=0)
    people = LocalIntegerField(min_value=0)
    household_size = LocalIntegerField(required=False, allow_null=True)
    delivered_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_(
            "The day delivered: by default the visit's day; an earlier day within the "
            "visit's period (its quarter, up to the visit's day)."
        ),
    )
    reach = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=REACH_KEY_MAX_LENGTH,
        help_text=_(
            "The key of a shared reach given in the visit's reaches: this line's households "
            "and people are that reach's, counted once for all its lines (give 0 here)."
        ),
    )

    def get_fields(self):
        return _with_splits(super().get_fields())


def _with_splits(fields: dict) -> dict:
    """``fields`` with the splits as recorded (``sex_f`` ... ``pop_refugee``):
    each optional, null or absent for not recorded; the crossing cells
    (``f_18_59_idp`` ...): each optional, absent for 0; and the two-way
    ``crossings`` (``{"sex_age": {"f_18_59": 40}}``), absent or null for none."""
    for column in SPLIT_FIELDS:
        fields[column] = LocalIntegerField(min_value=0, required=False, allow_null=True)
    for column in RECIPIENT_FIELDS:
        fields[column] = LocalIntegerField(min_value=0, required=False, default=0)
    fields["crossings"] = serializers.JSONField(required=False, allow_null=True)
    return fields


def _line_recipients(line: dict) -> dict:
    """A sent line's crossing cells and split columns, as the services take them."""
    return {
        **{column: line.get(column, 0) for column in RECIPIENT_FIELDS},
        **{column: line.get(column) for column in SPLIT_FIELDS},
        "crossings": line.get("crossings"),
    }


class VisitReachSerializer(serializers.Serializer):
    """Households and people several lines of a new visit reached together:
    "29 joint and 9 association businesses reaching 110 households"."""

    key = serializers.CharField(
        max_length=REACH_KEY_MAX_LENGTH, help_text=_("Named by the lines that share it.")
    )
    households = LocalIntegerField(min_value=0)
    people = LocalIntegerField(min_value=0)
    household_size = LocalIntegerField(required=False, allow_null=True)

    def get_fields(self):
        return _with_splits(super().get_fields())


def _reach_given(item: dict) -> ReachGiven:
    return ReachGiven(
        key=item["key"],
        households=item["households"],
        people=item["people"],
        household_size=item.get("household_size"),
        recipients=_line_recipients(item),
    )


def _sharing(line: dict, visit_date) -> SharingLine:
    return SharingLine(
        reach=line.get("reach"),
        delivered_on=line.get("delivered_on") or visit_date,
        households=line["households"],
        people=line["people"],
        household_size=line.get("household_size"),
        recipients=_line_recipients(line),
    )


class VisitReferralSerializer(serializers.Serializer):
    """An issue found on a new visit and whom it was referred to."""

    issue = serializers.CharField(max_length=ISSUE_MAX_LENGTH)
    referred_to = serializers.CharField(max_length=200)


class VisitFeedbackSerializer(serializers.Serializer):
    """One beneficiary's answers to a survey, collected on a new visit:
    ``answers`` maps question ids to answer codes."""

    survey = serializers.PrimaryKeyRelatedField(queryset=Survey.objects.all())
    sex = serializers.CharField(required=False, allow_blank=True, default="")
    age_group = serializers.CharField(required=False, allow_blank=True, default="")
    population_group = serializers.CharField(required=False, allow_blank=True, default="")
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True), default=dict)

    def validate(self, data):
        questions = {str(q.pk): q for q in data["survey"].questions.all()}
        unknown = set(data["answers"]) - set(questions)
        if unknown:
            raise serializers.ValidationError(
                {
                    "answers": [
                        _("These questions are not in the survey: %(ids)s.")
                        % {"ids": ", ".join(sorted(unknown))}
                    ]
                }
            )
        data["answers"] = {questions[key]: value for key, value in data["answers"].items()}
        return data


class VisitLocationSerializer(serializers.Serializer):
    """The phone's position when the visit was recorded, given with the
    monitor's consent, and how far outside the visit's place it was. Read by
    staff of the visit's scope only (``access.visit_location_for_user``);
    null for a visit without one. Donors never see visits at all."""

    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    accuracy_m = serializers.FloatField(
        min_value=0, max_value=MAX_ACCURACY_M, help_text=_("In metres, as the phone reported it.")
    )
    captured_at = serializers.DateTimeField()
    outside_km = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text=_("0 inside the visit's place; null when the place has no boundary."),
    )
    checked_against = serializers.CharField(
        read_only=True, help_text=_("The place the position was checked against.")
    )

    def get_attribute(self, instance):
        return access.visit_location_for_user(self.context["request"].user, instance)


class VisitSerializer(serializers.ModelSerializer):
    project = ProjectChoiceField(help_text=_("The id of the project visited."))
    client_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text=_(
            "An id the client makes for a new visit (a UUID): a POST retried with the same "
            "id returns the visit made the first time (200) instead of a second one."
        ),
    )
    lines = VisitLineSerializer(
        many=True,
        write_only=True,
        required=False,
        help_text=_("Assistance lines of a new visit, saved with it in one transaction."),
    )
    reaches = VisitReachSerializer(
        many=True,
        write_only=True,
        required=False,
        help_text=_(
            "Shared reaches of the new visit's lines: each counted once, however many "
            "lines share it."
        ),
    )
    referrals = VisitReferralSerializer(many=True, write_only=True, required=False)
    feedback = VisitFeedbackSerializer(many=True, write_only=True, required=False)
    location = VisitLocationSerializer(required=False, allow_null=True)
    submit = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=_("Submit the new visit for review at once."),
    )
    project_code = serializers.CharField(source="project.code", read_only=True)
    governorate = serializers.CharField(
        source="governorate.pcode",
        read_only=True,
        help_text=_("P-code of the visit's governorate (derived from its place)."),
    )
    district = serializers.CharField(
        source="district.pcode",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("P-code of the visit's district (derived from its place), if known."),
    )
    programme = serializers.CharField(source="project.programme.code", read_only=True)
    place = PlaceField(
        levels=LEVELS,
        required=False,
        allow_null=True,
        help_text=_(
            "Where the visit went, the finest known: a sub-district, district or governorate "
            "inside the project's coverage (anywhere for a national project). By default the "
            "project's one place; needed for a national or multi-place project."
        ),
    )
    subdistrict = PlaceField(level=SUBDISTRICT, required=False, allow_null=True)
    monitor = serializers.CharField(source="monitor.username", read_only=True)
    reviewed_by = serializers.CharField(
        source="reviewed_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = MonitoringVisit
        fields = [
            "id",
            "client_id",
            "project",
            "project_code",
            "governorate",
            "district",
            "programme",
            "place",
            "subdistrict",
            "monitor",
            "visit_date",
            "findings",
            "status",
            "return_reason",
            "submitted_at",
            "reviewed_at",
            "reviewed_by",
            "created_at",
            "updated_at",
            "lines",
            "reaches",
            "referrals",
            "feedback",
            "location",
            "submit",
        ]
        read_only_fields = [
            "status",
            "return_reason",
            "submitted_at",
            "reviewed_at",
            "created_at",
            "updated_at",
        ]

    def validate(self, data):
        """A new visit's lines checked one by one, so that each problem (an
        activity type outside the project's sector, more households than
        people) names its line: ``{"lines": [{}, {"activity_type": [...]}]}``,
        which a phone shows by the field it typed."""
        project, lines = data.get("project"), data.get("lines") or []
        found = [
            services.assistance_line_errors(
                project=project,
                activity_type=line["activity_type"],
                units=line["units"],
                households=line["households"],
                people=line["people"],
                household_size=line.get("household_size"),
                recipients=_line_recipients(line),
            )
            for line in lines
        ]
        if any(found):
            raise serializers.ValidationError(
                {"lines": [{key: [text] for key, text in errors.items()} for errors in found]}
            )
        reaches = data.get("reaches") or []
        if reaches or any(line.get("reach") for line in lines):
            by_line, by_reach = shared_reach_errors(
                [_reach_given(item) for item in reaches],
                [_sharing(line, data.get("visit_date")) for line in lines],
            )
            problems = {}
            if any(by_line):
                problems["lines"] = [
                    {key: [text] for key, text in errors.items()} for errors in by_line
                ]
            if any(by_reach):
                problems["reaches"] = [
                    {key: [text] for key, text in errors.items()} for errors in by_reach
                ]
            if problems:
                raise serializers.ValidationError(problems)
        return data

    def create(self, validated_data):
        return services.visit_save(
            user=self.context["request"].user,
            visit=None,
            project=validated_data["project"],
            visit_date=validated_data["visit_date"],
            findings=validated_data.get("findings", ""),
            lines=[
                services.LineChange(
                    activity_type=line["activity_type"],
                    units=line["units"],
                    households=line["households"],
                    people=line["people"],
                    household_size=line.get("household_size"),
                    recipients=_line_recipients(line),
                    delivered_on=line.get("delivered_on"),
                    reach=line.get("reach"),
                )
                for line in validated_data.get("lines", [])
            ],
            reaches=[_reach_given(item) for item in validated_data.get("reaches", [])],
            referrals=[
                services.ReferralChange(issue=item["issue"], referred_to=item["referred_to"])
                for item in validated_data.get("referrals", [])
            ],
            feedback=[
                services.FeedbackChange(
                    survey=item["survey"],
                    answers=item["answers"],
                    sex=item["sex"],
                    age_group=item["age_group"],
                    population_group=item["population_group"],
                )
                for item in validated_data.get("feedback", [])
            ],
            submit=validated_data.get("submit", False),
            client_id=validated_data.get("client_id"),
            place=_place(validated_data, None),
            location=(
                services.LocationFix(**validated_data["location"])
                if validated_data.get("location")
                else None
            ),
        )

    def update(self, instance, validated_data):
        return services.visit_update(
            visit=instance,
            user=self.context["request"].user,
            project=validated_data.get("project", instance.project),
            visit_date=validated_data.get("visit_date", instance.visit_date),
            findings=validated_data.get("findings", instance.findings),
            place=_place(validated_data, instance),
        )


def _place(data: dict, visit):
    """The place a write gives (``place``, or ``subdistrict`` as clients of
    old send it); else the visit's own, unless it moves to another project
    (then the new project's one place)."""
    for name in ("place", "subdistrict"):
        if name in data:
            return data[name]
    if visit is None or data.get("project", visit.project) != visit.project:
        return None
    return visit.place


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=RETURN_REASON_MAX_LENGTH,
        help_text=_("What the monitor must correct: they will read it."),
    )


class VisitFilter(PlacedRecordFilter):
    project = django_filters.NumberFilter(field_name="project_id", help_text=_("A project id."))
    visit_date_after = django_filters.DateFilter(field_name="visit_date", lookup_expr="gte")
    visit_date_before = django_filters.DateFilter(field_name="visit_date", lookup_expr="lte")

    class Meta:
        model = MonitoringVisit
        fields = [
            "status",
            "governorate",
            "district",
            "programme",
            "project",
            "visit_date_after",
            "visit_date_before",
        ]


_NOT_FOUND = OpenApiResponse(description=_("No such visit, or not yours to act on."))


class VisitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ApiViewSet,
):
    """Monitoring visits (``visits_for_user``): a monitor's own, in their
    governorates; a manager's scope without drafts; everything for an
    administrator; nothing for a donor. Field staff and administrators
    record visits (as drafts) and change them while draft or returned; the
    workflow moves them with the ``submit``, ``approve`` and ``return``
    actions."""

    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    count_under_stamp = True  # visits, projects and places move the data stamp
    ordering_fields = ["visit_date", "id", "status"]
    ordering = ["-visit_date", "-id"]
    hxl_tags = hxl.hxl_tags(
        "project_code",
        "visit_date",
        "status",
        governorate="adm1_code",
        programme="programme_code",
    )

    def get_queryset(self):
        return (
            access.visits_for_user(self.request.user)
            .select_related(
                "project__governorate",
                "project__programme",
                "monitor",
                "reviewed_by",
                "location",
                *PLACE_RELATED,
            )
            .defer("project__governorate__boundary", "project__governorate__aliases", *PLACE_DEFER)
        )

    def list(self, request, *args, **kwargs):
        # Visits, their places, projects and locations and their monitors'
        # and reviewers' names all move the data stamp (indicators 0010,
        # 0014): the page is kept until one of them changes.
        return kept_list(self, request, lambda: super(VisitViewSet, self).list(request))

    def get_object(self):
        pk = self.kwargs["pk"]
        user = self.request.user
        if self.action in ("update", "partial_update", "submit"):
            return access.visit_for_user(user, pk, write=True)
        if self.action in ("approve", "return_"):
            return access.visit_for_user(user, pk, review=True)
        return access.visit_for_user(user, pk)

    def create(self, request, *args, **kwargs):
        """A new visit (201); with a ``client_id`` already sent by this user,
        the visit made then (200), never a second one: a phone retries a send
        whose answer it never got. Another user's id is a 400."""
        if not access.visit_can_create(request.user):
            raise exceptions.PermissionDenied(_("Only field staff record visits."))
        client_id = request.data.get("client_id") if hasattr(request.data, "get") else None
        sent = self._sent_before(client_id)
        if sent is not None:
            return sent
        try:
            return super().create(request, *args, **kwargs)
        except IntegrityError:
            # The same id sent twice at once: the other request made the visit.
            sent = self._sent_before(client_id)
            if sent is None:
                raise
            return sent

    def _sent_before(self, client_id) -> Response | None:
        if not client_id:
            return None
        try:
            client_id = uuid.UUID(str(client_id))
        except ValueError:
            return None  # the serializer says what is wrong with it
        visit, taken = access.visit_sent_before(self.request.user, client_id)
        if taken:
            raise serializers.ValidationError(
                {"client_id": [_("This id is already used by another visit. Make a new one.")]}
            )
        return Response(self.get_serializer(visit).data) if visit is not None else None

    def _moved(self, visit: MonitoringVisit) -> Response:
        visit = access.visit_for_user(self.request.user, visit.pk)
        return Response(self.get_serializer(visit).data)

    @extend_schema(
        request=None,
        responses={200: VisitSerializer, 400: OpenApiResponse(), 404: _NOT_FOUND},
        summary=_("Submit a draft or returned visit for review"),
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        visit = services.visit_submit(visit=self.get_object(), user=request.user)
        return self._moved(visit)

    @extend_schema(
        request=None,
        responses={200: VisitSerializer, 400: OpenApiResponse(), 404: _NOT_FOUND},
        summary=_("Approve a submitted visit (its figures then count)"),
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        visit = services.visit_approve(visit=self.get_object(), user=request.user)
        return self._moved(visit)

    @extend_schema(
        request=ReturnSerializer,
        responses={200: VisitSerializer, 400: OpenApiResponse(), 404: _NOT_FOUND},
        summary=_("Return a submitted or approved visit to its monitor with a reason"),
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        visit = self.get_object()
        form = ReturnSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        visit = services.visit_return(
            visit=visit, user=request.user, reason=form.validated_data["reason"]
        )
        return self._moved(visit)
