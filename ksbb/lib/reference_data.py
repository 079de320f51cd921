"""Reference data that admins may edit afterwards (the package catalogue, complaint channels,
categories, statuses and offices): Django fixtures in `fixtures/`, loaded without overwriting
any edit.

Fixture rows carry no primary key. A row refers to another by a lookup on the other's unique
fields instead: `"parent": {"name": "Dinas Sosial"}` for a foreign key, a list of such lookups
for a many-to-many field (`"categories": [{"code": "not-delivered"}]`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core import serializers
from django.db import models, transaction

if TYPE_CHECKING:
    from django.db.models.options import Options

REFERENCE_DATA_DIR = Path(__file__).resolve().parents[2] / "fixtures"


@dataclass(frozen=True)
class Loaded:
    """What loading one fixture file did."""

    file: str
    created: int
    kept: int

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.created} created, {self.kept} already present (left as they are)"
        )


def load_reference_data(directory: Path = REFERENCE_DATA_DIR) -> list[Loaded]:
    """Create the fixture rows the database lacks, in one transaction; rows already there are
    left alone. Files load in name order, so a file may refer to rows of an earlier one."""
    with transaction.atomic():
        return [load_fixture(path) for path in sorted(directory.glob("*.json"))]


def load_fixture(path: Path) -> Loaded:
    """Unlike `loaddata`, which overwrites a row with the fixture's values, this creates only the
    rows that are missing, each found by its unique fields (Package.code): an admin's edit of
    a name, a value or `is_active` survives every later load. A deleted row comes back."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    if any("pk" in row for row in rows):
        # Primary keys differ from one database to the next; saving one could overwrite an
        # unrelated row.
        raise ValueError(f"{path.name}: fixture rows carry no pk; they are found by unique fields")
    created = kept = 0
    # Row by row: a lookup may name a row created earlier in the same file.
    for row in rows:
        (item,) = serializers.deserialize("python", [resolve_lookups(row, path.name)])
        instance = item.object
        if type(instance)._default_manager.filter(same_row(instance)).exists():
            kept += 1
            continue
        instance.save()
        for name, values in (item.m2m_data or {}).items():
            getattr(instance, name).set(values)
        created += 1
    return Loaded(path.name, created, kept)


def resolve_lookups(row: dict[str, Any], file: str) -> dict[str, Any]:
    """The row with each relation given as a lookup (a dict of the related row's fields)
    replaced by the related row's primary key."""
    model = apps.get_model(row["model"])
    fields = dict(row.get("fields", {}))
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if field.many_to_many and isinstance(value, list):
            fields[name] = [_lookup(field, item, file) for item in value]
        elif field.is_relation:
            fields[name] = _lookup(field, value, file)
    return {**row, "fields": fields}


def _lookup(field: Any, value: Any, file: str) -> Any:
    if not isinstance(value, dict):
        return value
    related = field.related_model
    try:
        return related._default_manager.values_list("pk", flat=True).get(**value)
    except related.DoesNotExist:
        raise ValueError(
            f"{file}: no {related._meta.label} matches {value} (field {field.name})"
        ) from None


def same_row(instance: models.Model) -> models.Q:
    """Matches the rows that share a unique field or a unique constraint with `instance`, i.e.
    the rows that creating it would duplicate."""
    meta = instance._meta
    groups: list[Sequence[str]] = [
        (field.name,) for field in meta.concrete_fields if field.unique and not field.primary_key
    ]
    groups += [constraint.fields for constraint in meta.total_unique_constraints]
    groups += list(meta.unique_together)
    if not groups:
        raise ValueError(f"{meta.label} has no unique field to find a fixture row by")
    # attname ("area_id") compares a foreign key without fetching the related row.
    attnames = [[_attname(meta, name) for name in group] for group in groups]
    return reduce(or_, (models.Q(**{a: getattr(instance, a) for a in group}) for group in attnames))


def _attname(meta: Options[Any], name: str) -> str:
    field = meta.get_field(name)
    # Unique fields and unique constraints name concrete fields (Django's checks refuse others).
    assert isinstance(field, models.Field)
    return field.attname
