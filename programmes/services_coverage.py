"""A project's coverage: the places it works in, or the whole country.

``project_create`` and ``project_update`` (``programmes/services.py``) take
the coverage as ``fields["coverage"]``, a list of governorates and districts,
beside the model's ``national`` flag. A caller that gives only the one place
of old (``governorate``/``district``) gets a coverage of that one place, so
existing forms and clients keep working. ``Project.governorate`` and
``district`` are derived here: the one place of a one-place coverage, NULL
for a national or multi-place project.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from programmes.models import District, Governorate, Project
from programmes.models_coverage import ProjectPlace

Covered = Governorate | District

PLACE_FIELDS = ("governorate", "district", "national")


def coverage_label(places: Iterable[Covered]) -> str:
    """How a message names a coverage: "Ninewa, Al-Mosul (district of Ninewa)"."""
    names = []
    for place in places:
        if isinstance(place, District):
            names.append(
                _("%(district)s (district of %(governorate)s)")
                % {"district": place.name_en, "governorate": place.governorate.name_iom}
            )
        else:
            names.append(place.name_iom)
    return ", ".join(names)


def coverage_checked(places: Iterable[Covered], *, national: bool) -> list[Covered]:
    """``places`` without repeats, in P-code order, once checked: a national
    project covers no places of its own, any other at least one, and a
    district never beside its own governorate. Raises ValidationError on
    ``coverage`` otherwise."""
    unique = {(type(p).__name__, p.pk): p for p in places}
    places = sorted(unique.values(), key=lambda p: p.pcode)
    if national and places:
        raise ValidationError(
            {
                "coverage": _(
                    "A national project covers the whole of Iraq: give no places "
                    "(given: %(places)s)."
                )
                % {"places": coverage_label(places)}
            }
        )
    if not national and not places:
        raise ValidationError(
            {"coverage": _("Give the places the project covers, or mark it national.")}
        )
    whole = {p.pk for p in places if isinstance(p, Governorate)}
    for place in places:
        if isinstance(place, District) and place.governorate_id in whole:
            raise ValidationError(
                {
                    "coverage": _(
                        "%(district)s is a district of %(governorate)s, which the coverage "
                        "already holds whole: give the governorate or some of its districts, "
                        "not both."
                    )
                    % {"district": place.name_en, "governorate": place.governorate.name_iom}
                }
            )
    return places


def coverage_derive(project: Project, places: list[Covered]) -> None:
    """Set ``project.governorate`` and ``district`` from its coverage: the one
    place of a one-place coverage, nothing otherwise. Does not save."""
    project._covers_several = len(places) > 1
    if len(places) != 1:
        project.governorate, project.district = None, None
    elif isinstance(places[0], District):
        project.district, project.governorate = places[0], places[0].governorate
    else:
        project.district, project.governorate = None, places[0]


def coverage_wanted(project: Project, fields: dict, given: list | None) -> list[Covered] | None:
    """The coverage a write asks for, once ``fields`` are applied to
    ``project``: ``given`` (the caller's ``coverage``) when there is one;
    else the project's one place when ``fields`` name a place or
    ``national`` (none for a national project); else None: the coverage
    stays (or, for a project with no place at all, the model says what is
    missing)."""
    if given is not None:
        return list(given)
    if not any(name in fields for name in PLACE_FIELDS):
        return None
    if project.national:
        return []
    if project.district_id:
        return [project.district]
    return [project.governorate] if project.governorate_id else None


def coverage_write(project: Project, places: list[Covered]) -> None:
    """Replace the stored coverage of the saved ``project`` by ``places``."""
    ProjectPlace.objects.filter(project=project).delete()
    ProjectPlace.objects.bulk_create(
        ProjectPlace(
            project=project,
            governorate_id=p.governorate_id if isinstance(p, District) else p.pk,
            district=p if isinstance(p, District) else None,
        )
        for p in places
    )


def project_coverage(project: Project) -> list[Covered]:
    """The places ``project`` covers, in P-code order (none for a national
    project), districts with their governorate; a project stored without
    coverage rows (from before them, or by the demo's bulk writes) covers its
    one place. One query."""
    rows = ProjectPlace.objects.filter(project=project).select_related(
        "governorate", "district__governorate"
    )
    rows = rows.defer("governorate__boundary", "district__boundary")
    places = [row.district or row.governorate for row in rows]
    if not places and not project.national:
        places = [p for p in (project.district or project.governorate,) if p is not None]
    return sorted(places, key=lambda p: p.pcode)
