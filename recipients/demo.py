"""Demo data: the parts no public source lists (priority RWs, Ketua RW names, panti, needs,
case figures per RW: recipients/case_estimates.py),
generated on top of the official data (the fictional province for machines without the real
data is in demo_dataset.py).

Every value is drawn from random.Random seeded with a stable key (an area code, an RW number),
never from time or iteration order, so two runs on two machines give the same records. Demo
values only fill fields that are empty, so a second run changes nothing and nothing official or
typed by an admin is ever replaced (demo needs alone follow their rule: see add_initial_needs).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from shapely import make_valid
from shapely.geometry.base import BaseGeometry
from simple_history.utils import bulk_create_with_history

from ksbb.lib.geometry import GeometryError, from_geojson, random_point_inside
from recipients.case_estimates import apportion, generate_case_estimates
from recipients.context_processors import clear_demo_flags
from recipients.importers.base import Summary
from recipients.models import RW, Area, Need, Package, Provenance, Recipient

DEMO = Provenance.DEMO
SOURCE = "KSBB demo generator"
KM_PER_DEGREE = 111.32

# Plausible but fictional Indonesian names: common given names combined at random with common
# second names, so that no combination points at a real person on purpose.
# fmt: off
GIVEN_NAMES = (
    "Agus", "Ahmad", "Bambang", "Budi", "Dedi", "Eko", "Hadi", "Hendra", "Iwan", "Joko", "Rudi",
    "Slamet", "Teguh", "Wahyu", "Yusuf", "Ani", "Dewi", "Endang", "Fitri", "Lestari", "Nur",
    "Ratna", "Rina", "Siti", "Sri", "Wati", "Yanti",
)
SECOND_NAMES = (
    "Hartono", "Hidayat", "Kurniawan", "Lubis", "Nasution", "Nugroho", "Pratama", "Rahayu",
    "Santoso", "Saputra", "Setiawan", "Siregar", "Susanto", "Tanjung", "Wibowo", "Wijaya",
)
PANTI_WORDS = (
    ("Kasih", "Cahaya", "Pelita", "Tunas", "Mutiara", "Bina", "Sinar", "Bintang", "Taman"),
    ("Bunda", "Harapan", "Hati", "Bangsa", "Insani", "Sejahtera", "Mulia", "Ceria", "Damai"),
)
STREET_WORDS = (
    "Melati", "Mawar", "Kenari", "Cendana", "Merpati", "Nuri", "Jati", "Mahoni", "Beringin",
)
# fmt: on
PANTI_PREFIX = {
    Recipient.Kind.PANTI_ASUHAN: "Panti Asuhan",
    Recipient.Kind.PANTI_DISABILITAS: "Panti Disabilitas",
    Recipient.Kind.PANTI_JOMPO: "Panti Werdha",
    Recipient.Kind.PESANTREN: "Pondok Pesantren",
    Recipient.Kind.OTHER: "Dapur Umum",
}
# Plausible resident counts per kind (inclusive ranges).
RESIDENTS = {
    Recipient.Kind.PANTI_ASUHAN: (20, 80),
    Recipient.Kind.PANTI_DISABILITAS: (15, 60),
    Recipient.Kind.PANTI_JOMPO: (20, 100),
    Recipient.Kind.PESANTREN: (40, 400),
    Recipient.Kind.OTHER: (30, 120),
}
INSTITUTIONS = set(RESIDENTS)
PANTI_KINDS = (
    Recipient.Kind.PANTI_ASUHAN,
    Recipient.Kind.PANTI_DISABILITAS,
    Recipient.Kind.PANTI_JOMPO,
)


def rng_for(*key: object) -> random.Random:
    """A generator seeded by a stable key (str seeds hash with SHA-512, not PYTHONHASHSEED)."""
    return random.Random("ksbb-demo:" + ":".join(map(str, key)))


def stable_fraction(*key: object) -> float:
    """A number in [0, 1) that depends on the key only."""
    digest = hashlib.sha256(("ksbb-demo:" + ":".join(map(str, key))).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN_NAMES)} {rng.choice(SECOND_NAMES)}"


# Each kelurahan's boundary by area pk, parsed once (None where it has none).
Shapes = dict[int, BaseGeometry | None]


def geometry(geojson: dict | None) -> BaseGeometry | None:
    """A valid shapely geometry from GeoJSON, or None when missing or unusable."""
    try:
        geom = from_geojson(geojson)
    except GeometryError:
        return None
    return geom if geom.is_valid else make_valid(geom)


def area_km2(geom: BaseGeometry | None) -> float:
    """Area in km², good enough near the equator: degrees scaled by cos(latitude)."""
    if geom is None:
        return 0.0
    cos_lat = math.cos(math.radians(geom.centroid.y))
    return geom.area * KM_PER_DEGREE**2 * cos_lat


def point_inside(geom: BaseGeometry | None, rng: random.Random) -> dict | None:
    return None if geom is None else random_point_inside(geom, rng)


def save_fields(obj: Any, summary: Summary, values: dict[str, Any]) -> None:
    """Update a row already in hand (saves only these fields, counts it as updated)."""
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(values))
    summary.updated += 1


def empty_fields(obj: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The values whose field is still empty (None or ""): only those may be filled."""
    # attname: a foreign key is checked by its id, without loading the related row.
    return {
        name: value
        for name, value in values.items()
        if getattr(obj, obj._meta.get_field(name).attname) in (None, "")
    }


