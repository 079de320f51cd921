"""The mail that re-sends a collaborator their private link (asked for on /k/kirim-ulang/)."""

from __future__ import annotations

import logging

from commitments.models import Commitment
from ksbb.lib.mail import queue_templated

logger = logging.getLogger(__name__)


def send_private_link(commitment: Commitment) -> bool:
    """Queue the link for the address given with the pledge, in the language last used."""
    try:
        queue_templated(
            "commitments/linkmail/private_link",
            {"commitment": commitment},
            to=[commitment.email],
            reference=commitment.number,
            language=commitment.language,
        )
    except Exception as error:
        # No traceback: contacts never go into a log.
        logger.error("private link mail for %s failed: %s", commitment.number, type(error).__name__)
        return False
    return True
