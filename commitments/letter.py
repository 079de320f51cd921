"""The pledge letter (Formulir Komitmen Penyaluran Paket KSBB): rendered once, then stored.

The stored PDF is reused while a digest of what it prints is unchanged, so a download costs a
file read, not a WeasyPrint run.
"""

from __future__ import annotations

import base64

import segno
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from commitments.models import Commitment
from commitments.rules import RULES
from ksbb.lib.pdf import render_pdf, static_file_url

# The letter is an Indonesian administrative document, whatever the donor's page language.
LETTER_LANGUAGE = "id"


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data: URI (vector, so it prints sharp)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


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
        "fonts": {
            "regular": static_file_url("fonts/noto-sans/noto-sans-latin-400-normal.ttf"),
            "bold": static_file_url("fonts/noto-sans/noto-sans-latin-700-normal.ttf"),
        },
    }


def render_letter(commitment: Commitment) -> bytes:
    with translation.override(LETTER_LANGUAGE):
        return render_pdf("commitments/letter.html", letter_context(commitment))


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
