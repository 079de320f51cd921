"""Every view of a collaborator's contact details is logged (who, which commitment, when)."""

import pytest
from django.urls import reverse

from commitments.models import ContactAccess
from commitments.testing import make_commitment

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment(recipient_a, packages):
    return make_commitment(recipient_a, {packages["sembako"]: 5})


def change_url(commitment) -> str:
    return reverse("admin:commitments_commitment_change", args=[commitment.pk])


def test_admin_viewing_a_commitment_is_logged(client, cast, commitment):
    client.force_login(cast["admin"])
    response = client.get(change_url(commitment))
    assert response.status_code == 200
    assert commitment.phone in response.content.decode()
    access = ContactAccess.objects.get()
    assert (access.user, access.commitment, access.via) == (cast["admin"], commitment, "admin")


@pytest.mark.parametrize("role", ["anonymous", "pj_a", "pj_b", "officer"])
def test_others_see_no_contact_and_leave_no_log(client, cast, commitment, role):
    if cast[role] is not None:
        client.force_login(cast[role])
    response = client.get(change_url(commitment))
    assert response.status_code == 302  # to the admin login
    assert commitment.phone not in response.content.decode()
    assert not ContactAccess.objects.exists()


def test_the_log_is_read_only_in_admin(client, cast, commitment):
    client.force_login(cast["admin"])
    client.get(change_url(commitment))
    access = ContactAccess.objects.get()
    listing = client.get(reverse("admin:commitments_contactaccess_changelist"))
    assert listing.status_code == 200
    assert commitment.number in listing.content.decode()
    assert client.get(reverse("admin:commitments_contactaccess_add")).status_code == 403
    delete = reverse("admin:commitments_contactaccess_delete", args=[access.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ContactAccess.objects.count() == 1
