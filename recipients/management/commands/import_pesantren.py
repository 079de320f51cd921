"""Import the Kemenag list of pondok pesantren as recipients."""

from django.utils.translation import gettext_lazy as _

from recipients.importers.base import ImportCommand
from recipients.importers.pesantren import import_pesantren


class Command(ImportCommand):
    help = (
        "Import the pondok pesantren of the Kemenag list (kemenag-pesantren/pesantren/*.json), "
        "each placed at the kelurahan its address names, else at its kota (approximate)."
    )
    data_sets = [(_("Pesantren (Kemenag)"), import_pesantren)]
