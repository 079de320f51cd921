"""Templated e-mail: every message is a subject/text/HTML trio, rendered by `queue_templated`
into the outbox (ksbb/jobs/outbox.py), which the background jobs send."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from ksbb.jobs import outbox


def queue_templated(
    template_prefix: str,
    context: dict,
    *,
    to: Sequence[str],
    reference: str,
    attachments: Sequence[outbox.Attachment] = (),
    language: str | None = None,
) -> None:
    """Queue `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` for `to`, in the
    caller's transaction.

    Rendered in `language` (the site default when None): the reader's language, not the
    language of whoever caused the mail. `reference` names the mail wherever it is shown or
    logged (no address): what it is and what it is about.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    outbox.queue(
        reference=f"{template_prefix.rsplit('/', 1)[-1]} · {reference}",
        subject=subject,
        text=text,
        html=html,
        to=to,
        attachments=attachments,
    )
