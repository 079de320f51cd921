"""Templated e-mail: every message is a subject/text/HTML trio rendered by `send_templated`."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated(
    template_prefix: str,
    context: dict,
    *,
    to: Sequence[str],
    attachments: Sequence[tuple[str, bytes, str]] = (),
    language: str | None = None,
) -> None:
    """Send `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` to `to`.

    Rendered in `language` (the site default when None): mail goes out after the request,
    often from a command, where no visitor's language is active.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, list(to))
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
