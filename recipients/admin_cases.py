"""The admin's import page of case reports: an RW case file (CSV or XLSX), checked first by a
dry run, then saved; the same importer as `manage.py import_rw_cases`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from recipients.importers.base import Summary

MAX_MEGABYTES = 10
# A ZIP archive (an XLSX workbook); recipients/importers/rw_cases.py reads it so.
XLSX_SIGNATURE = b"PK\x03\x04"


class RWCaseFileForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("Where the figures come from; the file name when left empty."),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file (save nothing)"), required=False, initial=True
    )

    def clean_file(self) -> tuple[str, bytes]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_MEGABYTES * 1024 * 1024:
            message = _("The file is larger than %(size)d MB.")
            raise ValidationError(message, code="too_large", params={"size": MAX_MEGABYTES})
        data = upload.read()
        if not data.startswith(XLSX_SIGNATURE):
            try:
                data.decode("utf-8-sig")
            except UnicodeDecodeError:
                message = _("This is neither a CSV file (UTF-8 text) nor an XLSX workbook.")
                raise ValidationError(message, code="not_csv_or_xlsx") from None
        return upload.name, data


class RWCaseImportMixin(admin.ModelAdmin):
    """Adds the page `<changelist>/import-rw/` and its link on the change list."""

    change_list_template = "admin/recipients/casereport/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_rw_view)
        return [
            path("import-rw/", view, name="recipients_casereport_import_rw"),
            *super().get_urls(),
        ]

    def import_rw_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = RWCaseFileForm(request.POST or None, request.FILES or None)
        summary: Summary | None = None
        dry_run = True
        if request.method == "POST" and form.is_valid():
            # The importers (tqdm, openpyxl) load with the first import, not in every worker.
            from recipients.importers.base import DataFileError, run_data_set
            from recipients.importers.rw_cases import import_rw_case_file

            name, data = form.cleaned_data["file"]
            source, dry_run = form.cleaned_data["source"], form.cleaned_data["dry_run"]

            def run(_data_dir: Path, into: Summary) -> None:
                import_rw_case_file(name, data, into, source=source)

            try:
                summary = run_data_set(run, Path("."), str(_("RW case reports")), dry_run=dry_run)
            except DataFileError as error:
                form.add_error("file", ValidationError(error.message, code="unreadable"))
            else:
                if not dry_run:
                    messages.success(request, _("The file was imported."))
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import COVID-19 figures per RW"),
            "form": form,
            "summary": summary,
            "dry_run": dry_run,
        }
        return TemplateResponse(request, "admin/recipients/casereport/import_rw.html", context)
