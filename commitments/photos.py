"""Serving delivery photos from private storage, to whoever the calling view has cleared."""

from __future__ import annotations

from django.core.files.storage import storages
from django.http import FileResponse, Http404

from commitments.models import DeliveryPhoto
from commitments.services.delivery import PHOTO_STORAGE


def photo_response(photo: DeliveryPhoto) -> FileResponse:
    """The stored photo, kept out of shared caches; 404 when the file has gone missing."""
    try:
        handle = storages[PHOTO_STORAGE].open(photo.file, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=600"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
