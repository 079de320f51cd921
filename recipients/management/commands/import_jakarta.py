"""`manage.py import_jakarta DIR`: every Jakarta data set in order, each in its own
transaction, on a directory laid out like shared/data."""

from django.utils.translation import gettext_lazy as _

from recipients.demo import generate_demo_parts
from recipients.importers.areas import import_areas
from recipients.importers.base import ImportCommand
from recipients.importers.cases.daily import import_daily_cases
from recipients.importers.cases.month_end import import_month_end_cases
from recipients.importers.pesantren import import_pesantren
from recipients.importers.rws import import_rws


class Command(ImportCommand):
    help = "Import all Jakarta data: areas, RWs, COVID-19 cases, pesantren, then the demo parts."
    data_sets = [
        (_("areas"), import_areas),
        (_("RWs"), import_rws),
        (_("COVID-19 month-end reports"), import_month_end_cases),
        (_("COVID-19 daily series"), import_daily_cases),
        (_("Pesantren (Kemenag)"), import_pesantren),
        (_("Demo parts"), generate_demo_parts),
    ]
