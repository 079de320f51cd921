"""Formerly seeded the package catalogue; now a no-op kept because existing databases have it
applied. The catalogue ships as fixtures/packages.json, loaded by `load_reference_data`."""

from django.db import migrations


class Migration(migrations.Migration):
    # A data migration runs once, so a fixture is the place for data admins edit afterwards:
    # load_data creates the packages a database lacks and leaves edited ones alone.
    dependencies = [("recipients", "0001_initial")]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
