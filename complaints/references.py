"""What a complaint is about, read from the `?ref=` of a "flag a problem" link: a pledge
number (KSBB-YYYY-NNNNNN) or a recipient reference (`penerima-<id>`, see `recipient_ref`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from commitments.models import Commitment
from recipients.models import Area, Recipient

PLEDGE_RE = re.compile(r"^KSBB-\d{4}-\d{6}$")
RECIPIENT_RE = re.compile(r"^PENERIMA-(\d{1,9})$")


class UnknownReference(ValueError):
    """The reference has the shape of none, or names nothing the public may see."""


@dataclass(frozen=True)
class Reference:
    recipient: Recipient | None = None
    commitment: Commitment | None = None

    @property
    def kelurahan(self) -> Area | None:
        """The recipient's kelurahan; None when its area is only known to the kota level."""
        if self.recipient is None or not self.recipient.area.is_kelurahan:
            return None
        return self.recipient.area


def recipient_ref(recipient: Recipient) -> str:
    """The `?ref=` value of a recipient page's complaint link."""
    return f"penerima-{recipient.pk}"


def normalise(ref: str) -> str:
    return ref.strip().upper()


def resolve(ref: str) -> Reference:
    """The pledge (with its recipient) or the active recipient `ref` names; an empty `ref` is
    an empty Reference. UnknownReference for anything else."""
    ref = normalise(ref)
    if not ref:
        return Reference()
    if PLEDGE_RE.match(ref):
        commitment = Commitment.objects.public().filter(number=ref).first()
        if commitment is None:
            raise UnknownReference(ref)
        return Reference(recipient=commitment.recipient, commitment=commitment)
    match = RECIPIENT_RE.match(ref)
    if match:
        recipient = (
            Recipient.objects.active()
            .select_related("area__parent__parent")
            .filter(pk=int(match.group(1)))
            .first()
        )
        if recipient is None:
            raise UnknownReference(ref)
        return Reference(recipient=recipient)
    raise UnknownReference(ref)
