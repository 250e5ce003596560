"""The images of a snapshot PDF, handed to WeasyPrint from memory.

A document's images (charts, photos, the DRAFT mark) used to be ``data:``
URLs inside its HTML: 1.6 MB of base64 that WeasyPrint's HTML parser read
character by character (two seconds on two loaded cores) before decoding
it again. ``Assets`` keeps them in memory instead, each named by an
``asset:`` URL that only its own fetcher answers: the document still reaches
nothing outside (``data:`` URLs are still read, nothing else).

``print_photo`` downscales a photo for print, once per process for a given
file and size: the photos are phone-sized JPEGs (4000 × 3000, megabytes
each) whose decoding costs about a second each, and the same photos come
back in every snapshot of a series and in each render of a draft.
"""

from __future__ import annotations

import io
import logging
import threading
from collections import OrderedDict

from django.core.files.storage import default_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

SCHEME = "asset:"
JPEG_QUALITY = 78
PHOTO_CACHE_BYTES = 32 * 1024 * 1024


class Assets(URLFetcher):
    """A document's images by ``asset:`` URL, and the fetcher that serves them."""

    def __init__(self):
        # Only data: URLs besides our own: the document must never reach out.
        super().__init__(allowed_protocols={"data"}, fail_on_errors=True)
        self._items: dict[str, tuple[bytes, str]] = {}

    def add(self, data: bytes, mime_type: str) -> str:
        """The URL of ``data`` in the document."""
        url = f"{SCHEME}{len(self._items)}"
        self._items[url] = (data, mime_type)
        return url

    def svg(self, text: str) -> str:
        return self.add(text.encode("utf-8"), "image/svg+xml")

    def fetch(self, url, headers=None):
        if url.startswith(SCHEME):
            data, mime_type = self._items[url]
            return URLFetcherResponse(url, body=data, headers={"Content-Type": mime_type})
        return super().fetch(url, headers)


class _PhotoCache:
    """Print-size JPEGs by (storage name, file size, size), the least
    recently used dropped beyond ``limit`` bytes."""

    def __init__(self, limit: int = PHOTO_CACHE_BYTES):
        self.limit = limit
        self._items: OrderedDict[tuple, dict] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> dict | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple, image: dict) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = image
            self._size += len(image["data"])
            while self._size > self.limit and self._items:
                _key, old = self._items.popitem(last=False)
                self._size -= len(old["data"])

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


PHOTOS = _PhotoCache()


def print_photo(storage_name: str, size: tuple[int, int]) -> dict | None:
    """The photo downscaled to fit ``size`` as JPEG bytes, ``{"data",
    "width", "height"}``; None when it is missing or unreadable (a snapshot
    is still printed without it). Kept for the next PDF, by the file's name
    and length."""
    try:
        key = (storage_name, default_storage.size(storage_name), size)
    except OSError as error:
        logger.warning("snapshot photo %s skipped: %s", storage_name, error)
        return None
    found = PHOTOS.get(key)
    if found is None:
        found = _downscale(storage_name, size)
        if found is not None:
            PHOTOS.put(key, found)
    return found


def _downscale(storage_name: str, size: tuple[int, int]) -> dict | None:
    from PIL import Image, ImageOps

    try:
        from pillow_heif import register_heif_opener

        register_heif_opener()
    except ImportError:  # pragma: no cover - pillow-heif is in requirements
        pass
    try:
        with default_storage.open(storage_name, "rb") as handle:
            image = Image.open(handle)
            # A JPEG decodes at 1/2, 1/4 or 1/8 scale (still at least `size`): much less work.
            image.draft("RGB", size)
            image = ImageOps.exif_transpose(image)
            image.thumbnail(size, Image.Resampling.LANCZOS)
            if image.mode != "RGB":
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
    ) as error:  # missing, not an image
        logger.warning("snapshot photo %s skipped: %s", storage_name, error)
        return None
    return {"data": out.getvalue(), "width": image.width, "height": image.height}
