"""The person in charge's pages (/pj/): their dashboard and a page per pledge with its actions.

Only the PJ of the pledge's recipient (a link in force today) and admins reach a pledge; anyone
else logged in gets 404, with no hint that it exists. Every page that shows a collaborator's
contact logs it in ContactAccess.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commitments import services
from commitments.models import Commitment, DeliveryPhoto, DeliveryReport
from commitments.photos import photo_response
from commitments.pj_dashboard import build_dashboard, log_contact_views
from commitments.timeline import public_timeline
from commitments.workflow_forms import DeclineForm, DeliveryForm, SlotForm

PJ = Commitment.Side.PJ
# Where "flag a problem" leads: the complaint form with the pledge as reference once the
# complaints app serves one at this path, the official channels on the home page until then.
COMPLAINT_PATH = "/pengaduan/"
HELP_FALLBACK = ("recipients:home", "help")


def _get_commitment_for_pj(request: HttpRequest, number: str) -> Commitment:
    """The pledge if the user is its recipient's PJ today, or an admin; 404 otherwise."""
    queryset = Commitment.objects.managed_by(request.user).select_related("recipient__area")
    return get_object_or_404(queryset, number=number)


def flag_problem_url(commitment: Commitment) -> str:
    try:
        resolve(COMPLAINT_PATH)
    except Resolver404:
        name, anchor = HELP_FALLBACK
        try:
            return f"{reverse(name)}#{anchor}"
        except NoReverseMatch:
            return "/"
    return f"{COMPLAINT_PATH}?{urlencode({'ref': commitment.number})}"


def _no_cache(response: HttpResponse) -> HttpResponse:
    """Pages with a collaborator's contact stay out of shared and back-button caches."""
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    board = build_dashboard(request.user, timezone.localdate())
    log_contact_views(request.user, board.shown_with_contact, via="pj-dashboard")
    return _no_cache(render(request, "commitments/pj/dashboard.html", {"board": board}))


def _render_detail(
    request: HttpRequest, commitment: Commitment, status: int = 200, **forms: Any
) -> HttpResponse:
    lines = list(commitment.lines.select_related("package"))
    reports = (
        DeliveryReport.objects.filter(commitment=commitment)
        .select_related("actor")
        .prefetch_related("lines__line__package", "photos")
        .order_by("created", "pk")
    )
    context = {
        "commitment": commitment,
        "lines": lines,
        "reports": reports,
        "events": commitment.events.select_related("actor"),
        "timeline": public_timeline(commitment),
        "awaits_answer": commitment.awaits_answer_from(PJ),
        "proposal_form": forms.get("proposal_form") or SlotForm(),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "delivery_form": forms.get("delivery_form")
        or DeliveryForm(lines=lines, left="undelivered"),
        "flag_problem_url": flag_problem_url(commitment),
        "today": timezone.localdate(),
    }
    response = render(request, "commitments/pj/detail.html", context, status=status)
    log_contact_views(request.user, [commitment], via="pj-page")
    return _no_cache(response)


def _done(request: HttpRequest, commitment: Commitment, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("commitments:pj-detail", commitment.number)


def _refused(request: HttpRequest, commitment: Commitment, refused: Exception) -> HttpResponse:
    messages.error(request, getattr(refused, "message", str(refused)))
    return redirect("commitments:pj-detail", commitment.number)


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render_detail(request, _get_commitment_for_pj(request, number))


@login_required
@require_POST
def acknowledge(request: HttpRequest, number: str) -> HttpResponse:
    commitment = _get_commitment_for_pj(request, number)
    try:
        services.acknowledge(commitment=commitment, by=request.user)
    except services.TransitionNotAllowed as refused:
        return _refused(request, commitment, refused)
    return _done(request, commitment, _("You agreed the delivery date."))


@login_required
@require_POST
def propose_date(request: HttpRequest, number: str) -> HttpResponse:
    commitment = _get_commitment_for_pj(request, number)
    form = SlotForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, commitment, status=400, proposal_form=form)
    try:
        services.propose_date(commitment=commitment, side=PJ, by=request.user, **form.cleaned_data)
    except services.TransitionNotAllowed as refused:
        return _refused(request, commitment, refused)
    return _done(request, commitment, _("Your proposal is sent to the collaborator."))


@login_required
@require_POST
def accept_date(request: HttpRequest, number: str) -> HttpResponse:
    commitment = _get_commitment_for_pj(request, number)
    try:
        services.accept_proposal(commitment=commitment, side=PJ, by=request.user)
    except services.TransitionNotAllowed as refused:
        return _refused(request, commitment, refused)
    return _done(request, commitment, _("You accepted the collaborator's date."))


@login_required
@require_POST
def decline(request: HttpRequest, number: str) -> HttpResponse:
    commitment = _get_commitment_for_pj(request, number)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, commitment, status=400, decline_form=form)
    try:
        services.decline(commitment=commitment, by=request.user, reason=form.cleaned_data["reason"])
    except services.TransitionNotAllowed as refused:
        return _refused(request, commitment, refused)
    return _done(request, commitment, _("The commitment is declined and its packages released."))


@login_required
@require_POST
def confirm_delivery(request: HttpRequest, number: str) -> HttpResponse:
    commitment = _get_commitment_for_pj(request, number)
    lines = list(commitment.lines.select_related("package"))
    form = DeliveryForm(request.POST, request.FILES, lines=lines, left="undelivered")
    if form.is_valid():
        try:
            services.confirm_delivery(
                commitment=commitment,
                quantities=form.quantities(),
                photos=form.cleaned_data["photos"],
                by=request.user,
            )
        except services.TransitionNotAllowed as refused:
            return _refused(request, commitment, refused)
        except services.InvalidQuantities as invalid:
            form.add_line_errors(invalid.errors)
        else:
            return _done(request, commitment, _("The delivery is confirmed."))
    return _render_detail(request, commitment, status=400, delivery_form=form)


@login_required
@require_POST
def close(request: HttpRequest, number: str) -> HttpResponse:
    commitment = _get_commitment_for_pj(request, number)
    try:
        services.close(commitment=commitment, by=request.user)
    except services.TransitionNotAllowed as refused:
        return _refused(request, commitment, refused)
    return _done(
        request, commitment, _("The commitment is closed; what did not arrive is released.")
    )


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A delivery photo, for the PJ of its pledge's recipient and admins (404 for others)."""
    found = get_object_or_404(
        DeliveryPhoto.objects.select_related("report__commitment__recipient"), pk=pk
    )
    if not found.report.commitment.is_managed_by(request.user):
        raise Http404
    return photo_response(found)
