"""A visit's location: the phone's position, given with the monitor's
consent, saved with the accuracy the phone reported and checked against the
visit's place (``programmes.geo``)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from beneficiaries.models import MonitoringVisit, VisitLocation
from programmes.geo import distance_outside_km

SIX_PLACES = Decimal("0.000001")
# A position vaguer than this says nothing about the place (and would not fit the column).
MAX_ACCURACY_M = 1_000_000


@dataclass(frozen=True)
class LocationFix:
    """What the phone reported: degrees (WGS84), accuracy in metres, when."""

    latitude: float
    longitude: float
    accuracy_m: float
    captured_at: dt.datetime


def location_errors(fix: LocationFix) -> dict[str, str]:
    """What is wrong with ``fix``, by field; empty when it can be kept."""
    errors = {}
    if not all(math.isfinite(v) for v in (fix.latitude, fix.longitude, fix.accuracy_m)):
        return {"location": _("The phone's position is not a number: take it again.")}
    if not -90 <= fix.latitude <= 90:
        errors["latitude"] = _("The latitude must be between -90 and 90 degrees.")
    if not -180 <= fix.longitude <= 180:
        errors["longitude"] = _("The longitude must be between -180 and 180 degrees.")
    if not 0 <= fix.accuracy_m <= MAX_ACCURACY_M:
        errors["accuracy_m"] = _("The accuracy must be between 0 and %(max)s metres.") % {
            "max": MAX_ACCURACY_M
        }
    return errors


def visit_place(visit: MonitoringVisit) -> tuple[str, dict | None]:
    """The finest place the visit names that has a boundary: its
    sub-district, else its district, else its governorate; as (name,
    GeoJSON geometry), or ("", None)."""
    for place in (visit.subdistrict, visit.district, visit.governorate):
        if place is not None and place.boundary:
            return place.name_en, place.boundary
    return "", None


@transaction.atomic
def visit_location_save(
    *, visit: MonitoringVisit, user, fix: LocationFix | None
) -> VisitLocation | None:
    """Keep ``fix`` as the visit's location (replacing any before), with how
    far outside the visit's place it is; with ``fix`` None, keep what is
    there, checked again against the visit's place (its project or
    sub-district may have changed). Raises ValidationError for a position that cannot be. Who may
    change the visit is decided before (``access.visit_for_user``)."""
    if fix is None:
        location = VisitLocation.objects.filter(visit=visit).first()
        if location is not None:
            _check(location, visit, user)
        return location
    errors = location_errors(fix)
    if errors:
        raise ValidationError(errors)
    location = VisitLocation.objects.filter(visit=visit).first() or VisitLocation(visit=visit)
    location.latitude = Decimal(str(fix.latitude)).quantize(SIX_PLACES, ROUND_HALF_UP)
    location.longitude = Decimal(str(fix.longitude)).quantize(SIX_PLACES, ROUND_HALF_UP)
    location.accuracy_m = round(fix.accuracy_m)
    location.captured_at = fix.captured_at
    _check(location, visit, user)
    return location


def _check(location: VisitLocation, visit: MonitoringVisit, user) -> None:
    """Work out how far outside the visit's place ``location`` is, and save it."""
    name, boundary = visit_place(visit)
    outside = distance_outside_km(
        boundary, lat=float(location.latitude), lon=float(location.longitude)
    )
    location.outside_km = None if outside is None else round(outside, 1)
    location.checked_against = name[:200]
    location._history_user = user
    location.save()
