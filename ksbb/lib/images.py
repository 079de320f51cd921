"""Uploaded photos checked by their content and re-encoded without metadata.

`clean_image` accepts JPEG, PNG and WebP by what the bytes are (never by the file name), applies
the EXIF orientation, then writes a fresh file from the pixels alone, so location (GPS), camera
and any other metadata are gone. Generic: no app is imported here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
# Larger images are refused before decoding: a small file can unpack into gigabytes of pixels.
MAX_PIXELS = 50_000_000
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


class ImageRejected(ValueError):
    """The upload is not an acceptable image; `message` says why, `code` names the reason."""

    def __init__(self, message: str, code: str):
        self.message, self.code = message, code
        super().__init__(code)


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def clean_image(upload: IO[bytes], *, max_bytes: int = MAX_BYTES) -> CleanImage:
    """The upload re-encoded in its own format without metadata; ImageRejected otherwise."""
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRejected(
            str(_("The photo is larger than %(size)s MB.") % {"size": max_bytes // (1024 * 1024)}),
            "too_large",
        )
    not_an_image = ImageRejected(
        str(_("This file is not a JPEG, PNG or WebP photo.")), "not_an_image"
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise not_an_image
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRejected(str(_("The photo has too many pixels.")), "too_many_pixels")
            probe.verify()
        # verify() leaves the image unusable: open it again to decode the pixels.
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format or ""
            upright = ImageOps.exif_transpose(image)
            upright.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    return _encode(upright, image_format)


def _encode(image: Image.Image, image_format: str) -> CleanImage:
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image_format in ("PNG", "WEBP") and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    # Only pixels are written: no exif, xmp, icc or text chunks are passed to the encoder.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.mode == "P":
        clean.putpalette(image.getpalette() or [])
    out = io.BytesIO()
    quality = {"quality": 85} if image_format in ("JPEG", "WEBP") else {}
    clean.save(out, format=image_format, **quality)
    content_type, extension = FORMATS[image_format]
    return CleanImage(out.getvalue(), content_type, extension, clean.width, clean.height)
