"""The collaborator's private link (/k/<token>/): their pledge, its timeline and letter, and the
steps that are theirs — move the schedule, answer a proposed date, report the delivery, cancel.
Also the public form that mails a lost link again."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commitments import services
from commitments.linkmail import send_private_link
from commitments.models import Commitment, DeliveryPhoto, DeliveryReport
from commitments.photos import photo_response
from commitments.timeline import public_timeline
from commitments.workflow_forms import DeliveryForm, ResendLinkForm, SlotForm
from ksbb.lib.privatepages import private_headers
from ksbb.lib.ratelimit import is_limited, too_many_requests

COLLABORATOR = Commitment.Side.COLLABORATOR
# Re-sending a link mails someone: limited per client (settings.KSBB_RATE_LIMITS).
RESEND_SCOPE = "private_link"


def _get_commitment_for_token(request: HttpRequest, token: str) -> Commitment:
    """The pledge whose private link this is (404 otherwise). The collaborator's mail follows
    the language they last used here."""
    commitment = get_object_or_404(
        Commitment.objects.select_related("recipient__area"), token=token
    )
    language = getattr(request, "LANGUAGE_CODE", "")
    if language in dict(settings.LANGUAGES) and language != commitment.language:
        Commitment.objects.filter(pk=commitment.pk).update(language=language)
        commitment.language = language
    return commitment


def _render_private(
    request: HttpRequest, commitment: Commitment, status: int = 200, **forms: Any
) -> HttpResponse:
    lines = list(commitment.lines.select_related("package"))
    reports = (
        DeliveryReport.objects.filter(commitment=commitment)
        .prefetch_related("lines__line__package", "photos")
        .order_by("created", "pk")
    )
    context = {
        "commitment": commitment,
        "lines": lines,
        "reports": reports,
        "timeline": public_timeline(commitment),
        "slot_form": forms.get("slot_form") or SlotForm(),
        "proposal_form": forms.get("proposal_form") or SlotForm(),
        "report_form": forms.get("report_form") or DeliveryForm(lines=lines, left="unreported"),
        "awaits_answer": commitment.awaits_answer_from(COLLABORATOR),
        "can_propose": commitment.status == Commitment.Status.ACKNOWLEDGED,
    }
    response = render(request, "commitments/private.html", context, status=status)
    return private_headers(response)


def _refused(request: HttpRequest, commitment: Commitment, refused: Exception) -> HttpResponse:
    messages.error(request, getattr(refused, "message", str(refused)))
    return redirect(commitment.get_private_url())


@require_GET
def private(request: HttpRequest, token: str) -> HttpResponse:
    return _render_private(request, _get_commitment_for_token(request, token))


@require_GET
def private_letter(request: HttpRequest, token: str) -> HttpResponse:
    if is_limited(request, "letter"):
        return too_many_requests(request, "letter")
    commitment = _get_commitment_for_token(request, token)
    # WeasyPrint and its fonts load with the first letter, not with every worker.
    from commitments.letter import letter_filename, letter_pdf

    response = HttpResponse(letter_pdf(commitment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter_filename(commitment)}"'
    return private_headers(response)


@require_POST
def private_cancel(request: HttpRequest, token: str) -> HttpResponse:
    commitment = _get_commitment_for_token(request, token)
    try:
        services.cancel(commitment=commitment, by=None, actor_label="donor")
    except services.TransitionNotAllowed as refused:
        return _refused(request, commitment, refused)
    messages.success(request, _("Your commitment is cancelled and its packages released."))
    return redirect(commitment.get_private_url())


@require_POST
def private_schedule(request: HttpRequest, token: str) -> HttpResponse:
    """Move the slot (before the PJ agreed it)."""
    commitment = _get_commitment_for_token(request, token)
    form = SlotForm(request.POST)
    if not form.is_valid():
        return _render_private(request, commitment, status=400, slot_form=form)
    try:
        services.change_schedule(commitment=commitment, **form.cleaned_data)
    except services.TransitionNotAllowed as refused:
        return _refused(request, commitment, refused)
    messages.success(request, _("Your delivery schedule is changed."))
    return redirect(commitment.get_private_url())


@require_POST
def private_accept_date(request: HttpRequest, token: str) -> HttpResponse:
    commitment = _get_commitment_for_token(request, token)
    try:
        services.accept_proposal(commitment=commitment, side=COLLABORATOR)
    except services.TransitionNotAllowed as refused:
        return _refused(request, commitment, refused)
    messages.success(request, _("You accepted the new delivery date."))
    return redirect(commitment.get_private_url())


@require_POST
def private_propose_date(request: HttpRequest, token: str) -> HttpResponse:
    """Answer the PJ's date with another (or ask for a new slot once it is agreed)."""
    commitment = _get_commitment_for_token(request, token)
    form = SlotForm(request.POST)
    if not form.is_valid():
        return _render_private(request, commitment, status=400, proposal_form=form)
    try:
        services.propose_date(commitment=commitment, side=COLLABORATOR, **form.cleaned_data)
    except services.TransitionNotAllowed as refused:
        return _refused(request, commitment, refused)
    messages.success(request, _("Your proposal is sent to the person in charge."))
    return redirect(commitment.get_private_url())


@require_POST
def private_report(request: HttpRequest, token: str) -> HttpResponse:
    """Report what arrived, with optional photos; the PJ then confirms it."""
    commitment = _get_commitment_for_token(request, token)
    lines = list(commitment.lines.select_related("package"))
    form = DeliveryForm(request.POST, request.FILES, lines=lines, left="unreported")
    if form.is_valid():
        try:
            services.report_delivery(
                commitment=commitment,
                quantities=form.quantities(),
                photos=form.cleaned_data["photos"],
            )
        except services.TransitionNotAllowed as refused:
            return _refused(request, commitment, refused)
        except services.InvalidQuantities as invalid:
            form.add_line_errors(invalid.errors)
        else:
            messages.success(
                request, _("Thank you! The person in charge will confirm what arrived.")
            )
            return redirect(commitment.get_private_url())
    return _render_private(request, commitment, status=400, report_form=form)


@require_GET
def private_photo(request: HttpRequest, token: str, pk: int) -> HttpResponseBase:
    commitment = _get_commitment_for_token(request, token)
    photo = get_object_or_404(DeliveryPhoto, pk=pk, report__commitment=commitment)
    return private_headers(photo_response(photo))


@require_http_methods(["GET", "POST"])
def resend_link(request: HttpRequest) -> HttpResponse:
    """Mail the private link again when the number and the address match a pledge. The answer
    is the same either way, so the form tells nobody which pledge belongs to which address."""
    if request.method == "POST":
        if is_limited(request, RESEND_SCOPE):
            return too_many_requests(request, RESEND_SCOPE)
        form = ResendLinkForm(request.POST)
        if form.is_valid():
            commitment = Commitment.objects.filter(number=form.cleaned_data["number"]).first()
            if commitment and commitment.email.lower() == form.cleaned_data["email"].lower():
                send_private_link(commitment)
            messages.info(
                request,
                _(
                    "If this number and address belong to a commitment, its link is on its way "
                    "to that address. Check your inbox (and the spam folder)."
                ),
            )
            return redirect("commitments:resend-link")
    else:
        form = ResendLinkForm()
    return render(request, "commitments/resend_link.html", {"form": form})