class Batch:
    """Changes collected during a run and written in a few bulk queries: row by row, a run
    on Jakarta's 2,700 RWs spends half a minute in database round trips."""

    def __init__(self, summary: Summary):
        self.summary = summary
        self.rws: dict[int, RW] = {}
        self.recipients: list[Recipient] = []
        self.by_key = {r.source_key: r for r in Recipient.objects.exclude(source_key=None)}

    def set_rw(self, rw: RW, **values: Any) -> None:
        for name, value in values.items():
            setattr(rw, name, value)
        self.rws[rw.pk] = rw

    def fill_recipient(self, key: str, values: dict[str, Any], existing=None) -> None:
        """Queue a new recipient, or fill the empty fields of the one with this key."""
        existing = existing or self.by_key.get(key)
        if existing is None:
            self.recipients.append(Recipient(source_key=key, **values))
        elif empty := empty_fields(existing, values):
            save_fields(existing, self.summary, empty)
        else:
            self.summary.unchanged += 1

    def write_rws(self, total: int) -> None:
        # One parametrised UPDATE run for every row: bulk_update() builds a CASE per field and
        # row, which costs ten seconds of CPU on 2,700 RWs; .update() per row, a round trip each.
        names = ["households", "households_provenance", "ketua_name", "ketua_provenance"]
        concrete = {field.name: field for field in RW._meta.concrete_fields}
        columns = [concrete[name].column for name in names]
        sql = "UPDATE {} SET {} WHERE {} = %s".format(
            connection.ops.quote_name(RW._meta.db_table),
            ", ".join(f"{connection.ops.quote_name(column)} = %s" for column in columns),
            connection.ops.quote_name(RW._meta.pk.column),
        )
        rows = [[getattr(rw, name) for name in names] + [rw.pk] for rw in self.rws.values()]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        self.summary.updated += len(self.rws)
        self.summary.unchanged += total - len(self.rws)

    def write_recipients(self) -> None:
        bulk_create_with_history(self.recipients, Recipient, batch_size=500)
        self.summary.created += len(self.recipients)


# --- Demo parts on top of official data -------------------------------------------------------


def generate_demo_parts(data_dir: Path, summary: Summary) -> None:
    """Add the demo parts to whatever areas and RWs exist (data_dir is unused)."""
    kelurahan = list(Area.objects.kelurahan().defer("boundary_web").order_by("code"))
    rws_by_kelurahan: dict[int, list[RW]] = defaultdict(list)
    for rw in RW.objects.defer("boundary_web").order_by("kelurahan_id", "number"):
        rws_by_kelurahan[rw.kelurahan_id].append(rw)
    shapes = {kel.pk: geometry(kel.boundary) for kel in kelurahan}
    rw_recipients = {r.rw_id: r for r in Recipient.objects.exclude(rw=None)}
    batch, priority = Batch(summary), 0
    for kel in kelurahan:
        rws = rws_by_kelurahan.get(kel.pk, [])
        estimate_households(kel, rws, batch)
        for rw in choose_priority_rws(kel, rws, shapes[kel.pk]):
            add_priority_rw(kel, rw, shapes[kel.pk], rw_recipients.get(rw.pk), batch)
            priority += 1
    total = sum(map(len, rws_by_kelurahan.values()))
    batch.write_rws(total)
    summary.note(f"{priority} priority RWs of {total} RWs")
    generate_case_estimates(summary)  # by the households just estimated
    add_panti(kelurahan, shapes, batch)
    batch.write_recipients()
    add_pesantren_residents(summary)
    add_initial_needs(summary)
    transaction.on_commit(clear_demo_flags)


