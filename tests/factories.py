"""factory_boy factories for the domain's records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from beneficiaries.models import ActivityType, AssistanceRecord, MonitoringVisit, ReviewStatus
from beneficiaries.models_splits import splits_resolve
from programmes.models import District, Donor, Governorate, Programme, Project, Sector, UserProfile

PASSWORD = "correct-horse-battery-staple"


def governorate(pcode: str = "IQG13") -> Governorate:
    """One of the 18 governorates the migration loads (Kirkuk by default)."""
    return Governorate.objects.get(pcode=pcode)


def district(pcode: str = "IQG13Q01") -> District:
    """One of the 101 districts the migration loads (Al-Hawiga, in Kirkuk, by default)."""
    return District.objects.get(pcode=pcode)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


def user_with_role(
    role: str, *, username: str | None = None, governorates=(), programmes=(), donor=None
):
    """A user with a profile of ``role`` and the given scope."""
    user = UserFactory(**({"username": username} if username else {}))
    profile = UserProfile.objects.create(user=user, role=role, donor=donor)
    profile.governorates.set(governorates)
    profile.programmes.set(programmes)
    return user


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    name = factory.Sequence(lambda n: f"Donor {n}")
    code = factory.Sequence(lambda n: f"D{n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")
    outcome_area = Programme.OutcomeArea.LOCAL_ECONOMIES
    start_date = dt.date(2016, 1, 1)
    end_date = dt.date(2027, 12, 31)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = "livelihoods"
    name = "Livelihoods"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"PRJ-{n:04d}")
    name = factory.Sequence(lambda n: f"Project {n}")
    programme = factory.SubFactory(ProgrammeFactory)
    district = None
    governorate = factory.LazyAttribute(
        lambda o: o.district.governorate if o.district else governorate()
    )
    sector = factory.SubFactory(SectorFactory)
    donor = factory.SubFactory(DonorFactory)
    status = Project.Status.ONGOING
    start_date = dt.date(2017, 1, 1)
    budget_usd = Decimal("100000")


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType
        django_get_or_create = ("code",)

    code = "bsp"
    name = "Business support package"
    unit = "package"


class MonitoringVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringVisit

    project = factory.SubFactory(ProjectFactory)
    # The record's own place, derived as the services derive it (the
    # database's trigger would too, but the object would not know it).
    subdistrict = None
    district = factory.LazyAttribute(
        lambda o: o.subdistrict.district if o.subdistrict else o.project.district
    )
    governorate = factory.LazyAttribute(
        lambda o: o.district.governorate if o.district else o.project.governorate
    )
    monitor = factory.SubFactory(UserFactory)
    visit_date = dt.date(2018, 3, 1)
    status = ReviewStatus.DRAFT


class AssistanceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssistanceRecord

    project = factory.SubFactory(ProjectFactory)
    # The record's own place, derived as the services derive it (the
    # database's trigger would too, but the object would not know it).
    subdistrict = None
    district = factory.LazyAttribute(
        lambda o: o.subdistrict.district if o.subdistrict else o.project.district
    )
    governorate = factory.LazyAttribute(
        lambda o: o.district.governorate if o.district else o.project.governorate
    )
    activity_type = factory.SubFactory(ActivityTypeFactory)
    delivered_on = dt.date(2018, 2, 15)
    units = 1
    households = 1
    people = 1
    status = ReviewStatus.APPROVED

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # Cells given without splits: the splits are the cells' sums, as the
        # services make them (``splits_resolve``).
        return {**kwargs, **splits_resolve(kwargs)}
