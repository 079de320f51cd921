"""The filter shared by the map, the list and the CSV: area (kota > kecamatan > kelurahan),
recipient kind and a name search, all in the query string so a link restores the view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ksbb.lib.httpcache import get_value
from recipients.models import Area, Recipient, RecipientQuerySet

T = TypeVar("T")
# What the recipients under a filter are built from: a payload cached under a filter's key is
# rebuilt when one of these changes.
FILTER_TOPICS = ("areas", "recipients", "needs")

LEVEL_FIELDS = (
    ("kota", Area.Level.KOTA),
    ("kecamatan", Area.Level.KECAMATAN),
    ("kelurahan", Area.Level.KELURAHAN),
)


class AreaRef(NamedTuple):
    pk: int
    code: str
    name: str
    level: int


def area_index() -> dict[str, AreaRef]:
    """Every kota, kecamatan and kelurahan by code, built once per data version (one query)."""

    def build() -> dict[str, AreaRef]:
        rows = Area.objects.filter(level__gte=Area.Level.KOTA).values_list(
            "pk", "code", "name", "level"
        )
        return {code: AreaRef(pk, code, name, level) for pk, code, name, level in rows}

    return get_value("area-index", ("areas",), build)


def children(index: dict[str, AreaRef], parent: AreaRef | None, level: int) -> list[AreaRef]:
    prefix = parent.code + "." if parent else ""
    found = [a for a in index.values() if a.level == level and a.code.startswith(prefix)]
    return sorted(found, key=lambda a: a.name)


class RecipientFilterForm(forms.Form):
    kota = forms.CharField(label=_("Kota/kabupaten"), required=False, max_length=13)
    kecamatan = forms.CharField(label=_("Kecamatan"), required=False, max_length=13)
    kelurahan = forms.CharField(label=_("Kelurahan"), required=False, max_length=13)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Recipient.Kind.choices]
    )
    q = forms.CharField(label=_("Name"), required=False, max_length=100, strip=True)

    def __init__(self, data: QueryDict, index: dict[str, AreaRef]):
        super().__init__(data)
        self.index = index

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        area = None
        for name, level in LEVEL_FIELDS:
            code = cleaned.get(name)
            if not code:
                break
            found = self.index.get(code)
            inside = area is None or code.startswith(area.code + ".")
            if found is None or found.level != level or not inside:
                # Keep the levels above: a stale link still shows the kota it named.
                self.add_error(name, ValidationError(_("Unknown area."), code="unknown_area"))
                break
            area = found
        cleaned["area"] = area
        return cleaned


@dataclass
class Filters:
    """The valid part of a filter query string (invalid parts are dropped, with errors)."""

    area: AreaRef | None = None
    chain: dict[str, AreaRef] = field(default_factory=dict)
    kind: str = ""
    q: str = ""
    form: RecipientFilterForm | None = None

    def apply(self, recipients: RecipientQuerySet) -> RecipientQuerySet:
        if self.area is not None:
            recipients = recipients.in_area(self.area)
        if self.kind:
            recipients = recipients.filter(kind=self.kind)
        if self.q:
            recipients = recipients.filter(
                Q(name__icontains=self.q) | Q(area__name__icontains=self.q)
            )
        return recipients

    @property
    def is_empty(self) -> bool:
        return self.area is None and not self.kind and not self.q

    def cache_key(self) -> str:
        """A short, stable key for payloads built from this filter."""
        return f"{self.area.code if self.area else ''}|{self.kind}|{self.q.lower()}"

    def cached(self, name: str, build: Callable[[], T]) -> T:
        """build() once per data version under `name` and this filter. Free-text searches are
        built each time: caching every string anyone types would let them fill the cache."""
        if self.q:
            return build()
        return get_value(f"{name}:{self.cache_key()}", FILTER_TOPICS, build)

    def options(self, index: dict[str, AreaRef]) -> dict[str, list[AreaRef]]:
        """Choices of each area select: the kecamatan of the chosen kota, and so on."""
        kota, kecamatan = self.chain.get("kota"), self.chain.get("kecamatan")
        return {
            "kota": children(index, None, Area.Level.KOTA),
            "kecamatan": children(index, kota, Area.Level.KECAMATAN) if kota else [],
            "kelurahan": children(index, kecamatan, Area.Level.KELURAHAN) if kecamatan else [],
        }


def filters_from(data: QueryDict) -> Filters:
    index = area_index()
    form = RecipientFilterForm(data, index)
    form.is_valid()
    cleaned = form.cleaned_data
    area = cleaned.get("area")
    chain = {}
    if area is not None:
        for name, level in LEVEL_FIELDS:
            if level <= area.level:
                chain[name] = index[cleaned[name]]
    return Filters(
        area=area, chain=chain, kind=cleaned.get("kind") or "", q=cleaned.get("q") or "", form=form
    )
