"""Checking the rows of a beneficiary list against the data as it is: the
importer's projects, the places (governorates, districts and sub-districts by
P-code, names and aliases, ``programmes.places``), the activity
types and their sectors, the project's period, and the rules of an assistance
line (``beneficiaries.services.assistance_line_errors``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from modeltranslation.utils import get_translation_fields

from beneficiaries.imports.parse import COUNT_COLUMNS, cell_text, parse_count, parse_date
from beneficiaries.models import RECIPIENT_FIELDS, SPLIT_FIELDS, ActivityType
from beneficiaries.models_splits import PAIR_COLUMNS, crossings_from_columns
from beneficiaries.services import assistance_line_errors, place_errors
from programmes.access import projects_for_user, user_role
from programmes.models import UserProfile
from programmes.places import (
    GOVERNORATE,
    Place,
    place_governorate,
    place_index,
    place_label,
    place_level,
    place_resolve,
)
from programmes.services_coverage import project_coverage


class Rules:
    """What a row is checked against, read once per run (a handful of queries)."""

    def __init__(self, user):
        self.projects = {
            project.code.casefold(): project
            for project in projects_for_user(user)
            .select_related("governorate", "district")
            .defer("governorate__boundary", "district__boundary")
        }
        self.activities: dict[str, ActivityType] = {}
        for activity in ActivityType.objects.all():
            self.activities[activity.code.casefold()] = activity
            # Its name in any language (``translation.py``), as the sheet's writer knows it.
            for column in get_translation_fields("name"):
                if name := getattr(activity, column):
                    self.activities[" ".join(name.split()).casefold()] = activity
        self.places = place_index()
        self.resolved: dict[str, tuple[Place | None, str]] = {}
        self.sector_errors: dict[tuple[int, int], str | None] = {}
        self.coverages: dict[int, list] = {}
        # A monitor imports rows of their governorates only (a national
        # project's too); None: anywhere.
        self.governorates = (
            set(user.profile.governorates.values_list("pk", flat=True))
            if user_role(user) == UserProfile.Role.MONITOR
            else None
        )
        self.today = timezone.localdate()

    def place(self, name: str) -> tuple[Place | None, str]:
        """The place a cell names, or None and why (the closest names); once per spelling."""
        if name not in self.resolved:
            try:
                self.resolved[name] = (place_resolve(name, index=self.places), "")
            except ValidationError as error:
                self.resolved[name] = (None, error.messages[0])
        return self.resolved[name]

    def place_errors(self, project, place: Place, column: str) -> dict[str, str]:
        """``services.place_errors`` of a row, by ``column``, the project's
        coverage read once per project."""
        if project.pk not in self.coverages:
            self.coverages[project.pk] = project_coverage(project)
        errors = place_errors(
            project=project, place=place, field=column, coverage=self.coverages[project.pk]
        )
        if not errors and self.governorates is not None:
            if place_governorate(place).pk not in self.governorates:
                errors = {
                    column: _("%(place)s is not in your governorates.")
                    % {"place": place_label(place)}
                }
        return errors

    def sector_error(self, project, activity) -> str | None:
        key = (project.pk, activity.pk)
        if key not in self.sector_errors:
            errors = assistance_line_errors(
                project=project,
                activity_type=activity,
                units=0,
                households=0,
                people=0,
                household_size=None,
                recipients={},
            )
            self.sector_errors[key] = errors.get("activity_type")
        return self.sector_errors[key]


def check_row(row: dict, rules: Rules) -> tuple[dict, list[tuple[str, str]]]:
    """The row's values for a record, and its errors as [(column, message)]."""
    errors: list[tuple[str, str]] = []
    formulas = set()
    for column, value in row.items():
        if isinstance(value, str) and len(value.strip()) > 1 and value.strip()[0] == "=":
            formulas.add(column)
            message = _("This cell holds a formula (%(formula)s): paste its value instead.")
            errors.append((column, message % {"formula": value.strip()[:40]}))

    def fail(column: str, message: str, given: str = "", **names) -> None:
        """An error of ``column``; "required" when nothing was ``given``."""
        if column not in formulas:
            errors.append((column, message % names if given else _("This column is required.")))

    code = cell_text(row.get("project"))
    project = rules.projects.get(code.casefold())
    if project is None:
        message = _("No project “%(code)s” among the projects you enter data for.")
        fail("project", message, code, code=code)
    # The governorate (required) and the district or sub-district (optional)
    # may each be any place name the matcher knows; the finest is the record's
    # place, which must lie inside the project's coverage.
    place, place_column = None, "governorate"
    for column in ("governorate", "district"):
        name = cell_text(row.get(column))
        if column in formulas or (not name and column == "district"):
            continue
        if not name:
            fail(column, "")
            continue
        found, problem = rules.place(name)
        problem = problem or _nesting_error(found, place, column)
        if problem:
            errors.append((column, problem))
            place = None
            break
        place, place_column = found, column
    if project is not None and place is not None:
        errors.extend(rules.place_errors(project, place, place_column).items())
    activity_name = cell_text(row.get("activity_type"))
    activity = rules.activities.get(activity_name.casefold())
    if activity is None:
        message = _("Unknown activity type “%(name)s”: use a name listed on the import page.")
        fail("activity_type", message, activity_name, name=activity_name)
    day = None
    try:
        day = parse_date(row.get("delivered_on")) if "delivered_on" not in formulas else None
    except ValueError as exc:
        errors.append(("delivered_on", str(exc)))
    else:
        if day is None:
            fail("delivered_on", "")
        elif day > rules.today:
            errors.append(("delivered_on", _("This date is in the future.")))
        elif project and not (project.start_date <= day <= (project.end_date or day)):
            message = _("Project %(code)s ran from %(start)s to %(end)s, not on this day.")
            end = project.end_date.isoformat() if project.end_date else "…"
            start = project.start_date.isoformat()
            fail("delivered_on", message, str(day), code=project.code, start=start, end=end)
    counts: dict[str, int | None] = {}
    for column in [*COUNT_COLUMNS, *PAIR_COLUMNS, "household_size"]:
        try:
            counts[column] = None if column in formulas else parse_count(row.get(column))
        except ValueError as exc:
            errors.append((column, str(exc)))
    if counts.get("people", 0) is None:
        fail("people", "")
    # Two-way crossings as given (the pair columns, e.g. f_18_59: no group).
    crossings = crossings_from_columns(counts)
    counted = {*COUNT_COLUMNS, *PAIR_COLUMNS, "household_size"}
    if not any(column in counted for column, _m in errors):
        errors.extend(
            assistance_line_errors(
                project=None,
                activity_type=None,
                units=counts["units"],
                households=counts["households"],
                people=counts["people"],
                household_size=counts["household_size"],
                recipients={
                    **{column: counts[column] for column in [*SPLIT_FIELDS, *RECIPIENT_FIELDS]},
                    "crossings": crossings,
                },
            ).items()
        )
    if project is not None and activity is not None:
        if message := rules.sector_error(project, activity):
            errors.append(("activity_type", message))
    values = {
        "project": project,
        "place": place,
        "activity_type": activity,
        "delivered_on": day,
        **{column: counts.get(column) or 0 for column in COUNT_COLUMNS},
        # A split column left empty is not recorded (not 0).
        **{column: counts.get(column) for column in SPLIT_FIELDS},
        "household_size": counts.get("household_size"),
        "crossings": crossings,
        "reach": cell_text(row.get("shared_reach")),
    }
    return values, errors


def _nesting_error(place: Place, governorate: Place | None, column: str) -> str | None:
    """Why the district cell's ``place`` cannot go with the governorate cell's,
    or None: a district or sub-district of that governorate."""
    if column != "district":
        return None
    if place_level(place) == GOVERNORATE:
        return _("%(name)s is a governorate: give a district or sub-district here.") % {
            "name": place.name_en
        }
    if governorate is not None and place_governorate(place).pk != governorate.pk:
        return _("%(name)s is in %(its)s, not in %(given)s.") % {
            "name": place.name_en,
            "its": place_governorate(place).name_iom,
            "given": governorate.name_iom,
        }
    return None


def preview_row(number: int, values: dict, errors: list) -> dict:
    return {
        "row": number,
        "project": values["project"].code if values["project"] else "",
        "governorate": place_governorate(values["place"]).name_iom if values["place"] else "",
        "activity_type": values["activity_type"].name if values["activity_type"] else "",
        "delivered_on": values["delivered_on"].isoformat() if values["delivered_on"] else "",
        "units": values["units"],
        "households": values["households"],
        "people": values["people"],
        "household_size": values["household_size"],
        "breakdown": sum(values[column] for column in RECIPIENT_FIELDS),
        "ok": not errors,
    }
