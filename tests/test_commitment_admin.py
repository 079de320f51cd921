"""The commitment admin: pledges to review as a filter, both delivery figures, photo links."""

import pytest
from django.test import Client
from django.urls import reverse

from commitments import services
from commitments.models import DeliveryPhoto
from commitments.testing import make_commitment
from tests.images import png

pytestmark = pytest.mark.django_db


def test_admin_lists_pledges_to_review_and_shows_both_figures_and_photo_links(
    client, cast, recipient_a, packages
):
    commitment = make_commitment(recipient_a, {packages["sembako"]: 30})
    services.acknowledge(commitment=commitment, by=cast["pj_a"])
    Client().post(
        reverse("commitments:private-report", args=[commitment.token]),
        {"qty_sembako": "5", "photos": [png()]},
    )
    services.confirm_delivery(
        commitment=commitment, quantities={commitment.lines.get().pk: 3}, by=cast["pj_a"]
    )
    client.force_login(cast["admin"])
    changelist = reverse("admin:commitments_commitment_changelist")
    assert commitment.number in client.get(changelist + "?needs_review__exact=1").content.decode()
    assert (
        commitment.number not in client.get(changelist + "?needs_review__exact=0").content.decode()
    )
    page = client.get(reverse("admin:commitments_commitment_change", args=[commitment.pk]))
    photo = DeliveryPhoto.objects.get()
    assert photo.get_pj_url() in page.content.decode()
    assert client.get(photo.get_pj_url()).status_code == 200


def test_admin_marks_pledges_as_reviewed(client, cast, recipient_a, packages):
    commitment = make_commitment(recipient_a, {packages["sembako"]: 30})
    type(commitment).objects.filter(pk=commitment.pk).update(needs_review=True)
    client.force_login(cast["admin"])
    client.post(
        reverse("admin:commitments_commitment_changelist"),
        {"action": "mark_reviewed", "_selected_action": [commitment.pk]},
    )
    commitment.refresh_from_db()
    assert not commitment.needs_review