def estimate_households(kelurahan: Area, rws: list[RW], batch: Batch) -> None:
    """Share the kelurahan's KK among its RWs that have no KK, by their share of the area.

    RWs that already have a figure keep it and their KK is taken off the total first, so the
    RWs of a kelurahan always sum to its KK. Largest remainders make the integers add up.
    """
    missing = [rw for rw in rws if rw.households is None]
    if not missing:
        return
    if kelurahan.households is None:
        batch.summary.note(f"{kelurahan.code}: no KK for the kelurahan, RW KK not estimated")
        return
    total = kelurahan.households - sum(rw.households for rw in rws if rw.households is not None)
    if total < 0:
        batch.summary.note(f"{kelurahan.code}: RW KK exceed the kelurahan's, not estimated")
        return
    weights = [area_km2(geometry(rw.boundary)) for rw in missing]
    if not all(weights):  # an RW without a usable polygon: share equally
        weights = [1.0] * len(missing)
    shares = apportion(total, weights, [rw.number for rw in missing])
    for rw, share in zip(missing, shares, strict=True):
        batch.set_rw(rw, households=share, households_provenance=Provenance.ESTIMATED)


def priority_rate(kelurahan: Area, geom: BaseGeometry | None) -> float:
    """Share of a kelurahan's RWs that are priority RWs: more where people live densely.

    People per km²: under 10,000 -> 5 %; 10,000-20,000 -> 7.5 %; 20,000-30,000 -> 10 %;
    30,000 and more -> 12.5 %; unknown -> 10 %. On Jakarta's 2019 figures this (with at least
    one per kelurahan) makes about 10 % of all RWs priority RWs.
    """
    km2 = area_km2(geom)
    if not kelurahan.population or not km2:
        return 0.10
    density = kelurahan.population / km2
    for floor, rate in ((30_000, 0.125), (20_000, 0.10), (10_000, 0.075)):
        if density >= floor:
            return rate
    return 0.05


def choose_priority_rws(kelurahan: Area, rws: list[RW], geom: BaseGeometry | None) -> list[RW]:
    """The RWs with the lowest stable hash of (kelurahan code, RW number): at least one per
    kelurahan that has RWs, then priority_rate() of them, rounded half up."""
    if not rws:
        return []
    count = max(1, int(priority_rate(kelurahan, geom) * len(rws) + 0.5))
    ranked = sorted(rws, key=lambda rw: stable_fraction("priority", kelurahan.code, rw.number))
    return sorted(ranked[:count], key=lambda rw: rw.number)


def add_priority_rw(
    kelurahan: Area,
    rw: RW,
    kel_geom: BaseGeometry | None,
    existing: Recipient | None,
    batch: Batch,
) -> None:
    """A demo Ketua RW (where none is known) and the RW's recipient record."""
    rng = rng_for("rw", kelurahan.code, rw.number)
    ketua = person_name(rng)
    if not rw.ketua_name:
        batch.set_rw(rw, ketua_name=ketua, ketua_provenance=DEMO)
    rw_geom = geometry(rw.boundary)
    key = f"rw:{kelurahan.code}:{rw.number}"
    if existing is not None and existing.source_key != key:
        batch.summary.unchanged += 1  # entered by hand under another key: it is the admin's
        return
    values = {
        "kind": Recipient.Kind.PRIORITY_RW,
        "name": f"RW {rw.number:02d} {kelurahan.name}",
        "area": kelurahan,
        "rw": rw,
        "location": point_inside(rw_geom or kel_geom, rng),
        "location_approximate": rw_geom is None,
        "pj_name": rw.ketua_name,
        "provenance": DEMO,
        "source": SOURCE,
    }
    batch.fill_recipient(key, values, existing)


def panti_count(kelurahan_count: int) -> int:
    """One panti per five kelurahan of a kota, at least 3 (one of each kind), at most 10."""
    return min(10, max(3, int(kelurahan_count / 5 + 0.5)))


