"""The images of a snapshot PDF: served to WeasyPrint from memory (nothing
else reachable), and each photo downscaled once per process."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from PIL import Image

from snapshots import pdf_assets


@pytest.fixture
def photo(tmp_path):
    pdf_assets.PHOTOS.clear()
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        buffer = io.BytesIO()
        Image.new("RGB", (1600, 1200), (200, 120, 40)).save(buffer, format="JPEG")
        yield default_storage.save("photos/market.jpg", ContentFile(buffer.getvalue()))
    pdf_assets.PHOTOS.clear()


def test_the_document_reads_its_own_images_and_nothing_outside():
    assets = pdf_assets.Assets()
    url = assets.svg('<svg xmlns="http://www.w3.org/2000/svg"/>')
    response = assets.fetch(url)
    assert response.read().startswith(b"<svg") and response.content_type == "image/svg+xml"
    assert assets.fetch("data:text/plain,hi").read() == b"hi"
    for outside in ("https://example.org/logo.png", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            assets.fetch(outside)


def test_a_photo_is_downscaled_once_per_size(photo, monkeypatch):
    opened = []
    real_open = Image.open
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(1) or real_open(*a, **k))
    first = pdf_assets.print_photo(photo, (800, 600))
    again = pdf_assets.print_photo(photo, (800, 600))
    assert again == first and (first["width"], first["height"]) == (800, 600)
    assert len(opened) == 1
    cover = pdf_assets.print_photo(photo, (400, 300))
    assert (cover["width"], cover["height"]) == (400, 300)
    assert len(opened) == 2


def test_a_missing_photo_is_left_out(photo):
    assert pdf_assets.print_photo("photos/gone.jpg", (800, 600)) is None
