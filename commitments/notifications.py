"""E-mail about commitments: the donor's confirmation and the PJ's notice of a new pledge."""

from __future__ import annotations

import logging

from commitments.letter import letter_filename, letter_pdf
from commitments.models import Commitment
from ksbb.lib.mail import send_templated

logger = logging.getLogger(__name__)


def notify(commitment_id: int, action: str) -> None:
    """The e-mail that follows a commitment event (`CommitmentEvent.Action`), sent after the
    event's transaction commits: services call it through `transaction.on_commit`. Each mail goes
    to whoever the action concerns, in the language they last used."""
    if action == "submitted":
        send_submission_mail(Commitment.objects.get(pk=commitment_id))


def send_submission_mail(commitment: Commitment) -> None:
    """Runs after the reserving transaction commits; a mail failure must not undo a pledge."""
    context = {
        "commitment": commitment,
        "recipient": commitment.recipient,
        "lines": list(commitment.lines.select_related("package")),
    }
    try:
        send_templated(
            "commitments/email/donor_confirmation",
            context,
            to=[commitment.email],
            attachments=[(letter_filename(commitment), letter_pdf(commitment), "application/pdf")],
            language=commitment.language,
        )
    except Exception as error:
        # No traceback: SMTP errors quote the address, and contacts never go into a log.
        logger.error("confirmation mail for %s failed: %s", commitment.number, type(error).__name__)
    if commitment.recipient.pj_email:
        try:
            send_templated(
                "commitments/email/pj_notice", context, to=[commitment.recipient.pj_email]
            )
        except Exception as error:
            logger.error("PJ notice for %s failed: %s", commitment.number, type(error).__name__)
