"""Areas for the base map's tests: neighbours across a kecamatan and a kota border."""

from __future__ import annotations

from recipients.models import Area

WEST, SOUTH = 106.81, -6.18  # kelurahan A's south-west corner (the `areas` fixture's)


def square(lon: float, lat: float, size: float) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def add_neighbours(areas: dict[str, Area], size: float = 0.01) -> dict[str, Area]:
    """Kelurahan A and B (Gambir, Jakarta Pusat) as squares of `size` degrees, B touching A's
    north-west corner only; C east of A in kecamatan Menteng; D south of A in kecamatan Koja
    of kota Jakarta Utara. So A/C share a kecamatan border and A/D a kota border."""
    Area.objects.filter(pk=areas["kelurahan_a"].pk).update(boundary=square(WEST, SOUTH, size))
    Area.objects.filter(pk=areas["kelurahan_b"].pk).update(
        boundary=square(WEST - size, SOUTH + size, size)
    )
    menteng = Area.objects.create(
        code="31.71.06", level=Area.Level.KECAMATAN, name="Menteng", parent=areas["kota"]
    )
    kelurahan_c = Area.objects.create(
        code="31.71.06.1001",
        level=Area.Level.KELURAHAN,
        name="Menteng",
        parent=menteng,
        boundary=square(WEST + size, SOUTH, size),
    )
    utara = Area.objects.create(
        code="31.72", level=Area.Level.KOTA, name="Jakarta Utara", parent=areas["province"]
    )
    koja = Area.objects.create(
        code="31.72.03", level=Area.Level.KECAMATAN, name="Koja", parent=utara
    )
    kelurahan_d = Area.objects.create(
        code="31.72.03.1001",
        level=Area.Level.KELURAHAN,
        name="Koja",
        parent=koja,
        boundary=square(WEST, SOUTH - size, size),
    )
    return {
        **areas,
        "menteng": menteng,
        "kelurahan_c": kelurahan_c,
        "utara": utara,
        "koja": koja,
        "kelurahan_d": kelurahan_d,
    }
