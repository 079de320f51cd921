"""Map editing of GeoJSON geometries kept in plain JSON fields (no GeoDjango): a form field that
validates what comes back from django-leaflet's widget (ksbb/lib/leaflet_widget.py).

The widget and shapely are imported only when a form is built or checked: django-leaflet's
widgets load GDAL, and this module is imported by the admin at every worker's start.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ksbb.lib.geojson import in_range, is_closed_ring

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
    from django.http import HttpRequest

    # The mixin is only ever combined with a ModelAdmin; tell the type checker so.
    _AdminBase = ModelAdmin[Any]
else:
    _AdminBase = object

POINT = "Point"
POLYGON = "Polygon"
MULTIPOLYGON = "MultiPolygon"
AREA_TYPES = (POLYGON, MULTIPOLYGON)


def _position(value: Any) -> tuple[float, float]:
    """A [lon, lat] position with both numbers in range; a third (height) is dropped."""
    if not isinstance(value, list | tuple) or len(value) not in (2, 3):
        raise ValidationError(
            _("Each position must be a [longitude, latitude] pair."), code="invalid_position"
        )
    numbers = value[:2]
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers) or not all(
        math.isfinite(n) for n in numbers
    ):
        raise ValidationError(_("Longitude and latitude must be numbers."), code="invalid_position")
    lon, lat = numbers
    if not in_range(lon, lat):
        raise ValidationError(
            _(
                "Position %(lon)s, %(lat)s is out of range: longitude must be between -180 "
                "and 180 and latitude between -90 and 90."
            ),
            code="out_of_range",
            params={"lon": lon, "lat": lat},
        )
    return lon, lat


def _ring(value: Any) -> list[list[float]]:
    """A closed linear ring; an open one is closed rather than refused."""
    if not isinstance(value, list):
        raise ValidationError(_("A polygon ring must be a list of positions."), code="invalid_ring")
    ring = [list(_position(p)) for p in value]
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    if not is_closed_ring(ring):
        raise ValidationError(
            _("A polygon ring needs at least three distinct corners."), code="invalid_ring"
        )
    return ring


def _polygon(value: Any) -> list[list[list[float]]]:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("A polygon must be a list of rings."), code="invalid_polygon")
    return [_ring(ring) for ring in value]


def clean_geometry(value: Any, allowed_types: Iterable[str]) -> dict:
    """Check a GeoJSON geometry dict and return it normalised (closed rings, 2D positions).

    Raises ValidationError with a translated message naming what is wrong.
    """
    allowed = tuple(allowed_types)
    if not isinstance(value, dict) or "type" not in value:
        raise ValidationError(_("Enter a GeoJSON geometry object."), code="invalid_geojson")
    kind = value["type"]
    if kind not in allowed:
        raise ValidationError(
            _("Expected a geometry of type %(expected)s, got %(got)s."),
            code="invalid_type",
            params={"expected": " / ".join(allowed), "got": str(kind)[:50]},
        )
    coordinates = value.get("coordinates")
    if kind == POINT:
        return {"type": POINT, "coordinates": list(_position(coordinates))}
    if kind == POLYGON:
        geometry = {"type": POLYGON, "coordinates": _polygon(coordinates)}
    elif kind == MULTIPOLYGON:
        if not isinstance(coordinates, list) or not coordinates:
            raise ValidationError(
                _("A multipolygon must be a list of polygons."), code="invalid_polygon"
            )
        geometry = {"type": MULTIPOLYGON, "coordinates": [_polygon(p) for p in coordinates]}
    else:  # pragma: no cover - a caller asked for a type this module does not know
        raise ValueError(f"Unsupported geometry type {kind}")
    from shapely.geometry import shape
    from shapely.validation import explain_validity

    polygon = shape(geometry)
    if not polygon.is_valid:
        # Self-intersections break area and containment computations on the map.
        raise ValidationError(
            _("The polygon is not valid (%(reason)s)."),
            code="invalid_polygon",
            params={"reason": explain_validity(polygon)},
        )
    return geometry


class GeoJSONGeometryField(forms.Field):
    """A form field for a GeoJSON geometry dict of the given types, edited on a Leaflet map."""

    default_error_messages = {
        "invalid_json": _("Enter valid GeoJSON (the text could not be read as JSON)."),
    }

    def __init__(
        self,
        *,
        geom_types: Iterable[str],
        modifiable: bool = True,
        csp_nonce: Any = None,
        **kwargs: Any,
    ) -> None:
        self.geom_types = tuple(geom_types)
        # The map draws a single type; areas may be multi-part, so they get the multi type.
        widget_type = "POINT" if self.geom_types == (POINT,) else "MULTIPOLYGON"
        if "widget" not in kwargs:
            from ksbb.lib.leaflet_widget import GeoJSONMapWidget

            kwargs["widget"] = GeoJSONMapWidget(
                attrs={"geom_type": widget_type}, modifiable=modifiable
            )
        super().__init__(**kwargs)
        self.widget.csp_nonce = csp_nonce  # django-leaflet's widget template reads it

    def prepare_value(self, value: Any) -> Any:
        return json.dumps(value) if isinstance(value, dict) else value

    def to_python(self, value: Any) -> dict | None:
        if isinstance(value, dict):
            return value
        if value is None or not str(value).strip():
            return None
        try:
            return json.loads(value)
        except (TypeError, ValueError) as error:
            raise ValidationError(self.error_messages["invalid_json"], code="invalid_json") from (
                error
            )

    def clean(self, value: Any) -> dict | None:
        if self.disabled:  # shown, never taken from the form: nothing to check
            return self.to_python(value)
        geometry = super().clean(value)
        return None if geometry is None else clean_geometry(geometry, self.geom_types)

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


class GeoJSONMapAdminMixin(_AdminBase):
    """Admin mixin: the JSON fields named in `geojson_fields` become map widgets.

    `geojson_fields` maps a field name to the geometry types it accepts; names listed in
    `geojson_readonly` are shown on a map that cannot be edited.
    """

    geojson_fields: dict[str, tuple[str, ...]] = {}
    geojson_readonly: tuple[str, ...] = ()

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name in self.geojson_fields:
            readonly = db_field.name in self.geojson_readonly
            return GeoJSONGeometryField(
                geom_types=self.geojson_fields[db_field.name],
                modifiable=not readonly,
                disabled=readonly,
                required=not db_field.blank,
                label=db_field.verbose_name.capitalize(),
                help_text=db_field.help_text,
                # The widget's inline script runs under the Content-Security-Policy's nonce.
                csp_nonce=getattr(request, "csp_nonce", None),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