def add_panti(kelurahan: list[Area], shapes: Shapes, batch: Batch) -> None:
    """Panti asuhan, disabilitas and jompo in turn, each in a kelurahan drawn per kota."""
    by_kota: dict[str, list[Area]] = defaultdict(list)
    for kel in kelurahan:
        by_kota[kel.code.rsplit(".", 2)[0]].append(kel)
    for kota_code in sorted(by_kota):
        members = by_kota[kota_code]
        for index in range(panti_count(len(members))):
            kind = PANTI_KINDS[index % len(PANTI_KINDS)]
            add_institution(kind, f"panti:{kota_code}:{index + 1}", members, shapes, batch)


def add_institution(
    kind: Recipient.Kind, key: str, candidates: list[Area], shapes: Shapes, batch: Batch
) -> None:
    """One demo institution in a kelurahan drawn from the candidates (sorted by code)."""
    rng = rng_for(key)
    kel = rng.choice(candidates)
    words = f"{rng.choice(PANTI_WORDS[0])} {rng.choice(PANTI_WORDS[1])}"
    # "(demo)" is part of the name because names travel where no badge is drawn (pledge
    # letters, CSV, e-mail) and common panti names belong to real institutions.
    values = {
        "kind": kind,
        "name": f"{PANTI_PREFIX[kind]} {words} {kel.name} (demo)",
        "area": kel,
        "location": point_inside(shapes.get(kel.pk), rng),
        "address": f"Jl. Contoh {rng.choice(STREET_WORDS)} No. {rng.randint(1, 120)}, {kel.name}",
        "residents": rng.randint(*RESIDENTS[kind]),
        "residents_provenance": DEMO,
        "pj_name": person_name(rng),
        "provenance": DEMO,
        "source": SOURCE,
    }
    batch.fill_recipient(f"demo:{key}", values)


def add_pesantren_residents(summary: Summary) -> None:
    """Demo resident counts for pesantren whose source gives none."""
    pesantren = Recipient.objects.filter(kind=Recipient.Kind.PESANTREN, residents__isnull=True)
    for recipient in pesantren.select_related("area").defer("area__boundary", "area__boundary_web"):
        key = recipient.source_key or f"{recipient.area.code}:{recipient.name}"
        residents = rng_for("residents", key).randint(*RESIDENTS[Recipient.Kind.PESANTREN])
        save_fields(recipient, summary, {"residents": residents, "residents_provenance": DEMO})


def needs_rule(recipient: Recipient) -> list[str]:
    """Package codes of a recipient's initial needs: Paket Sembako for every recipient, and
    Paket Makanan Siap Saji for institutions (their residents eat there every day)."""
    return ["sembako", "siap-saji"] if recipient.kind in INSTITUTIONS else ["sembako"]


def add_initial_needs(summary: Summary) -> None:
    """Demo needs from the package rules for every active recipient.

    A demo need follows the rule (e.g. after residents change) until someone pledges to it or a
    person edits or deletes it (a history entry with a user); then it is theirs. Recipients
    with a non-demo need have needs from a real source, so they get no demo ones.
    """
    packages = {p.code: p for p in Package.objects.filter(is_active=True)}
    if not packages:
        # The catalogue is reference data that load_data loads first; say why needs are missing.
        summary.note("no active package in the catalogue, so no demo needs (load_reference_data)")
    touched = set(
        Need.history.filter(history_user__isnull=False).values_list("recipient_id", "package_id")
    )
    needs = {(n.recipient_id, n.package_id): n for n in Need.objects.all()}
    with_real_needs = {key[0] for key, n in needs.items() if n.provenance != DEMO}
    recipients = (
        Recipient.objects.active()
        .select_related("rw")
        .only("kind", "residents", "rw__households")
        .exclude(pk__in=with_real_needs)
        .order_by("pk")
    )
    new = []
    for recipient in recipients:
        for code in needs_rule(recipient):
            package = packages.get(code)
            if package is None:
                continue
            quantity = package.need_for(recipient)
            if not quantity or (recipient.pk, package.pk) in touched:
                continue
            need = needs.get((recipient.pk, package.pk))
            if need is None:
                new.append(
                    Need(recipient=recipient, package=package, quantity=quantity, provenance=DEMO)
                )
            elif need.pledged or need.delivered or need.quantity == quantity:
                summary.unchanged += 1
            else:
                save_fields(need, summary, {"quantity": quantity})
    bulk_create_with_history(new, Need, batch_size=500)
    summary.created += len(new)
