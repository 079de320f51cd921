"""`create_demo_pjs`: three demo persons in charge (two priority RWs and a panti) with random
passwords printed once, so a newcomer can try the PJ's side of the portal.

Like create_demo_admin: no fixed password; an existing account keeps its password unless
--reset-password. The recipients are chosen by source key, the same on every run.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.urls import reverse

from recipients.models import PersonInCharge, Provenance, Recipient

PANTI_KINDS = [
    Recipient.Kind.PANTI_ASUHAN,
    Recipient.Kind.PANTI_DISABILITAS,
    Recipient.Kind.PANTI_JOMPO,
]


def demo_recipients() -> list[Recipient]:
    """The first two active demo priority RWs and the first active demo panti."""
    demo = Recipient.objects.filter(is_active=True, provenance=Provenance.DEMO).order_by(
        "source_key", "pk"
    )
    rws = list(demo.filter(kind=Recipient.Kind.PRIORITY_RW)[:2])
    panti = list(demo.filter(kind__in=PANTI_KINDS)[:1])
    return rws + panti


class Command(BaseCommand):
    help = (
        "Create the demo persons in charge pj-demo-1..3, linked to two demo priority RWs and a "
        "demo panti, with random passwords printed once. Existing accounts keep their password "
        "(--reset-password sets and prints new ones)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="give existing demo accounts new random passwords and print them",
        )

    def handle(self, *args: Any, reset_password: bool = False, **options: Any) -> None:
        recipients = demo_recipients()
        if not recipients:
            self.stdout.write("No demo recipients yet (run load_data first): no demo PJ created.")
            return
        User = get_user_model()
        lines = []
        with transaction.atomic():
            for number, recipient in enumerate(recipients, start=1):
                username = f"pj-demo-{number}"
                user = User.objects.filter(username=username).first()
                password = None
                if user is None or reset_password:
                    password = secrets.token_urlsafe(15)  # 20 characters, ~120 bits
                if user is None:
                    user = User.objects.create_user(
                        username, first_name=recipient.pj_name or "PJ", password=password
                    )
                elif password:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                if not recipient.is_in_charge(user):
                    PersonInCharge.objects.create(user=user, recipient=recipient)
                if password:
                    lines.append(f"    {username} / {password}  ({recipient.name})")
        if not lines:
            self.stdout.write(
                "The demo PJ accounts already exist; their passwords were not changed "
                "(run with --reset-password to set new ones)."
            )
            return
        self.stdout.write(
            self.style.SUCCESS("Demo persons in charge (PJ):")
            + f"\n  Log in at {settings.SITE_ROOT}{reverse('login')} with:\n"
            + "\n".join(lines)
            + "\n  These passwords are shown only this once: write them down now."
        )
