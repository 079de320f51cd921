"""`manage.py import_areas DIR`: the official area tree with kelurahan boundaries."""

from recipients.importers.areas import import_areas
from recipients.importers.base import ImportCommand


class Command(ImportCommand):
    help = "Import provinces, kota, kecamatan and kelurahan (codes, boundaries, population)."
    data_sets = [("areas", import_areas)]
