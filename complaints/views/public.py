"""The public complaint page (/pengaduan/): the official channels, listed from the data, next
to the portal's own complaint form."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complaints import services
from complaints.forms import ComplaintForm, LookupForm
from complaints.models import Channel
from ksbb.lib.ratelimit import is_limited, too_many_requests

SCOPE = "complaint"


@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if is_limited(request, SCOPE):
            return too_many_requests(request, SCOPE)
        form = ComplaintForm(request.POST, request.FILES)
        if form.is_valid():
            complaint = services.submit_complaint(
                **form.submission(), language=request.LANGUAGE_CODE
            )
            messages.success(
                request,
                _(
                    "Thank you! Your complaint is recorded with the tracking number %(number)s. "
                    "Keep the address of this page: it is your private link."
                )
                % {"number": complaint.number},
            )
            return redirect(complaint.get_private_url())
        unknown_ref = False
    else:
        ref = request.GET.get("ref", "")[:30]
        form = ComplaintForm(initial={"ref": ref})
        # A link with a reference that names nothing (any more): say so, do not guess.
        unknown_ref = bool(ref.strip()) and form.reference.recipient is None
    context = {
        "form": form,
        "unknown_ref": unknown_ref,
        "channels": Channel.objects.filter(is_active=True),
        "lookup_form": LookupForm(),
    }
    return render(request, "complaints/public/form.html", context)
