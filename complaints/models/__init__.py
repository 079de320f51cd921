"""Complaints about the aid (CRM, *Cepat Respon Masyarakat*): the official channels, categories,
the status vocabulary and its allowed transitions (all data, seeded from fixtures/), the
offices (dinas / suku dinas) and officers complaints are routed to, and the complaints with
their public follow-ups.

A reporter's name, phone, e-mail and photos are private: only the handling officers and admins
see them (each view logged in ReporterContactAccess), never the PJ or the collaborator the
complaint is about, never a public page.
"""

from complaints.models.complaint import (
    Complaint,
    ComplaintCounter,
    ComplaintEvent,
    ComplaintPhoto,
    ComplaintQuerySet,
    ReporterContactAccess,
)
from complaints.models.reference import (
    Category,
    Channel,
    Office,
    Officer,
    OfficerQuerySet,
    Status,
    Transition,
)

__all__ = [
    "Category",
    "Channel",
    "Complaint",
    "ComplaintCounter",
    "ComplaintEvent",
    "ComplaintPhoto",
    "ComplaintQuerySet",
    "Office",
    "Officer",
    "OfficerQuerySet",
    "ReporterContactAccess",
    "Status",
    "Transition",
]
