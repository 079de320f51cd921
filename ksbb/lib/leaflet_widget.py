"""django-leaflet's admin map widget working on GeoJSON dicts or text instead of GEOS geometries.

Imported only when a map form field is built (ksbb/lib/leaflet_fields.py): django-leaflet's
widgets load GDAL, which a web worker that serves no admin map need not hold.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from leaflet.admin import LeafletAdminWidget


class _Serialized:
    """GeoJSON text dressed as the GEOS geometry that django-leaflet's widget expects."""

    srid = None

    def __init__(self, text: str):
        self.geojson = text

    def __bool__(self) -> bool:
        return bool(self.geojson.strip())


class GeoJSONMapWidget(LeafletAdminWidget):
    """django-leaflet's admin map widget, working on GeoJSON dicts or text instead of GEOS."""

    def __init__(self, attrs: dict | None = None, *, modifiable: bool = True):
        super().__init__(attrs)
        self.modifiable = modifiable

    @property
    def media(self) -> forms.Media:
        # After leaflet.js: hashed static names break Leaflet's guess of its marker images.
        return super().media + forms.Media(js=["js/leaflet-icon-path.js"])

    def serialize(self, value: Any) -> str:
        return value.geojson if value else ""

    def deserialize(self, value: str) -> _Serialized:
        # Text posted back after a failed validation is shown as the user sent it.
        return _Serialized(value)

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        if isinstance(value, dict):
            value = _Serialized(json.dumps(value)) if value else None
        return super().get_context(name, value, attrs)
