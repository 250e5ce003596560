"""Photos of a monitoring visit: checked from their content, converted
(HEIC to JPEG), resized for display and stripped of their metadata."""

from __future__ import annotations

import os
import uuid
from io import BytesIO

import pillow_heif
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from beneficiaries.models import MonitoringVisit, Photo
from beneficiaries.services.common import _require_editable, _save

# --- Photos -----------------------------------------------------------------------

# Phones take HEIC; it is read through pillow-heif and stored as JPEG, which
# every browser and the PDF snapshots show.
pillow_heif.register_heif_opener()

# The formats accepted, read from the content, and the format each is stored in.
PHOTO_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "HEIF": "JPEG"}
PHOTO_EXTENSIONS = {"JPEG": "jpg", "PNG": "png"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024
# The stored photo is resized for display: no side longer than this. It is
# the only copy kept (a smaller file holds less about the people in it, and is
# enough for a screen or half a printed page).
PHOTO_DISPLAY_PX = 1600
JPEG_QUALITY = 88


def strip_photo_metadata(upload: UploadedFile) -> ContentFile:
    """The uploaded image (JPEG, PNG or HEIC) re-encoded for display: turned
    upright (the orientation tag goes with the rest), at most
    ``PHOTO_DISPLAY_PX`` on its longer side, and without any metadata (EXIF
    with GPS position, camera make and model, dates; XMP; HEIC's extra
    images). HEIC becomes JPEG. Only the pixels and the colour profile are
    kept. The file is named after the upload, with the extension of the
    stored format."""
    upload.seek(0)
    with Image.open(upload) as original:
        source_format = original.format
        stored_format = PHOTO_FORMATS.get(source_format, "JPEG")
        if source_format == "JPEG":
            # Decode a large JPEG at a reduced scale straight away: less memory.
            original.draft(original.mode, (PHOTO_DISPLAY_PX, PHOTO_DISPLAY_PX))
        icc_profile = original.info.get("icc_profile")
        upright = ImageOps.exif_transpose(original)
        if max(upright.size) > PHOTO_DISPLAY_PX:
            upright.thumbnail((PHOTO_DISPLAY_PX, PHOTO_DISPLAY_PX), Image.Resampling.LANCZOS)
        if stored_format == "JPEG" and upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        # A new image from the raw pixels carries no ``info`` at all, whatever
        # a format's writer would otherwise copy from the original.
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        if upright.mode == "P" and upright.getpalette():
            clean.putpalette(upright.getpalette())
        options = {}
        if stored_format == "JPEG":
            options["quality"] = JPEG_QUALITY
        if icc_profile:
            # The colour profile says nothing about where or who; keep colours true.
            options["icc_profile"] = icc_profile
        buffer = BytesIO()
        clean.save(buffer, format=stored_format, **options)
    stem = os.path.splitext(os.path.basename(upload.name or "photo"))[0] or "photo"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{PHOTO_EXTENSIONS[stored_format]}")


def photo_check(upload: UploadedFile) -> str:
    """The format ("JPEG", "PNG" or "HEIF") of an uploaded photo, read from
    its content whatever its name says; raises ValidationError for anything
    else, a damaged image or a file above 10 MB."""
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)s MB; a photo can be at most 10 MB. Send a smaller one.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}"}
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except Exception:  # Pillow raises many types for a file that is not an image
        image_format = None
    upload.seek(0)
    if image_format not in PHOTO_FORMATS:
        raise ValidationError(
            _("This file is not a JPEG, PNG or HEIC photo, whatever its name says. Choose a photo.")
        )
    return image_format


@transaction.atomic
def photo_add(
    *,
    visit: MonitoringVisit,
    user,
    image: UploadedFile,
    caption: str,
    credit: str,
    client_id: uuid.UUID | None = None,
) -> Photo:
    """Store a photo of a draft or returned visit with its caption and credit,
    after checking it is a JPEG, PNG or HEIC of at most 10 MB; it is stored
    resized for display, HEIC as JPEG, without its location and device
    metadata (``strip_photo_metadata``). The stored name is random: a phone's
    file name can say where and when. With a ``client_id`` (the phone's id of
    the photo) already stored for this visit, that photo is returned and
    nothing is added: an upload retried after a lost answer makes no second
    photo. An id used by another visit's photo raises ValidationError."""
    if client_id is not None:
        sent = Photo.objects.filter(client_id=client_id).first()
        if sent is not None and sent.visit_id == visit.pk:
            return sent
        if sent is not None:
            raise ValidationError(_("This photo id is already used on another visit."))
    _require_editable(visit)
    photo_check(image)
    try:
        clean = strip_photo_metadata(image)
    except Exception:  # a file damaged after its header: Pillow raises many types
        raise ValidationError(
            _("This photo is damaged and cannot be read. Take or choose it again.")
        ) from None
    clean.name = f"{uuid.uuid4().hex}{os.path.splitext(clean.name)[1]}"
    photo = Photo(visit=visit, image=clean, caption=caption, credit=credit, client_id=client_id)
    _save(photo, user=user)
    return photo


@transaction.atomic
def photo_delete(*, visit: MonitoringVisit, user, photo: Photo) -> None:
    """Remove a photo of a draft or returned visit, with its file."""
    _require_editable(visit)
    if photo.visit_id != visit.pk:
        raise ValidationError(_("This photo belongs to another visit."))
    storage, name = photo.image.storage, photo.image.name
    photo._history_user = user
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
