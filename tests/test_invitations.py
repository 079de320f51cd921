"""Inviting a person for a role from the admin: who may, what it creates, and the link that
lets the person choose their own password once, before it expires."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import NoReverseMatch, reverse

from ksbb.accounts.tokens import InvitationTokenGenerator
from recipients.models import PersonInCharge
from recipients.services import POKJA_GROUP, Role, invite_person

# Real transactions: the invitation mail goes out after commit, as in production. Serialized
# rollback like every transactional test here: a plain flush would re-create content types and
# permissions under new ids, which the next serialized test then collides with.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

INVITE = "admin:recipients_personincharge_invite"
NEW = "a-long-new-passphrase-42"
User = get_user_model()


@pytest.fixture
def admin_client(client, cast, settings):
    client.force_login(cast["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def invite_link(message) -> str:
    match = re.search(r"https?://\S+/akun/undangan/\S+/", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def accept(client, link: str, password: str = NEW):
    page = client.get(link, follow=True)
    assert page.context["validlink"], "the invitation should still work"
    return client.post(
        page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )


def pj_invitation(admin_client, *recipients, email="ketua@example.org"):
    return admin_client.post(
        reverse(INVITE),
        {
            "email": email,
            "first_name": "Ahmad",
            "last_name": "Ketua",
            "role": Role.PERSON_IN_CHARGE,
            "recipients": [r.pk for r in recipients],
        },
    )


@pytest.mark.parametrize("who", ["anonymous", "pj_a", "pj_b", "officer"])
def test_only_admins_reach_the_invite_page(client, cast, recipient_a, recipient_b, who):
    if cast[who] is not None:
        client.force_login(cast[who])
    response = client.get(reverse(INVITE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_user_permission_gets_403(client, cast):
    staff = User.objects.create_user("staff", password="pw", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_personincharge"))
    client.force_login(staff)
    assert client.get(reverse(INVITE)).status_code == 403


def test_the_admin_sees_the_form_and_the_changelist_links_it(admin_client):
    assert admin_client.get(reverse(INVITE)).status_code == 200
    changelist = admin_client.get(reverse("admin:recipients_personincharge_changelist"))
    assert reverse(INVITE) in changelist.content.decode()
    assert reverse("admin:recipients_personincharge_import") in changelist.content.decode()


def test_inviting_a_pj_creates_an_account_without_password_links_and_mails(
    admin_client, cast, recipient_a, recipient_b
):
    response = pj_invitation(admin_client, recipient_a, recipient_b)

    assert response.status_code == 302
    user = User.objects.get(email="ketua@example.org")
    assert user.username == "ketua@example.org"
    assert not user.has_usable_password()
    assert not user.is_staff
    links = PersonInCharge.objects.current().filter(user=user)
    assert {link.recipient for link in links} == {recipient_a, recipient_b}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ketua@example.org"]
    assert recipient_a.name in message.body
    entry = LogEntry.objects.get(object_id=str(user.pk))
    assert entry.user == cast["admin"]
    assert entry.is_addition()


def test_a_pj_invitation_needs_recipients(admin_client):
    response = pj_invitation(admin_client)
    assert response.status_code == 200
    assert response.context["form"].has_error("recipients", "recipients_required")
    assert not User.objects.filter(email="ketua@example.org").exists()


def test_the_link_sets_the_password_logs_in_and_works_once(client, admin_client, recipient_a):
    pj_invitation(admin_client, recipient_a)
    link = invite_link(mail.outbox[0])
    admin_client.logout()

    response = accept(client, link)

    user = User.objects.get(email="ketua@example.org")
    assert response.status_code == 302
    try:
        assert response["Location"] == reverse("commitments:pj-dashboard")
    except NoReverseMatch:
        assert response["Location"] == reverse("recipients:home")
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.check_password(NEW)
    client.logout()
    assert not client.get(link, follow=True).context["validlink"]


def test_the_link_expires_after_the_invitation_days(client, admin_client, recipient_a, settings):
    settings.KSBB_INVITATION_DAYS = 2
    settings.PASSWORD_RESET_TIMEOUT = 60  # the invitation has its own lifetime
    pj_invitation(admin_client, recipient_a)
    link = invite_link(mail.outbox[0])
    admin_client.logout()
    now = InvitationTokenGenerator()._now()
    with mock.patch.object(InvitationTokenGenerator, "_now", return_value=now + timedelta(days=1)):
        assert client.get(link, follow=True).context["validlink"]
    with mock.patch.object(
        InvitationTokenGenerator, "_now", return_value=now + timedelta(days=2, seconds=1)
    ):
        assert not client.get(link, follow=True).context["validlink"]


def test_the_link_cannot_change_an_existing_password(client, cast, recipient_a):
    user = invite_person(
        email="ketua@example.org",
        role=Role.PERSON_IN_CHARGE,
        recipients=[recipient_a],
        invited_by=cast["admin"],
    )
    link = invite_link(mail.outbox[0])
    user.set_password("chosen-elsewhere-123")
    user.save()
    # Same hash-bound token would now fail anyway; an account with a password never qualifies.
    assert not client.get(link, follow=True).context["validlink"]


def test_a_password_reset_token_does_not_open_an_invitation(client, cast):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = User.objects.create_user("invited", "invited@example.org")
    user.set_unusable_password()
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse("invitation_accept", args=[uid, default_token_generator.make_token(user)])
    assert not client.get(link, follow=True).context["validlink"]


def test_inviting_again_resends_until_the_password_is_chosen(admin_client, recipient_a):
    pj_invitation(admin_client, recipient_a)
    pj_invitation(admin_client, recipient_a)
    assert len(mail.outbox) == 2
    assert User.objects.filter(email="ketua@example.org").count() == 1
    assert PersonInCharge.objects.filter(user__email="ketua@example.org").count() == 1


def test_an_address_with_a_password_cannot_be_invited(admin_client, cast, recipient_a):
    response = pj_invitation(admin_client, recipient_a, email="PJ_B@example.org")
    assert response.status_code == 200
    assert response.context["form"].has_error("email", "has_account")
    assert mail.outbox == []


def test_inviting_a_pokja_admin_makes_staff_with_the_pokja_permissions(admin_client):
    admin_client.post(reverse(INVITE), {"email": "pokja@example.org", "role": Role.POKJA})
    user = User.objects.get(email="pokja@example.org")
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name=POKJA_GROUP).exists()
    assert user.has_perm("recipients.change_recipient")
    assert user.has_perm("auth.add_user")
    assert not user.has_perm("auth.change_user")  # could make anyone a superuser
    assert not PersonInCharge.objects.filter(user=user).exists()


def test_the_resend_action_skips_accounts_with_a_password(admin_client, cast, recipient_a):
    pj_invitation(admin_client, recipient_a)
    links = PersonInCharge.objects.all()  # the invited one and pj_a's
    response = admin_client.post(
        reverse("admin:recipients_personincharge_changelist"),
        {"action": "resend_invitations", "_selected_action": [link.pk for link in links]},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 2  # the first invitation, then one re-sent (not pj_a)
    assert mail.outbox[1].to == ["ketua@example.org"]
