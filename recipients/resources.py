"""CSV/XLSX import and export of recipients and needs (django-import-export resources);
exported cells are formula-safe (ksbb/lib/spreadsheet.py).

Every bad value becomes a translated per-row validation error, so the preview lists it beside
its row and the good rows of the same file can still be imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import ModelInstanceLoader

from ksbb.lib.leaflet_fields import POINT, clean_geometry
from ksbb.lib.spreadsheet import neutralise, restore

from .models import RW, Area, Need, Package, Recipient

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class SafeModelResource(resources.ModelResource):
    """A django-import-export resource whose exported cells are neutralised, in every format.

    django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading
    `=`. An exported file that an admin edits and imports again is restored, so a description
    that starts with "- " survives the round trip unchanged.
    """

    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        return neutralise(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        for column, value in row.items():
            row[column] = restore(value)
        super().before_import_row(row, **kwargs)


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key looked up by a natural value; an unknown value is a row error."""

    def __init__(
        self,
        model: type[models.Model],
        field: str,
        message: StrOrPromise,
        defer: tuple[str, ...] = (),
        **kwargs: Any,
    ):
        super().__init__(model, field=field, **kwargs)
        self.message, self.defer = message, defer

    def clean(self, value, row=None, **kwargs):
        value = value.strip() if isinstance(value, str) else value
        try:
            return super().clean(value, row, **kwargs)
        except (ObjectDoesNotExist, MultipleObjectsReturned, ValueError, TypeError) as error:
            raise ValueError(self.message % {"value": value}) from error

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.defer(*self.defer)


