"""The pledge letter (Formulir Komitmen Penyaluran Paket KSBB): rendered once, then stored.

The stored PDF is reused while a digest of what it prints is unchanged, so a download costs a
file read, not a WeasyPrint run.
"""

from __future__ import annotations

import segno
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from commitments.models import Commitment
from commitments.rules import RULES

# The letter is an Indonesian administrative document, whatever the donor's page language.
LETTER_LANGUAGE = "id"


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as a PNG data: URI of one pixel per module.

    The stylesheet scales it up with `image-rendering: pixelated`, so it prints as sharp as a
    vector; WeasyPrint took ~13 ms to draw the SVG version, ~3 ms for this image. The mask is
    fixed because scoring all eight (segno's default) took 3.5 of the 5 ms segno needs; every
    mask is valid for every reader, the choice only evens out the pattern.
    """
    return segno.make(url, error="m", mask=0).png_data_uri(scale=1, border=2)


def letter_context(commitment: Commitment) -> dict:
    recipient = commitment.recipient
    return {
        "commitment": commitment,
        "recipient": recipient,
        "areas": [*recipient.area.ancestors(), recipient.area],
        "lines": list(commitment.lines.select_related("package")),
        "rules": RULES,
        "qr": qr_data_uri(commitment.verification_url),
        "printed": timezone.localdate(commitment.created),
    }


def render_letter(commitment: Commitment) -> bytes:
    # WeasyPrint (~0.5 s to import) only when a letter is rendered, not when one is served.
    from ksbb.lib.pdf import render_pdf

    with translation.override(LETTER_LANGUAGE):
        return render_pdf(
            "commitments/letter.html", letter_context(commitment), "commitments/letter.css"
        )


def letter_pdf(commitment: Commitment) -> bytes:
    """The stored letter, (re-)rendered first when missing or when what it says changed."""
    digest = commitment.letter_content_digest()
    if commitment.letter and commitment.letter_digest == digest:
        try:
            with commitment.letter.open("rb") as stored:
                return stored.read()
        except FileNotFoundError:
            pass  # the file went missing (e.g. a fresh MEDIA_ROOT): render it again
    pdf = render_letter(commitment)
    old_name = commitment.letter.name if commitment.letter else ""
    commitment.letter.save(f"{commitment.number}.pdf", ContentFile(pdf), save=False)
    commitment.letter_digest = digest
    Commitment.objects.filter(pk=commitment.pk).update(
        letter=commitment.letter.name, letter_digest=digest
    )
    if old_name and old_name != commitment.letter.name:
        commitment.letter.storage.delete(old_name)
    return pdf


def letter_filename(commitment: Commitment) -> str:
    return f"{commitment.number}.pdf"
