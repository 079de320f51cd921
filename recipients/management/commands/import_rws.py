"""`manage.py import_rws DIR`: the RW polygons, attached to the kelurahan already imported."""

from django.utils.translation import gettext_lazy as _

from recipients.importers.base import ImportCommand
from recipients.importers.rws import import_rws


class Command(ImportCommand):
    help = "Import the RW polygons and attach each RW to its kelurahan (run import_areas first)."
    data_sets = [(_("RWs"), import_rws)]