class ChoiceWidget(widgets.CharWidget):
    """A choice given by its stored value (`panti_asuhan`), checked against the choices."""

    def __init__(self, choices: type[models.Choices], **kwargs: Any):
        super().__init__(**kwargs)
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        value = (super().clean(value, row, **kwargs) or "").strip()
        if value and value not in self.choices.values:
            raise ValueError(
                _("Unknown value “%(value)s”; use one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(self.choices.values)}
            )
        return value


class NonNegativeIntegerWidget(widgets.IntegerWidget):
    """A whole number ≥ 0, with a translated message instead of a Python exception."""

    def clean(self, value, row=None, **kwargs):
        try:
            number = super().clean(value, row, **kwargs)
        except (ArithmeticError, ValueError, TypeError) as error:
            raise ValueError(_("Enter a whole number.")) from error
        if number is not None and number < 0:
            raise ValueError(_("The number cannot be negative."))
        return number


class RWWidget(widgets.ForeignKeyWidget):
    """An RW given by its number inside the kelurahan named in the row's `area` column."""

    def __init__(self, **kwargs: Any):
        super().__init__(RW, field="number", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            number = int(value)
            return RW.objects.only("pk", "number", "kelurahan").get(
                kelurahan__code=str((row or {}).get("area", "")).strip(), number=number
            )
        except (ValueError, TypeError, RW.DoesNotExist) as error:
            raise ValueError(
                _("No RW %(number)s in the kelurahan of this row.") % {"number": value}
            ) from error

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.number


class SafeKeyLoader(ModelInstanceLoader):
    """Treats a key that cannot be resolved as a new row, so the field itself reports the
    error as a row validation error instead of aborting the whole file."""

    def get_instance(self, row):
        try:
            return super().get_instance(row)
        except (ValueError, ObjectDoesNotExist, MultipleObjectsReturned):
            return None


class RecipientResource(SafeModelResource):
    """Recipients keyed by `source_key` when the row has one, else by `id`."""

    # The id only finds the row to update: a new recipient never takes its id from a file.
    id = fields.Field(attribute="id", column_name="id", readonly=True)
    # Blank means "no source key" (NULL), so that many hand-entered recipients can coexist.
    source_key = fields.Field(
        attribute="source_key",
        column_name="source_key",
        widget=widgets.CharWidget(allow_blank=False),
    )
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(Recipient.Kind))
    area = fields.Field(
        attribute="area",
        column_name="area",
        # Areas carry their boundaries: never load those to resolve a code.
        widget=LookupWidget(
            Area, "code", _("Unknown area code “%(value)s”."), defer=("boundary", "boundary_web")
        ),
    )
    area_name = fields.Field(attribute="area__name", column_name="area_name", readonly=True)
    rw = fields.Field(attribute="rw", column_name="rw_number", widget=RWWidget())
    residents = fields.Field(
        attribute="residents", column_name="residents", widget=NonNegativeIntegerWidget()
    )
    households = fields.Field(column_name="households", readonly=True)
    longitude = fields.Field(column_name="longitude")
    latitude = fields.Field(column_name="latitude")

    class Meta:
        model = Recipient
        fields = (
            "id",
            "source_key",
            "kind",
            "name",
            "area",
            "area_name",
            "rw",
            "address",
            "residents",
            "residents_provenance",
            "households",
            "pj_name",
            "description",
            "is_active",
            "provenance",
            "source",
            "longitude",
            "latitude",
            "location_approximate",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_instance(self, instance_loader, row):
        key = str(row.get("source_key") or "").strip()
        if key:
            return Recipient.objects.filter(source_key=key).first()
        try:
            pk = int(row.get("id") or 0)
        except (TypeError, ValueError):
            return None
        return Recipient.objects.filter(pk=pk).first() if pk else None

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("area", "rw").defer(
            "area__boundary", "area__boundary_web", "rw__boundary", "rw__boundary_web"
        )

    def dehydrate_households(self, recipient: Recipient) -> int | str:
        return "" if recipient.households is None else recipient.households

    def dehydrate_longitude(self, recipient: Recipient) -> float | str:
        return recipient.location["coordinates"][0] if recipient.location else ""

    def dehydrate_latitude(self, recipient: Recipient) -> float | str:
        return recipient.location["coordinates"][1] if recipient.location else ""

    def import_instance(self, instance: Recipient, row, **kwargs) -> None:
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "longitude" in row or "latitude" in row:
            try:
                instance.location = self._location(row)
            except ValidationError as error:
                errors.setdefault("location", []).extend(error.messages)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _location(row) -> dict | None:
        lon, lat = (str(row.get(name) or "").strip() for name in ("longitude", "latitude"))
        if not lon and not lat:
            return None
        try:
            coordinates = [float(lon), float(lat)]
        except ValueError as error:
            raise ValidationError(
                _("Longitude and latitude must both be numbers."), code="invalid"
            ) from error
        return clean_geometry({"type": POINT, "coordinates": coordinates}, [POINT])


class NeedResource(SafeModelResource):
    """Needs keyed by (recipient, package code); pledged/delivered are export-only."""

    recipient = fields.Field(
        attribute="recipient",
        column_name="recipient",
        widget=LookupWidget(Recipient, "pk", _("Unknown recipient id “%(value)s”.")),
    )
    recipient_name = fields.Field(
        attribute="recipient__name", column_name="recipient_name", readonly=True
    )
    package = fields.Field(
        attribute="package",
        column_name="package",
        widget=LookupWidget(Package, "code", _("Unknown package code “%(value)s”.")),
    )
    quantity = fields.Field(
        attribute="quantity", column_name="quantity", widget=NonNegativeIntegerWidget()
    )
    # Kept in step by the commitments app: exported for reports, never imported.
    pledged = fields.Field(
        attribute="pledged", column_name="pledged", readonly=True, widget=widgets.IntegerWidget()
    )
    delivered = fields.Field(
        attribute="delivered",
        column_name="delivered",
        readonly=True,
        widget=widgets.IntegerWidget(),
    )
    remaining = fields.Field(column_name="remaining", readonly=True)

    class Meta:
        model = Need
        import_id_fields = ("recipient", "package")
        fields = (
            "recipient",
            "recipient_name",
            "package",
            "quantity",
            "pledged",
            "delivered",
            "remaining",
            "provenance",
        )
        export_order = fields
        instance_loader_class = SafeKeyLoader
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("recipient", "package")

    def dehydrate_remaining(self, need: Need) -> int | str:
        # A row whose quantity did not parse still gets a preview line.
        return "" if need.quantity is None else need.remaining
