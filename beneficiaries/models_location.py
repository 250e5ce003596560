"""Where the monitor's phone was when they recorded a visit, given with their
consent (the visit form's "Add my location"), and how it compares with the
visit's place. Kept beside ``beneficiaries.models`` (which imports it); one
row per visit at most. Staff in scope see it; donors, their exports and the
API's donor views never do (``beneficiaries.access.visit_locations_for_user``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

PLACE_NAME_MAX_LENGTH = 200


class VisitLocation(models.Model):
    """The phone's position for one visit: latitude and longitude (WGS84
    degrees), the accuracy the phone reported (metres) and when it was
    taken; and, worked out when saved, how far outside the visit's place
    it is (0 inside, None when the place has no boundary) and which place
    that was."""

    visit = models.OneToOneField(
        "beneficiaries.MonitoringVisit", on_delete=models.CASCADE, related_name="location"
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"))
    captured_at = models.DateTimeField(_("captured at"))
    outside_km = models.FloatField(
        _("distance outside the place (km)"),
        null=True,
        blank=True,
        help_text=_("0 inside the visit's place; empty when the place has no boundary."),
    )
    checked_against = models.CharField(
        _("place checked"), max_length=PLACE_NAME_MAX_LENGTH, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("visit location")
        verbose_name_plural = _("visit locations")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="visitlocation_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.latitude}, {self.longitude} ±{self.accuracy_m} m"

    @property
    def inside(self) -> bool | None:
        """True inside the place, False outside, None when unknown."""
        return None if self.outside_km is None else self.outside_km == 0
