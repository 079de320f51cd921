"""The reporter's private link (/pengaduan/p/<token>/): their complaint with its timeline, the
information and photos they sent, a form to add more, and their answer to the outcome
(confirm it, or reject it and reopen the complaint within the allowed days)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from complaints import services
from complaints.forms import InformationForm, OutcomeForm
from complaints.models import Complaint, ComplaintPhoto
from complaints.photos import photo_response
from complaints.tracking import reporter_timeline
from ksbb.lib.privatepages import private_headers

# The alphabet of secrets.token_urlsafe (complaints.models.new_token).
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _get_complaint_for_token(request: HttpRequest, token: str) -> Complaint:
    """The complaint whose private link this is (404 otherwise). Mail to the reporter follows
    the language they last used here."""
    if not TOKEN_RE.match(token):  # PostgreSQL refuses some characters (NUL) in a query
        raise Http404
    complaint = get_object_or_404(
        Complaint.objects.select_related(
            "category", "kelurahan__parent__parent", "status", "office"
        ),
        token=token,
    )
    language = getattr(request, "LANGUAGE_CODE", "")
    if language in dict(settings.LANGUAGES) and language != complaint.language:
        Complaint.objects.filter(pk=complaint.pk).update(language=language)
        complaint.language = language
    return complaint


def _answers(complaint: Complaint) -> tuple[bool, ...]:
    """The answers to the outcome the reporter may give now (True: resolved)."""
    return tuple(
        answer for answer in (True, False) if services.can_answer_outcome(complaint, accept=answer)
    )


def _render_private(
    request: HttpRequest, complaint: Complaint, status: int = 200, **forms: Any
) -> HttpResponse:
    answers = _answers(complaint)
    sent_photos = complaint.photos.filter(
        source=ComplaintPhoto.Source.REPORTER, event__isnull=True
    ).only("id", "complaint_id", "created")
    context = {
        "complaint": complaint,
        "area": complaint.kelurahan.path(),
        "overdue": complaint.is_overdue(timezone.localdate()),
        "timeline": reporter_timeline(complaint),
        "sent_photos": list(sent_photos),
        "information_form": forms.get("information_form") or InformationForm(),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(answers=answers),
        "can_answer": bool(answers),
        "reopen_days": services.reopen_days(),
    }
    response = render(request, "complaints/public/private.html", context, status=status)
    return private_headers(response)


def _refused(request: HttpRequest, complaint: Complaint, refused: Exception) -> HttpResponse:
    messages.error(request, str(getattr(refused, "message", refused)))
    return private_headers(redirect(complaint.get_private_url()))


@require_GET
def private(request: HttpRequest, token: str) -> HttpResponse:
    return _render_private(request, _get_complaint_for_token(request, token))


@require_POST
def add_information(request: HttpRequest, token: str) -> HttpResponse:
    complaint = _get_complaint_for_token(request, token)
    form = InformationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_information(
                complaint=complaint,
                text=form.cleaned_data["text"].strip(),
                photos=form.cleaned_data["photos"],
            )
        except services.TransitionNotAllowed as refused:
            return _refused(request, complaint, refused)
        except ValidationError as invalid:
            form.add_error(None, invalid.messages)
        else:
            messages.success(request, _("Thank you! The officers will see what you added."))
            return private_headers(redirect(complaint.get_private_url()))
    return _render_private(request, complaint, status=400, information_form=form)


@require_POST
def answer_outcome(request: HttpRequest, token: str) -> HttpResponse:
    complaint = _get_complaint_for_token(request, token)
    form = OutcomeForm(request.POST, answers=_answers(complaint))
    if form.is_valid():
        accept = form.cleaned_data["accept"]
        try:
            services.answer_outcome(
                complaint=complaint, accept=accept, text=form.cleaned_data["text"].strip()
            )
        except services.TransitionNotAllowed as refused:
            return _refused(request, complaint, refused)
        except ValidationError as invalid:
            form.add_error(None, invalid.messages)
        else:
            if accept:
                messages.success(request, _("Thank you for confirming the outcome."))
            else:
                messages.success(
                    request, _("Your complaint is reopened: the officers will follow it up again.")
                )
            return private_headers(redirect(complaint.get_private_url()))
    return _render_private(request, complaint, status=400, outcome_form=form)


@require_GET
def photo(request: HttpRequest, token: str, pk: int) -> HttpResponseBase:
    """A photo of this complaint the reporter may see: their own, or an officer's proof."""
    complaint = _get_complaint_for_token(request, token)
    photo = get_object_or_404(ComplaintPhoto, pk=pk, complaint=complaint)
    return private_headers(photo_response(photo))
