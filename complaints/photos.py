"""Complaint photos in private storage: saving the cleaned uploads, deciding who may see one,
and serving it.

A reporter's photo is seen by the handling officers and admins only — never by the party the
complaint is about, never on a public page (in 2021 a Jakarta reporter was exposed by a photo
shown to the people it was about). An officer's proof photo is public.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from complaints.models import Complaint, ComplaintPhoto

if TYPE_CHECKING:
    from complaints.models import ComplaintEvent
    from ksbb.lib.images import CleanImage

PHOTO_STORAGE = "private"


def save_photos(
    complaint: Complaint,
    files: Sequence[CleanImage],
    source: str,
    event: ComplaintEvent | None = None,
) -> list[ComplaintPhoto]:
    """Store each cleaned photo (ksbb.lib.images.clean_image) and its row. Files are not
    transactional: when one fails, those already written are removed before re-raising."""
    storage = storages[PHOTO_STORAGE]
    written: list[str] = []
    photos = []
    try:
        for image in files:
            name = storage.save(
                f"complaints/{complaint.number}/{source}-{uuid.uuid4().hex}.{image.extension}",
                ContentFile(image.content),
            )
            written.append(name)
            photos.append(
                ComplaintPhoto.objects.create(
                    complaint=complaint,
                    event=event,
                    source=source,
                    name=name,
                    content_type=image.content_type,
                )
            )
    except Exception:
        for name in written:
            storage.delete(name)
        raise
    return photos


def may_see(user: Any, photo: ComplaintPhoto) -> bool:
    """Everyone may see an officer's proof photo; a reporter's photo only the officers who
    handle the complaint, and admins."""
    if photo.is_public:
        return True
    return Complaint.objects.handled_by(user).filter(pk=photo.complaint_id).exists()


def get_photo_for_user(user: Any, pk: int) -> ComplaintPhoto:
    """The photo, or 404 for whoever may not see it (nobody learns that it exists)."""
    photo = get_object_or_404(ComplaintPhoto.objects.select_related("complaint"), pk=pk)
    if not may_see(user, photo):
        raise Http404
    return photo


def photo_response(photo: ComplaintPhoto) -> FileResponse:
    """The stored photo; a reporter's kept out of every shared cache. 404 when the file has
    gone missing."""
    try:
        handle = storages[PHOTO_STORAGE].open(photo.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = (
        "public, max-age=3600" if photo.is_public else "private, no-store, max-age=0"
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
