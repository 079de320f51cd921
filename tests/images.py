"""Photos built in memory for upload tests: a JPEG carrying GPS and camera EXIF, and files that
only pretend to be images."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

CAMERA = "SentinelCam 3000"
GPS = {1: "S", 2: (6.0, 10.0, 30.0), 3: "E", 4: (106.0, 49.0, 12.0)}


def jpeg_with_gps(
    name: str = "delivery.jpg", size: tuple[int, int] = (60, 40)
) -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x010F] = CAMERA  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    exif[0x8825] = GPS  # GPSInfo
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def png(name: str = "delivery.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "green").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def text_as_jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"this is not a photo at all", content_type="image/jpeg")
