"""The demo's visit photos: drawn illustrations (a street of houses under a
sky, from the seed), clearly not real people, on the latest approved visits
of each governorate and of the demo manager's programme CRP, so that the
dashboards' photo panels and the snapshot PDFs' cover and photo page show
something after ``make run``. Files go to the default storage under the
visit's folder; the previous run's files are deleted with its visits."""

from __future__ import annotations

import io
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from PIL import Image, ImageDraw

from beneficiaries.models import MonitoringVisit, Photo, ReviewStatus
from demo.spec import AS_OF, DEMO_PREFIX

CAPTIONS = (
    "A shop re-opened with a business support package.",
    "Community members meet to plan the rehabilitation of their school.",
    "The rehabilitated water station serves the neighbourhood again.",
    "Trainees at a vocational training session in carpentry.",
    "A farmer shows the greenhouse built with the programme's support.",
    "The community centre hosts a psychosocial support session.",
    "Cash-for-work participants clear rubble from the main street.",
    "A community policing forum meets at the municipality.",
)
PORTFOLIO_PHOTOS = 8  # the demo snapshots' programme (CRP): its latest approved visits
SIZE = (1200, 800)


def _illustration(rng: random.Random) -> bytes:
    """A JPEG of a simple drawn street: sky gradient, sun, houses, ground."""
    width, height = SIZE
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    top = (rng.randint(90, 140), rng.randint(150, 190), rng.randint(210, 245))
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(c + (255 - c) * t * 0.6) for c in top))
    sun = rng.randint(100, width - 100)
    draw.ellipse([sun - 50, 80, sun + 50, 180], fill=(250, 215, 120))
    ground = int(height * 0.72)
    draw.rectangle([0, ground, width, height], fill=(196, 170, 130))
    x = rng.randint(-40, 40)
    while x < width:
        w, h = rng.randint(140, 260), rng.randint(160, 330)
        wall = (rng.randint(190, 235), rng.randint(170, 215), rng.randint(140, 185))
        draw.rectangle([x, ground - h, x + w, ground], fill=wall, outline=(120, 100, 80))
        for wx in range(x + 20, x + w - 30, 50):
            for wy in range(ground - h + 25, ground - 60, 60):
                draw.rectangle([wx, wy, wx + 24, wy + 30], fill=(90, 110, 130))
        draw.rectangle([x + w // 2 - 18, ground - 70, x + w // 2 + 18, ground], fill=(110, 80, 60))
        x += w + rng.randint(10, 60)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def demo_photos_delete() -> None:
    """Delete the files of the demo visits' photos (their rows go with the
    visits, in plain SQL, so the files would otherwise stay behind)."""
    for name in Photo.objects.filter(visit__project__code__startswith=DEMO_PREFIX).values_list(
        "image", flat=True
    ):
        default_storage.delete(name)


def demo_photos_load(*, seed: int) -> int:
    """Add one illustration to the latest approved visit of each governorate
    and to the latest ``PORTFOLIO_PHOTOS`` approved visits of CRP, up to the
    demo's last day. Returns how many."""
    rng = random.Random(seed)
    approved = MonitoringVisit.objects.filter(
        project__code__startswith=DEMO_PREFIX, status=ReviewStatus.APPROVED, visit_date__lte=AS_OF
    ).select_related("project__governorate", "monitor")
    chosen: dict[int, MonitoringVisit] = {}
    for visit in approved.filter(Q(project__programme__code="CRP")).order_by("-visit_date", "-pk")[
        :PORTFOLIO_PHOTOS
    ]:
        chosen[visit.pk] = visit
    for visit in approved.order_by("project__governorate__pcode", "-visit_date", "-pk").distinct(
        "project__governorate__pcode"
    ):
        chosen.setdefault(visit.pk, visit)
    photos = []
    for n, visit in enumerate(sorted(chosen.values(), key=lambda v: v.pk)):
        photo = Photo(
            visit=visit,
            caption=CAPTIONS[n % len(CAPTIONS)] + " (Illustration.)",
            credit=visit.monitor.get_full_name() or visit.monitor.get_username(),
        )
        name = photo.image.field.generate_filename(photo, f"demo-{n + 1}.jpg")
        default_storage.delete(name)
        photo.image.name = default_storage.save(name, ContentFile(_illustration(rng)))
        photos.append(photo)
    Photo.objects.bulk_create(photos)
    return len(photos)
