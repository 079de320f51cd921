"""Workflows of the recipients app.

Inviting a person to the portal for a role: the account is created without a password and the
person chooses it from a link that works once and expires (ksbb/accounts/tokens.py).
Nobody ever types a password for someone else.

A role is what the account may do: a person in charge (PJ) of some recipients, or an admin of
the Pokja KSBB. An app this one may not import (complaints, for its officers) registers its own
role in `EXTRA_ROLES` from its AppConfig.ready() and passes the grant to `invite_person`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ksbb.accounts.mail import send_account_mail
from ksbb.accounts.tokens import invitation_url

from .models import PersonInCharge, Recipient

User = get_user_model()


class Role(models.TextChoices):
    PERSON_IN_CHARGE = "pj", _("person in charge (PJ) of recipients")
    POKJA = "pokja", _("admin (Pokja KSBB)")


POKJA_GROUP = "Pokja KSBB"
# The Pokja runs the portal's data in the admin: every permission of these apps...
POKJA_APPS = ("recipients", "commitments", "complaints")
# ...plus seeing accounts and inviting people. Not changing accounts: whoever may change a
# user may make anyone (themselves included) a superuser, so that stays with superusers.
POKJA_PERMISSIONS = (("auth", "view_user"), ("auth", "add_user"), ("admin", "view_logentry"))


def pokja_group() -> Group:
    """The "Pokja KSBB" group with its permissions set from the lists above (idempotent: run
    at every Pokja invitation, so a new app's permissions are picked up)."""
    group, _created = Group.objects.get_or_create(name=POKJA_GROUP)
    extra = Q()
    for app_label, codename in POKJA_PERMISSIONS:
        extra |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.set(
        Permission.objects.filter(Q(content_type__app_label__in=POKJA_APPS) | extra)
    )
    return group


def _grant_person_in_charge(user: Any, recipients: Sequence[Recipient]) -> None:
    today = timezone.localdate()
    for recipient in recipients:
        if not recipient.people_in_charge.current(today).filter(user=user).exists():
            PersonInCharge.objects.get_or_create(user=user, recipient=recipient, start=today)


def _grant_pokja(user: Any, recipients: Sequence[Recipient]) -> None:
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(pokja_group())


GRANTS: dict[str, Callable[[Any, Sequence[Recipient]], None]] = {
    Role.PERSON_IN_CHARGE: _grant_person_in_charge,
    Role.POKJA: _grant_pokja,
}


# Roles that other apps define, by code: the label the invitation names. Their grant (which
# needs that app's models) is passed to `invite_person` by the app's own invitation page.
EXTRA_ROLES: dict[str, Any] = {}


def role_label(role: str) -> Any:
    return EXTRA_ROLES[role] if role in EXTRA_ROLES else Role(role).label


HAS_ACCOUNT = _(
    "This address already has an account with a password. Link it to recipients under "
    "“People in charge” instead."
)


class InvitationRefused(Exception):
    """The account already has a password: it logs in (or resets it) instead."""


def can_be_invited(user: Any | None) -> bool:
    """A new person, or an account whose invitation was not accepted yet."""
    return user is None or (user.is_active and not user.has_usable_password())


def find_account(email: str) -> Any | None:
    """The account an invitation to `email` is for (invited accounts are named by address)."""
    return (
        User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        .order_by("pk")
        .first()
    )


def invite_person(
    *,
    email: str,
    role: str,
    invited_by: Any,
    first_name: str = "",
    last_name: str = "",
    recipients: Sequence[Recipient] = (),
    grant: Callable[[Any], None] | None = None,
) -> Any:
    """Create (or, re-sending, update) the account for `email` without a password, grant it
    `role`, record who did it in the admin's log, and queue the mail with the link. A role of
    `EXTRA_ROLES` comes with its `grant`."""
    if (role in EXTRA_ROLES) != (grant is not None):
        raise ValueError(f"role {role!r}: a grant goes with exactly the roles of EXTRA_ROLES")
    email = email.strip().lower()
    with transaction.atomic():
        user = find_account(email)
        if user is not None:
            user = User.objects.select_for_update().get(pk=user.pk)
        if not can_be_invited(user):
            raise InvitationRefused(email)
        created = user is None
        if user is None:
            user = User(username=email, email=email)
            user.set_unusable_password()
        user.first_name = first_name or user.first_name
        user.last_name = last_name or user.last_name
        user.save()
        if grant is not None:
            grant(user)
        else:
            GRANTS[role](user, recipients)
        message = _("Invited as %(role)s") % {"role": role_label(role)}
        if recipients:
            message += ": " + ", ".join(r.name for r in recipients)
        LogEntry.objects.log_actions(
            user_id=invited_by.pk,
            queryset=[user],
            action_flag=ADDITION if created else CHANGE,
            change_message=str(message),
            single_object=True,
        )
        send_invitation(user.pk, role)
    return user


def resend_invitation(*, user: Any, invited_by: Any, role: str = "") -> bool:
    """Mail a fresh link to an account that has not chosen its password yet; False (and
    nothing sent) otherwise. Without a `role`, the account's is guessed (admin or PJ)."""
    if not can_be_invited(user):
        return False
    role = role or (Role.POKJA if user.is_staff else Role.PERSON_IN_CHARGE)
    LogEntry.objects.log_actions(
        user_id=invited_by.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=str(_("Invitation sent again")),
        single_object=True,
    )
    send_invitation(user.pk, role)
    return True


def send_invitation(user_id: int, role: str) -> bool:
    """Queue the invitation e-mail: the link, the role and the recipients."""
    user = User.objects.get(pk=user_id)
    context = {
        "user": user,
        "url": invitation_url(user),
        "role": role_label(role),
        "recipients": list(Recipient.objects.in_charge_of(user).only("name")),
        "days": settings.KSBB_INVITATION_DAYS,
    }
    return send_account_mail("accounts/email/invitation", context, user=user)
