"""Django admin of areas, RWs, recipients, packages, needs and case reports: map editing of
geometry, CSV/XLSX import and export, and the change history of recipients, needs, packages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ksbb.lib.leaflet_fields import AREA_TYPES, POINT, GeoJSONMapAdminMixin

from .admin_base import (
    AREA_GEOMETRY,
    ImportExportPermissionsMixin,
    KelurahanKotaFilter,
    KotaFilter,
    PartialImportMixin,
    _without_geometry,
)
from .admin_cases import RWCaseImportMixin
from .admin_people import PersonInChargeInline
from .listing import percent
from .models import RW, Area, CaseReport, Need, Package, Recipient, RecipientQuerySet
from .resources import NeedResource, RecipientResource

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

admin.site.site_header = _("KSBB Portal administration")
admin.site.site_title = _("KSBB Portal administration")
admin.site.index_title = _("Data and settings")


@admin.register(Area)
class AreaAdmin(GeoJSONMapAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "population", "households", "provenance"]
    list_filter = ["level", "provenance"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    exclude = ["boundary_web"]
    readonly_fields = ["centroid_lat", "centroid_lon"]
    geojson_fields = {"boundary": AREA_TYPES}
    geojson_readonly = ("boundary",)
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Area]:
        # Also used by every autocomplete that points at an area.
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .defer(*AREA_GEOMETRY, *_without_geometry("parent"))
        )


class _HasRecipient(TypedDict):
    has_recipient: bool


@admin.register(RW)
class RWAdmin(GeoJSONMapAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "kelurahan",
        "number",
        "households",
        "households_provenance",
        "ketua_name",
        "has_recipient",
        "boundary_provenance",
    ]
    list_filter = [
        KelurahanKotaFilter,
        "households_provenance",
        "ketua_provenance",
        "boundary_provenance",
    ]
    search_fields = ["kelurahan__name", "=number", "ketua_name"]
    autocomplete_fields = ["kelurahan"]
    exclude = ["boundary_web"]
    geojson_fields = {"boundary": AREA_TYPES}
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[RW]:
        return (
            super()
            .get_queryset(request)
            .select_related("kelurahan")
            .defer(*AREA_GEOMETRY, *_without_geometry("kelurahan"))
            .annotate(has_recipient=Exists(Recipient.objects.filter(rw=OuterRef("pk"))))
        )

    @admin.display(boolean=True, description=_("recipient"), ordering="has_recipient")
    def has_recipient(self, rw: WithAnnotations[RW, _HasRecipient]) -> bool:
        return rw.has_recipient

    def save_model(self, request, obj: RW, form, change: bool) -> None:
        if "boundary" in form.changed_data:
            refresh_boundary_web(obj)
        super().save_model(request, obj, form, change)


def refresh_boundary_web(obj: RW | Area) -> None:
    """After a map edit: store the boundary as RFC 7946 GeoJSON and re-derive its web copy.

    The web copy is simplified alone, not with its neighbours as the importer does, so a
    shared edge may drift by up to the tolerance until the next coverage-wide import.
    """
    if not obj.boundary:
        obj.boundary = obj.boundary_web = None
        return
    from ksbb.lib import geometry  # shapely: loaded only when an admin saves a boundary

    shape = geometry.from_geojson(obj.boundary)
    obj.boundary = geometry.to_geojson(shape)
    obj.boundary_web = geometry.to_geojson(geometry.simplify_coverage([shape])[0])


class NeedInline(admin.TabularInline):
    model = Need
    fields = ["package", "quantity", "pledged", "delivered", "provenance"]
    readonly_fields = ["pledged", "delivered"]
    extra = 0


@admin.register(Recipient)
class RecipientAdmin(
    GeoJSONMapAdminMixin, PartialImportMixin, ImportExportPermissionsMixin, SimpleHistoryAdmin
):
    resource_classes = [RecipientResource]
    list_display = [
        "name",
        "kind",
        "area",
        "residents_or_households",
        "pj_name",
        "is_active",
        "provenance",
        "need_progress",
    ]
    list_filter = ["kind", "is_active", "provenance", KotaFilter]
    search_fields = ["name", "address", "pj_name"]
    autocomplete_fields = ["area", "rw"]
    inlines = [NeedInline, PersonInChargeInline]
    geojson_fields = {"location": (POINT,)}
    readonly_fields = ["created", "updated"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "area", "rw", "is_active", "description"]}),
        (_("Place"), {"fields": ["location", "location_approximate", "address"]}),
        (
            _("People"),
            {"fields": ["residents", "residents_provenance", "pj_name", "pj_email", "pj_phone"]},
        ),
        (_("Data source"), {"fields": ["provenance", "source", "source_key"]}),
        (_("Record"), {"fields": ["created", "updated"]}),
    ]
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[Recipient]:
        # The admin reads through Recipient's default manager, hence a RecipientQuerySet.
        recipients = cast(RecipientQuerySet, super().get_queryset(request))
        # One query for the whole page: area and RW joined, need totals aggregated.
        return (
            recipients.select_related("area", "rw")
            .defer(*_without_geometry("area"), *_without_geometry("rw"))
            .with_need_sums()
        )

    @admin.display(description=_("residents / KK"), ordering="residents")
    def residents_or_households(self, recipient: Recipient) -> str:
        if recipient.residents is not None:
            return str(recipient.residents)
        if recipient.households is not None:
            return _("%(count)s KK") % {"count": recipient.households}
        return "—"

    @admin.display(description=_("pledged + delivered / need"), ordering="need_total")
    def need_progress(self, recipient: Recipient) -> str:
        if not recipient.need_total:
            return "—"
        covered = recipient.pledged_total + recipient.delivered_total
        return f"{covered} / {recipient.need_total} ({percent(covered, recipient.need_total)}%)"


@admin.register(Package)
class PackageAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "code",
        "unit",
        "reference_value",
        "basis",
        "quantity_per_basis",
        "is_active",
        "sort_order",
    ]
    list_filter = ["basis", "is_active"]
    search_fields = ["code", "name"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Need)
class NeedAdmin(PartialImportMixin, ImportExportPermissionsMixin, SimpleHistoryAdmin):
    resource_classes = [NeedResource]
    list_display = ["recipient", "package", "quantity", "pledged", "delivered", "remaining"]
    list_filter = ["package", "provenance"]
    search_fields = ["recipient__name", "package__name", "package__code"]
    list_select_related = ["recipient", "package"]
    autocomplete_fields = ["recipient"]
    readonly_fields = ["pledged", "delivered", "updated"]
    list_per_page = 100

    @admin.display(description=_("remaining"))
    def remaining(self, need: Need) -> int:
        return need.remaining


@admin.register(CaseReport)
class CaseReportAdmin(RWCaseImportMixin, admin.ModelAdmin):
    list_display = [
        "kelurahan",
        "rw",
        "report_date",
        "schema",
        "odp",
        "pdp",
        "suspek",
        "probable",
        "positif",
        "meninggal",
        "provenance",
    ]
    list_filter = ["schema", "provenance", KelurahanKotaFilter]
    search_fields = ["kelurahan__name", "kelurahan__code", "rw__kelurahan__name"]
    date_hierarchy = "report_date"
    autocomplete_fields = ["kelurahan", "rw"]
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[CaseReport]:
        return (
            super()
            .get_queryset(request)
            .select_related("kelurahan", "rw__kelurahan")
            .defer(
                *_without_geometry("kelurahan"),
                *_without_geometry("rw"),
                *_without_geometry("rw__kelurahan"),
            )
        )
