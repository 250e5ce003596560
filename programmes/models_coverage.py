"""Where a project works: its coverage, one row per place (a governorate, or
a district with its governorate derived). Kept beside ``programmes.models``,
which imports it so that it stays registered with this app.

A national project has no rows (it covers all of Iraq). A district and its
own governorate are never both in one coverage: the governorate already
covers the district. The database refuses both that and a district stored
with another governorate than its own (migration 0015).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programmes.models import District, Governorate, Project


class ProjectPlace(models.Model):
    """One place a project covers: a whole governorate (``district`` empty),
    or one of its districts."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="coverage", verbose_name=_("project")
    )
    governorate = models.ForeignKey(
        Governorate,
        on_delete=models.PROTECT,
        related_name="project_places",
        verbose_name=_("governorate"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_places",
        verbose_name=_("district"),
    )

    class Meta:
        ordering = ["governorate__pcode", "district__pcode"]
        verbose_name = _("place covered")
        verbose_name_plural = _("places covered")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "governorate"],
                condition=Q(district__isnull=True),
                name="project_place_governorate_once",
            ),
            models.UniqueConstraint(
                fields=["project", "district"],
                condition=Q(district__isnull=False),
                name="project_place_district_once",
            ),
        ]
        indexes = [models.Index(fields=["governorate", "project"])]

    def __str__(self) -> str:
        return str(self.district or self.governorate)

    @property
    def place(self) -> Governorate | District:
        """The place itself: the district, or the whole governorate."""
        return self.district if self.district_id else self.governorate


def project_where(project: Project) -> str:
    """How a choice list names where ``project`` works: its governorate, or
    "national", or "several places"; no query once its governorate is loaded."""
    if project.national:
        return str(_("national"))
    if project.governorate_id is None:
        return str(_("several places"))
    return project.governorate.name_iom
