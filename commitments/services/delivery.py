"""Two-sided delivery: the collaborator reports what arrived (moves nothing), the PJ or an admin
confirms it (moves it from pledged to delivered); when the two disagree the pledge is flagged
for the Pokja (`needs_review`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from commitments.models import (
    Commitment,
    CommitmentEvent,
    CommitmentLine,
    DeliveryPhoto,
    DeliveryReport,
    DeliveryReportLine,
)
from commitments.services.base import (
    InvalidQuantities,
    TransitionNotAllowed,
    actor_fields,
    lock,
    locked_needs,
    move,
    record,
)
from ksbb.lib.images import CleanImage

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PHOTO_STORAGE = "private"


def check_quantities(
    lines: Mapping[int, CommitmentLine], quantities: Mapping[int, int], *, left: str
) -> None:
    """Each quantity within 0..the line's `left` ("undelivered" or "unreported"), at least one
    positive; InvalidQuantities with a message per line otherwise."""
    errors: dict[int | None, StrOrPromise] = {}
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None:
            errors[None] = _("A package in this form is not part of the commitment.")
        elif quantity < 0:
            errors[line_id] = _("The quantity cannot be negative.")
        elif quantity > getattr(line, left):
            errors[line_id] = ngettext_lazy(
                "At most %(count)d package is still open on this line.",
                "At most %(count)d packages are still open on this line.",
                "count",
            ) % {"count": getattr(line, left)}
    if not errors and not any(quantities.values()):
        errors[None] = _("Give a quantity of at least one package.")
    if errors:
        raise InvalidQuantities(errors)


def _save_photos(report: DeliveryReport, photos: Sequence[CleanImage], names: list[str]) -> None:
    """Store each photo and its row; `names` collects the files written, to undo them."""
    storage = storages[PHOTO_STORAGE]
    for photo in photos:
        name = storage.save(
            f"deliveries/{report.commitment.number}/{uuid.uuid4().hex}.{photo.extension}",
            ContentFile(photo.content),
        )
        names.append(name)
        DeliveryPhoto.objects.create(
            report=report,
            file=name,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
        )


def _new_report(
    commitment: Commitment,
    side: str,
    by: Any,
    lines: Mapping[int, CommitmentLine],
    quantities: Mapping[int, int],
    photos: Sequence[CleanImage],
) -> DeliveryReport:
    report = DeliveryReport.objects.create(
        commitment=commitment, side=side, actor=actor_fields(by)["actor"]
    )
    DeliveryReportLine.objects.bulk_create(
        DeliveryReportLine(report=report, line=lines[line_id], quantity=quantity)
        for line_id, quantity in quantities.items()
        if quantity
    )
    saved: list[str] = []
    try:
        _save_photos(report, photos, saved)
    except Exception:
        # Files are not transactional: remove what this report wrote before failing.
        for name in saved:
            storages[PHOTO_STORAGE].delete(name)
        raise
    return report


def _refresh_review_flag(commitment: Commitment) -> None:
    """Flag the pledge when both sides have spoken and their figures differ (cleared again once
    they agree)."""
    sides = set(commitment.delivery_reports.values_list("side", flat=True))
    differ = commitment.lines.exclude(reported=F("delivered")).exists()
    flag = len(sides) == 2 and differ
    if flag != commitment.needs_review:
        commitment.needs_review = flag
        commitment.save(update_fields=["needs_review"])


def report_delivery(
    *, commitment: Commitment, quantities: Mapping[int, int], photos: Sequence[CleanImage] = ()
) -> Commitment:
    """The collaborator's account of what arrived, by line id. Moves nothing on the need."""
    with transaction.atomic():
        locked = lock(commitment)
        if not locked.can_report_delivery:
            raise TransitionNotAllowed(locked, _("reported delivered"))
        lines = {line.pk: line for line in locked.lines.select_related("package")}
        check_quantities(lines, quantities, left="unreported")
        for line_id, quantity in quantities.items():
            if quantity:
                CommitmentLine.objects.filter(pk=line_id).update(reported=F("reported") + quantity)
        _new_report(locked, Commitment.Side.COLLABORATOR, None, lines, quantities, photos)
        _refresh_review_flag(locked)
        record(
            locked,
            CommitmentEvent.Action.DELIVERY_REPORTED,
            actor_label="donor",
            data={lines[i].package.code: q for i, q in quantities.items() if q},
        )
    return locked


def confirm_delivery(
    *,
    commitment: Commitment,
    quantities: Mapping[int, int],
    by: Any,
    photos: Sequence[CleanImage] = (),
    actor_label: str = "",
) -> Commitment:
    """The PJ (or an admin) confirms what arrived, by line id: moves that much from pledged to
    delivered. A partial delivery keeps the rest reserved until the PJ closes the pledge or its
    deadline passes."""
    with transaction.atomic():
        locked = lock(commitment)
        if not locked.can_record_delivery:
            raise TransitionNotAllowed(locked, _("marked delivered"))
        lines = {line.pk: line for line in locked.lines.select_related("package")}
        check_quantities(lines, quantities, left="undelivered")
        moved = {lines[i].package_id: q for i, q in quantities.items() if q}
        needs = locked_needs(locked.recipient_id, moved)
        for line_id, quantity in quantities.items():
            if quantity:
                line = lines[line_id]
                CommitmentLine.objects.filter(pk=line.pk).update(
                    delivered=F("delivered") + quantity
                )
                move(needs[line.package_id], pledged=-quantity, delivered=quantity)
        _new_report(locked, Commitment.Side.PJ, by, lines, quantities, photos)
        locked.status = Commitment.Status.DELIVERED
        locked.delivered_at = timezone.now()
        locked.save(update_fields=["status", "delivered_at"])
        _refresh_review_flag(locked)
        record(
            locked,
            CommitmentEvent.Action.DELIVERY,
            by=by,
            actor_label=actor_label,
            data={lines[i].package.code: q for i, q in quantities.items() if q},
        )
    return locked
