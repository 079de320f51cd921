"""`create_demo_admin`: a superuser for a local demo, with a random password printed once.

No account ever has a fixed or published password: the password comes from `secrets`, is
shown only when it is set, and is stored only as a hash.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the superuser 'admin' with a random password and print it once. If the user "
        "exists, nothing changes (--reset-password sets and prints a new password)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="default: admin")
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="give an existing user a new random password and print it",
        )

    def handle(self, *args, username="admin", reset_password=False, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None and not reset_password:
            self.stdout.write(
                f"The user '{username}' already exists; its password was not changed "
                "(run with --reset-password to set a new one)."
            )
            return
        password = secrets.token_urlsafe(15)  # 20 characters, ~120 bits
        if user is None:
            User.objects.create_superuser(username=username, email="", password=password)
            action = "Created the superuser"
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
            action = "Set a new password for"
        self.stdout.write(
            self.style.SUCCESS(f"{action} '{username}'.")
            + f"\n  Log in at {settings.SITE_ROOT}/admin/ with:"
            + f"\n    username: {username}\n    password: {password}"
            + "\n  This password is shown only this once: write it down now."
        )
