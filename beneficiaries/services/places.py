"""Where a visit went or a delivery was made: a place inside its project's
coverage (anywhere in Iraq for a national project), the finest known, with
the coarser levels derived (``beneficiaries/models_place.py``). A visit or
record given no place takes its project's one place; a project covering
several places, or the whole country, needs one given."""

from __future__ import annotations

from django.utils.translation import gettext as _

from beneficiaries.models_place import Place, PlacedRecord
from programmes.access import user_role
from programmes.models import District, Governorate, Project, SubDistrict, UserProfile
from programmes.places import place_label
from programmes.services_coverage import coverage_label, project_coverage


def _levels(place: Place) -> tuple[int, int | None]:
    """(governorate id, district id or None) of ``place``."""
    if isinstance(place, Governorate):
        return place.pk, None
    district = place.district if isinstance(place, SubDistrict) else place
    return district.governorate_id, district.pk


def place_covered(project: Project, place: Place, coverage=None) -> bool:
    """Whether ``place`` lies inside ``project``'s coverage (``coverage``:
    ``project_coverage(project)`` when the caller has it)."""
    if project.national:
        return True
    governorate, district = _levels(place)
    for covered in coverage if coverage is not None else project_coverage(project):
        if isinstance(covered, District):
            if covered.pk == district:
                return True
        elif covered.pk == governorate:
            return True
    return False


def place_default(project: Project) -> Place | None:
    """The place a visit or record of ``project`` has when none is given: the
    project's one place (None for a national or multi-place project)."""
    if project.national:
        return None
    if project.district_id:
        return project.district
    return project.governorate if project.governorate_id else None


def place_errors(
    *, project: Project | None, place: Place | None, field: str = "place", coverage=None
) -> dict[str, str]:
    """Why ``place`` cannot be where a visit to (or a delivery of)
    ``project`` took place, as {``field``: message} naming the place and the
    project's coverage (``coverage``: ``project_coverage(project)`` when the
    caller has it). None is fine for a one-place project (its place)."""
    if project is None:
        return {}
    if place is None:
        if place_default(project) is not None:
            return {}
        if project.national:
            return {
                field: _(
                    "%(project)s covers the whole of Iraq: give the place (a governorate, "
                    "district or sub-district)."
                )
                % {"project": project.code}
            }
        return {
            field: _("%(project)s covers several places (%(coverage)s): give the place.")
            % {"project": project.code, "coverage": coverage_label(project_coverage(project))}
        }
    if coverage is None:
        coverage = project_coverage(project)
    if place_covered(project, place, coverage):
        return {}
    return {
        field: _("%(place)s is outside the places %(project)s covers: %(coverage)s.")
        % {
            "place": place_label(place),
            "project": project.code,
            "coverage": coverage_label(coverage),
        }
    }


def place_settle(record: PlacedRecord, *, project: Project, place: Place | None) -> None:
    """Give ``record`` (a visit or an assistance record of ``project``) the
    place ``place``, or the project's own when None; coarser levels derived.
    The caller checked it with ``place_errors``. Does not save."""
    record.place_set(place if place is not None else place_default(project))


def place_scope_errors(*, user, place: Place | None, field: str = "place") -> dict[str, str]:
    """Why ``user`` (field staff) may not record work at ``place``: a monitor
    records in their governorates only (a national project's too). Empty for
    everyone else, and for no place (the project's own, already in scope)."""
    if place is None or user_role(user) != UserProfile.Role.MONITOR:
        return {}
    governorate, _district = _levels(place)
    if user.profile.governorates.filter(pk=governorate).exists():
        return {}
    return {field: _("%(place)s is not in your governorates.") % {"place": place_label(place)}}
