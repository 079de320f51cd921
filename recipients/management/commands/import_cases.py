"""Import the 2020 COVID-19 counts per kelurahan: the month-end files, then the daily series."""

from django.utils.translation import gettext_lazy as _

from recipients.importers.base import ImportCommand
from recipients.importers.cases.daily import import_daily_cases
from recipients.importers.cases.month_end import import_month_end_cases


class Command(ImportCommand):
    help = (
        "Import the official COVID-19 counts per kelurahan of 2020: the ten month-end files "
        "(dki-covid-kelurahan-2020/csv) and the daily series (emsifa-covid-heatmap/data.json). "
        "The month-end figures win on the days both give."
    )
    data_sets = [
        (_("COVID-19 month-end reports"), import_month_end_cases),
        (_("COVID-19 daily series"), import_daily_cases),
    ]
