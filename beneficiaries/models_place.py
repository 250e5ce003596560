"""Where a visit went or a delivery was made: its own place, the finest known
(a sub-district, a district or a governorate), with the coarser ones derived
and stored beside it so that the indicator engine and the scope read them
without joins. Kept beside ``beneficiaries.models``, whose visit and record
models take these columns from ``PlacedRecord``.

The coarser columns are never entered: ``place_set`` derives them in Python
(the services call it), and a trigger (migration 0011) derives them again in
the database, fills the place of a one-place project when none is given, and
refuses a place outside the project's coverage, whatever wrote the row
(bulk imports, the demo's COPY).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.models import District, Governorate, SubDistrict

Place = Governorate | District | SubDistrict


class PlacedRecord(models.Model):
    """The derived district and governorate of a record with a ``subdistrict``."""

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("district"),
        help_text=_("Derived from the sub-district, or the finest place given."),
    )
    governorate = models.ForeignKey(
        Governorate,
        on_delete=models.PROTECT,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("governorate"),
        help_text=_("Derived from the district, or the place given."),
    )

    class Meta:
        abstract = True

    @property
    def place(self) -> Place | None:
        """The finest place known: the sub-district, district or governorate."""
        if self.subdistrict_id:
            return self.subdistrict
        if self.district_id:
            return self.district
        return self.governorate if self.governorate_id else None

    def place_set(self, place: Place | None) -> None:
        """Make ``place`` this record's (None: no place yet), with the coarser
        levels derived from it. Does not save."""
        subdistrict = place if isinstance(place, SubDistrict) else None
        district = subdistrict.district if subdistrict else place
        district = district if isinstance(district, District) else None
        governorate = district.governorate if district else place
        self.subdistrict = subdistrict
        self.district = district
        self.governorate = governorate if isinstance(governorate, Governorate) else None
