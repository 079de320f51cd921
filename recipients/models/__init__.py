"""Areas, RWs, recipients, the package catalogue, needs and COVID-19 case reports.

Domain words stay Indonesian where English has no equivalent: kota/kabupaten (city/regency),
kecamatan (district), kelurahan (urban village), RW (rukun warga, a neighbourhood of a
kelurahan), KK (kartu keluarga, a household), panti (a care home), pesantren (an Islamic
boarding school), penanggung jawab or PJ (the person in charge of a recipient, linked to a user
account by PersonInCharge).

Geometry is stored as GeoJSON geometry objects in JSON fields (no PostGIS).
"""

from recipients.models.areas import (
    AREA_LEVEL_NAMES,
    RW,
    Area,
    AreaLike,
    AreaQuerySet,
    CaseReport,
    CaseReportQuerySet,
    Provenance,
    area_name_columns,
    within_q,
)
from recipients.models.needs import Need, NeedQuerySet, Package
from recipients.models.people import AccountLanguage, PersonInCharge, PersonInChargeQuerySet
from recipients.models.recipients import PEOPLE_PER_HOUSEHOLD, Recipient, RecipientQuerySet

__all__ = [
    "AccountLanguage",
    "PersonInCharge",
    "PersonInChargeQuerySet",
    "AREA_LEVEL_NAMES",
    "PEOPLE_PER_HOUSEHOLD",
    "RW",
    "Area",
    "AreaLike",
    "AreaQuerySet",
    "CaseReport",
    "CaseReportQuerySet",
    "Need",
    "NeedQuerySet",
    "Package",
    "Provenance",
    "Recipient",
    "RecipientQuerySet",
    "area_name_columns",
    "within_q",
]
