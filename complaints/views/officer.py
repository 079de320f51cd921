"""The officers' pages (/petugas/): the queue of complaints routed to them and a page per
complaint with the reporter's contact, the timeline, the status and disposisi forms.

An officer reaches only the complaints `Complaint.objects.handled_by` gives them (their
kelurahan's, their kecamatan's, their office's; admins all): anyone else logged in gets 404,
with no hint that the complaint exists. Every display of a reporter's contact is logged in
ReporterContactAccess.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from complaints import services
from complaints.models import Complaint, ReporterContactAccess
from complaints.officer_forms import DispositionForm, StatusForm
from complaints.photos import get_photo_for_user, photo_response
from complaints.queue import build_queue


def _get_complaint_for_officer(request: HttpRequest, number: str) -> Complaint:
    """The complaint if the user handles it today, or is an admin; 404 otherwise."""
    queryset = Complaint.objects.handled_by(request.user).select_related(
        "category",
        "status",
        "kelurahan__parent__parent",
        "office__parent",
        "recipient",
        "commitment",
    )
    return get_object_or_404(queryset, number=number)


def _no_cache(response: HttpResponse) -> HttpResponse:
    """Pages with a reporter's contact stay out of shared and back-button caches."""
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    board = build_queue(request.user, timezone.localdate())
    return _no_cache(render(request, "complaints/officer/queue.html", {"queue": board}))


def _render_detail(
    request: HttpRequest, complaint: Complaint, status: int = 200, **forms: Any
) -> HttpResponse:
    offices = services.pass_on_choices(complaint)
    photos = list(complaint.photos.all())
    context = {
        "complaint": complaint,
        "today": timezone.localdate(),
        "overdue": complaint.is_overdue(),
        "events": complaint.events.select_related("actor", "status", "office").prefetch_related(
            "photos"
        ),
        "reporter_photos": [p for p in photos if not p.is_public],
        "status_form": forms.get("status_form")
        or StatusForm(allowed=services.allowed_transitions(complaint)),
        "disposition_form": forms.get("disposition_form") or DispositionForm(offices=offices),
        "can_pass_on": offices.exists(),
    }
    response = render(request, "complaints/officer/detail.html", context, status=status)
    if (complaint.reporter_name or complaint.has_reporter_contact) and isinstance(
        request.user, AbstractBaseUser
    ):
        ReporterContactAccess.objects.create(complaint=complaint, user=request.user, via="officer")
    return _no_cache(response)


def _done(request: HttpRequest, complaint: Complaint, message: str) -> HttpResponse:
    messages.success(request, message)
    if not Complaint.objects.handled_by(request.user).filter(pk=complaint.pk).exists():
        # Passed on to an office: it has left this officer's queue.
        return redirect("complaints:officer-queue")
    return redirect("complaints:officer-detail", complaint.number)


def _refused(request: HttpRequest, complaint: Complaint, refused: Exception) -> HttpResponse:
    messages.error(request, getattr(refused, "message", str(refused)))
    return redirect("complaints:officer-detail", complaint.number)


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render_detail(request, _get_complaint_for_officer(request, number))


@login_required
@require_POST
def change_status(request: HttpRequest, number: str) -> HttpResponse:
    complaint = _get_complaint_for_officer(request, number)
    form = StatusForm(request.POST, request.FILES, allowed=services.allowed_transitions(complaint))
    if not form.is_valid():
        return _render_detail(request, complaint, status=400, status_form=form)
    try:
        services.change_status(
            complaint=complaint,
            to_status=form.cleaned_data["to_status"],
            public_text=form.cleaned_data["public_text"],
            photos=form.cleaned_data["photos"],
            by=request.user,
        )
    except services.TransitionNotAllowed as refused:
        return _refused(request, complaint, refused)
    except ValidationError as invalid:
        form.add_error(None, invalid)
        return _render_detail(request, complaint, status=400, status_form=form)
    return _done(request, complaint, _("The status is changed and the follow-up published."))


@login_required
@require_POST
def pass_on(request: HttpRequest, number: str) -> HttpResponse:
    complaint = _get_complaint_for_officer(request, number)
    form = DispositionForm(request.POST, offices=services.pass_on_choices(complaint))
    if not form.is_valid():
        return _render_detail(request, complaint, status=400, disposition_form=form)
    try:
        services.pass_on(
            complaint=complaint,
            office=form.cleaned_data["office"],
            public_text=form.cleaned_data["public_text"],
            by=request.user,
        )
    except services.TransitionNotAllowed as refused:
        return _refused(request, complaint, refused)
    except ValidationError as invalid:
        form.add_error(None, invalid)
        return _render_detail(request, complaint, status=400, disposition_form=form)
    return _done(
        request,
        complaint,
        _("The complaint is passed on to %(office)s.") % {"office": form.cleaned_data["office"]},
    )


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A photo of a complaint the officer handles, the reporter's included (404 for others)."""
    return photo_response(get_photo_for_user(request.user, pk))
