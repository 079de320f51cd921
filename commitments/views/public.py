"""Public pages of commitments: the pledge form, the verification page with its timeline, the
public list with its CSV and JSON exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from commitments import services
from commitments.forms import CommitmentFilterForm, CommitmentForm
from commitments.models import Commitment
from commitments.timeline import public_timeline
from ksbb.lib import spreadsheet
from ksbb.lib.ratelimit import is_limited, too_many_requests
from recipients.models import Recipient

PAGE_SIZE = 50
# The public list's columns, in the CSV's order (keys of `Commitment.public_row()`).
CSV_COLUMNS = (
    "number",
    "submitted",
    "collaborator",
    "organisation",
    "collaborator_type",
    "recipient",
    "recipient_kind",
    "area_code",
    "area",
    "packages",
    "delivery_date",
    "deadline",
    "delivery_method",
    "status",
    "url",
)


def create(request: HttpRequest, recipient_id: int) -> HttpResponse:
    recipient = get_object_or_404(
        Recipient.objects.active().select_related("area__parent"), pk=recipient_id
    )
    if request.method == "POST":
        if is_limited(request, "pledge"):
            return too_many_requests(request, "pledge")
        form = CommitmentForm(request.POST, recipient=recipient)
        if form.is_valid():
            commitment = form.commitment()
            commitment.language = request.LANGUAGE_CODE
            try:
                commitment = services.submit_commitment(commitment=commitment, lines=form.lines())
            except services.AlreadyCovered as covered:
                # Someone else pledged the last units between the form's check and ours.
                for shortfall in covered.shortfalls:
                    form.add_covered_error(shortfall)
            else:
                messages.success(
                    request,
                    _("Thank you! Your commitment %(number)s is recorded.")
                    % {"number": commitment.number},
                )
                return redirect(commitment.get_private_url())
    else:
        form = CommitmentForm(recipient=recipient)
    context = {"recipient": recipient, "form": form, "suggestions": form.suggestions()}
    return render(request, "commitments/create.html", context)


@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    """The public verification page the letter's QR code points to."""
    commitment = get_object_or_404(Commitment.objects.public(), number=number)
    context = {
        "commitment": commitment,
        "timeline": public_timeline(commitment),
        "Status": Commitment.Status,
    }
    return render(request, "commitments/detail.html", context)


def _filtered(request: HttpRequest) -> tuple[CommitmentFilterForm, QuerySet[Commitment]]:
    form = CommitmentFilterForm(request.GET or None)
    return form, form.filter(Commitment.objects.public()).distinct()


@require_GET
def commitment_list(request: HttpRequest) -> HttpResponse:
    form, commitments = _filtered(request)
    page = Paginator(commitments, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "commitments/list.html", context)


@require_GET
def commitment_csv(request: HttpRequest) -> HttpResponse:
    """The list's rows (same filters, every page) with the list's public columns."""
    _form, commitments = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ksbb-commitments.csv"'
    writer = spreadsheet.writer(response)
    writer.writerow(CSV_COLUMNS)
    for commitment in commitments.iterator(chunk_size=500):
        row = commitment.public_row()
        row["packages"] = "; ".join(f"{p['name']}: {p['quantity']}" for p in row["packages"])
        writer.writerow(row[column] for column in CSV_COLUMNS)
    return response


@require_GET
def commitment_api(request: HttpRequest) -> JsonResponse:
    form, commitments = _filtered(request)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    page = Paginator(commitments, 100).get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": [commitment.public_row() for commitment in page],
        },
        json_dumps_params={"ensure_ascii": False},
    )
