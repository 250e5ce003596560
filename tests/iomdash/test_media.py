"""Visit photos are served only to users who may see their visit; nothing
else under MEDIA_ROOT is served by URL."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from beneficiaries.models import Photo, ReviewStatus
from programmes.models import UserProfile
from tests.factories import (
    DonorFactory,
    MonitoringVisitFactory,
    ProjectFactory,
    governorate,
    user_with_role,
)

Role = UserProfile.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    donor = DonorFactory()
    project = ProjectFactory(governorate=governorate("IQG13"), donor=donor)
    monitor = user_with_role(Role.MONITOR, governorates=[project.governorate])
    visit = MonitoringVisitFactory(project=project, monitor=monitor, status=ReviewStatus.DRAFT)
    photo = Photo(visit=visit, caption="A shop", credit="Staff")
    photo.image.save("shop.jpg", ContentFile(b"\xff\xd8\xff\xe0 not really a jpeg"), save=True)
    photo.owner = monitor
    photo.donor = donor
    return photo


def _get(client, user, photo):
    if user is not None:
        client.force_login(user)
    return client.get(f"/media/{photo.image.name}")


def test_the_monitor_of_the_visit_gets_the_photo(client, photo):
    response = _get(client, photo.owner, photo)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert "private" in response["Cache-Control"]


def test_anonymous_is_sent_to_log_in(client, photo):
    response = _get(client, None, photo)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [Role.MONITOR, Role.MANAGER])
def test_a_draft_is_its_monitors_alone(client, photo, role):
    other = user_with_role(role, governorates=[photo.visit.project.governorate])
    assert _get(client, other, photo).status_code == 404


def test_approved_visit_photos_reach_staff_in_scope_only(client, photo):
    photo.visit.status = ReviewStatus.APPROVED
    photo.visit.save()
    kirkuk = [photo.visit.project.governorate]
    assert _get(client, user_with_role(Role.MONITOR, governorates=kirkuk), photo).status_code == 200
    client.logout()
    assert _get(client, user_with_role(Role.MANAGER, governorates=kirkuk), photo).status_code == 200
    client.logout()
    basra = [governorate("IQG02")]
    assert _get(client, user_with_role(Role.MANAGER, governorates=basra), photo).status_code == 404


def test_a_donor_never_gets_a_photo_by_url(client, photo):
    photo.visit.status = ReviewStatus.APPROVED
    photo.visit.save()
    donor_user = user_with_role(Role.DONOR, donor=photo.donor)
    assert _get(client, donor_user, photo).status_code == 404


@pytest.mark.parametrize(
    "path", ["snapshots/1/report.pdf", "../settings.py", "photos/1/missing.jpg", ""]
)
def test_anything_else_under_media_is_not_found(client, photo, path, admin_user):
    client.force_login(admin_user)
    assert client.get(f"/media/{path}").status_code == 404
