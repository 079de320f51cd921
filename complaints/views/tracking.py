"""The public tracking page of a complaint (/pengaduan/lacak/<number>/), its look-up form and
the officers' proof photos it shows. Never the reporter's identity, text or photos."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from complaints.forms import LookupForm
from complaints.models import Complaint
from complaints.photos import photo_response
from complaints.tracking import public_photo, public_timeline

# The fields a public page reads: none of the reporter's, nor the description or the token.
PUBLIC_FIELDS = (
    "id",
    "number",
    "category__name",
    *(
        f"kelurahan__{parent}{field}"
        for parent in ("", "parent__", "parent__parent__")
        for field in ("name", "code", "level", "parent")
    ),
    "status__name",
    "status__is_open",
    "office__name",
    "received_at",
    "due_date",
    "followed_up_at",
    "closed_at",
)


NUMBER_RE = re.compile(r"^[A-Za-z0-9-]{1,20}$")


def _get_public_complaint(number: str) -> Complaint:
    """The complaint with only its public fields; 404 for an unknown number (or one no number
    looks like: PostgreSQL refuses some characters, such as NUL, in a query)."""
    if not NUMBER_RE.match(number.strip()):
        raise Http404
    queryset = Complaint.objects.select_related(
        "category", "kelurahan__parent__parent", "status", "office"
    ).only(*PUBLIC_FIELDS)
    return get_object_or_404(queryset, number=number.strip().upper())


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """The look-up form: a known number goes to its page, anything else gets a message."""
    form = LookupForm(request.GET or None)
    if form.is_valid():
        number = form.cleaned_data["number"]
        if Complaint.objects.filter(number=number).exists():
            return redirect("complaints:track", number=number)
        form.add_error(
            "number",
            _("No complaint has this tracking number. Check it and try again."),
        )
    return render(request, "complaints/public/lookup.html", {"lookup_form": form})


@require_GET
def track(request: HttpRequest, number: str) -> HttpResponse:
    complaint = _get_public_complaint(number)
    if complaint.number != number:
        return redirect(complaint.get_absolute_url())
    context = {
        "complaint": complaint,
        "area": complaint.kelurahan.path(),
        "overdue": complaint.is_overdue(timezone.localdate()),
        "timeline": public_timeline(complaint),
        "lookup_form": LookupForm(),
    }
    return render(request, "complaints/public/track.html", context)


@require_GET
def track_photo(request: HttpRequest, number: str, pk: int) -> HttpResponseBase:
    """An officer's proof photo; a reporter's photo is 404 here like one that does not exist."""
    complaint = _get_public_complaint(number)
    photo = public_photo(complaint, pk)
    if photo is None:
        raise Http404
    return photo_response(photo)
