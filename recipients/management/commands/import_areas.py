"""`manage.py import_areas DIR`: the official area tree with kelurahan boundaries."""

from django.utils.translation import gettext_lazy as _

from recipients.importers.areas import import_areas
from recipients.importers.base import ImportCommand


class Command(ImportCommand):
    help = "Import provinces, kota, kecamatan and kelurahan (codes, boundaries, population)."
    data_sets = [(_("areas"), import_areas)]
