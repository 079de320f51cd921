"""Seed the four reference packages of 2020 (admins may edit them afterwards)."""

from django.db import migrations

PACKAGES = [
    {
        "code": "sembako",
        "name": "Paket Sembako",
        "unit": "paket per KK per minggu",
        "reference_value": 200_000,
        "contents": (
            "Beras 5 kg, minyak goreng 2 L, tepung terigu 1 kg, susu kental manis, gula pasir 1 kg, "
            "teh dan kopi, sarden, 5 mi instan, margarin, kurma"
        ),
        "basis": "household",
        "quantity_per_basis": 1,
        "sort_order": 1,
    },
    {
        "code": "siap-saji",
        "name": "Paket Makanan Siap Saji",
        "unit": "paket per orang per hari",
        "reference_value": 45_000,
        "contents": "Makanan siap saji untuk satu orang selama satu hari",
        "basis": "person",
        "quantity_per_basis": 1,
        "sort_order": 2,
    },
    {
        "code": "lebaran",
        "name": "Paket Lebaran",
        "unit": "paket per KK, sekali",
        "reference_value": 85_000,
        "contents": "Paket kebutuhan Hari Raya Idulfitri",
        "basis": "household",
        "quantity_per_basis": 1,
        "sort_order": 3,
    },
    {
        "code": "thr",
        "name": "Paket THR",
        "unit": "uang tunai per orang, sekali (Rp200.000 per KK)",
        "reference_value": 50_000,
        "contents": "Tunjangan Hari Raya dalam bentuk uang tunai",
        "basis": "person",
        "quantity_per_basis": 1,
        "sort_order": 4,
    },
]


def seed(apps, schema_editor):
    Package = apps.get_model("recipients", "Package")
    for fields in PACKAGES:
        Package.objects.get_or_create(code=fields["code"], defaults=fields)


def unseed(apps, schema_editor):
    Package = apps.get_model("recipients", "Package")
    Package.objects.filter(code__in=[p["code"] for p in PACKAGES], needs__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("recipients", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
