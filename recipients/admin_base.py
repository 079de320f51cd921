"""What the admin modules of recipients share: the kota filter, the import/export mixins and
the rule that lists never load polygons."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from .models import Area, within_q

# Polygons are large (a kelurahan boundary is tens of KB): lists never load them.
AREA_GEOMETRY = ("boundary", "boundary_web")


def _without_geometry(prefix: str) -> list[str]:
    return [f"{prefix}__{name}" for name in AREA_GEOMETRY]


class KotaFilter(admin.SimpleListFilter):
    """Filter by kota/kabupaten through the hierarchical Kemendagri code of an area field."""

    title = _("kota/kabupaten")
    parameter_name = "kota"
    area_field = "area"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> QuerySet:
        return Area.objects.filter(level=Area.Level.KOTA).values_list("code", "name")

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        code = self.value()
        if not code:
            return queryset
        kota = Area.objects.filter(level=Area.Level.KOTA, code=code).only("code").first()
        if kota is None:
            return queryset.none()
        # A recipient placed only at kota level (approximate location) still belongs to it.
        return queryset.filter(within_q(kota, f"{self.area_field}__"))


class KelurahanKotaFilter(KotaFilter):
    area_field = "kelurahan"


class ImportExportPermissionsMixin(ImportExportMixin):
    """Export needs view permission, import needs add and change permission."""

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)


class PartialImportMixin(ImportExportMixin):
    """Lets the admin confirm a file whose preview shows invalid rows.

    django-import-export offers "Confirm" only when every row is valid. Our resources turn
    every bad value into a row validation error (never an exception), so the confirmed import
    saves the good rows and skips the invalid ones, which the preview has listed.
    """

    import_template_name = "admin/recipients/import.html"

    def import_action(self, request: HttpRequest, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        if (
            result is not None
            and "confirm_form" not in context
            and not result.has_errors()
            and result.has_validation_errors()
            and len(result.invalid_rows) < result.total_rows
        ):
            context["confirm_form"] = self.create_confirm_form(request, import_form=context["form"])
        return response
