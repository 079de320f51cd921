"""The public statistics of complaints: a page with an SVG chart and tables, the same figures
as CSV (formula-safe) and JSON. Counts only: nothing about any reporter."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from complaints.statistics import build_statistics
from complaints.weekly_chart import build_chart
from ksbb.lib import spreadsheet

CSV_HEADER = ("table", "code", "name", "measure", "value")


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    figures = build_statistics()
    context = {"stats": figures, "chart": build_chart(figures.weeks)}
    return render(request, "complaints/stats/page.html", context)


@require_GET
def csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ksbb-complaint-statistics.csv"'
    writer = spreadsheet.writer(response)
    writer.writerow(CSV_HEADER)
    writer.writerows(build_statistics().csv_rows())
    return response


@require_GET
def json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(build_statistics().as_json(), json_dumps_params={"ensure_ascii": False})
