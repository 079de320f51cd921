"""The PJ's pages: the dashboard and the page per pledge, against the whole cast, with every
action as a POST form and every view of a contact logged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from commitments import services
from commitments.models import Commitment, ContactAccess
from commitments.testing import make_commitment
from recipients.models import Need

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledge(recipient_a, recipient_b, packages) -> Commitment:
    return make_commitment(recipient_a, {packages["sembako"]: 30}, phone="+6281234567890")


def login(client, cast, role: str):
    if cast[role] is not None:
        client.force_login(cast[role])
    return client


def pj_url(pledge: Commitment, name: str = "commitments:pj-detail") -> str:
    return reverse(name, args=[pledge.number])


@pytest.mark.parametrize("url_name", ["dashboard", "detail"])
def test_anonymous_visitors_go_to_the_login_page(client, pledge, url_name):
    url = reverse("commitments:pj-dashboard") if url_name == "dashboard" else pj_url(pledge)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert not ContactAccess.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("pj_a", 200), ("admin", 200), ("pj_b", 404), ("officer", 404)]
)
def test_only_the_pledges_pj_and_admins_reach_its_page(client, cast, pledge, role, status):
    response = login(client, cast, role).get(pj_url(pledge))
    assert response.status_code == status
    body = response.content.decode()
    assert (pledge.phone in body) == (status == 200)
    assert ContactAccess.objects.filter(user=cast[role]).count() == (status == 200)


def test_a_pledge_that_does_not_exist_looks_like_one_that_is_not_yours(client, cast, pledge):
    login(client, cast, "pj_b")
    other = client.get(pj_url(pledge))
    missing = client.get(reverse("commitments:pj-detail", args=["KSBB-2000-999999"]))
    assert other.status_code == missing.status_code == 404
    assert other.content == missing.content


def test_a_former_pj_no_longer_sees_the_pledge(client, cast, pledge, recipient_a):
    yesterday = timezone.localdate() - timedelta(days=1)
    recipient_a.people_in_charge.update(start=yesterday - timedelta(days=9), end=yesterday)
    assert login(client, cast, "pj_a").get(pj_url(pledge)).status_code == 404


@pytest.mark.parametrize("role", ["pj_b", "officer", "anonymous"])
@pytest.mark.parametrize("action", ["acknowledge", "decline", "confirm", "close", "propose"])
def test_others_cannot_act_on_the_pledge(client, cast, pledge, role, action):
    data = {"reason": "x", "qty_sembako": "1"}
    response = login(client, cast, role).post(pj_url(pledge, f"commitments:pj-{action}"), data)
    assert response.status_code in (302, 404)
    if cast[role] is not None:
        assert response.status_code == 404
    pledge.refresh_from_db()
    assert pledge.status == Commitment.Status.SUBMITTED
    assert pledge.events.count() == 1


def test_dashboard_lists_the_pjs_pledges_with_contacts_and_logs_each_one(
    client, cast, pledge, recipient_b, packages
):
    other = make_commitment(recipient_b, {packages["siap-saji"]: 5}, phone="+6281300000000")
    response = login(client, cast, "pj_a").get(reverse("commitments:pj-dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    assert pledge.number in body and other.number not in body
    assert 'href="tel:+6281234567890"' in body
    assert 'href="https://wa.me/6281234567890"' in body
    assert pledge.email in body and pledge.contact_person in body
    assert "+6281300000000" not in body
    (access,) = ContactAccess.objects.all()
    assert (access.user, access.commitment, access.via) == (cast["pj_a"], pledge, "pj-dashboard")
    assert response["Cache-Control"] == "private, no-store"


def test_dashboard_puts_what_needs_action_first(client, cast, pledge, recipient_a, packages):
    waiting = make_commitment(recipient_a, {packages["sembako"]: 5}, name="Sudah Disetujui")
    services.acknowledge(commitment=waiting, by=cast["pj_a"])
    board = login(client, cast, "pj_a").get(reverse("commitments:pj-dashboard")).context["board"]
    assert [row.commitment for row in board.action_needed] == [pledge]
    assert [row.commitment for row in board.in_progress] == [waiting]
    services.report_delivery(commitment=waiting, quantities={waiting.lines.get().pk: 5})
    board = client.get(reverse("commitments:pj-dashboard")).context["board"]
    assert {row.commitment for row in board.action_needed} == {pledge, waiting}


def test_admin_dashboard_is_empty_but_admins_open_any_pledge(client, cast, pledge):
    login(client, cast, "admin")
    board = client.get(reverse("commitments:pj-dashboard")).context["board"]
    assert board.action_needed == board.in_progress == []
    assert client.get(pj_url(pledge)).status_code == 200


def test_page_offers_only_the_actions_the_status_allows(client, cast, pledge):
    login(client, cast, "pj_a")
    body = client.get(pj_url(pledge)).content.decode()
    assert pj_url(pledge, "commitments:pj-acknowledge") in body
    assert pj_url(pledge, "commitments:pj-decline") in body
    assert pj_url(pledge, "commitments:pj-confirm") not in body
    assert pj_url(pledge, "commitments:pj-close") not in body
    services.acknowledge(commitment=pledge, by=cast["pj_a"])
    body = client.get(pj_url(pledge)).content.decode()
    assert pj_url(pledge, "commitments:pj-acknowledge") not in body
    assert pj_url(pledge, "commitments:pj-confirm") in body


def test_flag_a_problem_links_to_the_help_until_a_complaint_form_exists(client, cast, pledge):
    response = login(client, cast, "pj_a").get(pj_url(pledge))
    assert response.context["flag_problem_url"] in (
        reverse("recipients:home") + "#help",
        f"/pengaduan/?ref={pledge.number}",
    )


def test_pj_acknowledges_then_confirms_a_partial_delivery_then_closes(client, cast, pledge):
    need = Need.objects.get(recipient=pledge.recipient)
    login(client, cast, "pj_a")
    assert client.post(pj_url(pledge, "commitments:pj-acknowledge")).status_code == 302
    response = client.post(pj_url(pledge, "commitments:pj-confirm"), {"qty_sembako": "12"})
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.pledged, need.delivered) == (18, 12)
    client.post(pj_url(pledge, "commitments:pj-close"))
    need.refresh_from_db()
    assert (need.pledged, need.delivered) == (0, 12)
    pledge.refresh_from_db()
    assert pledge.status == Commitment.Status.DONE
    assert list(pledge.events.values_list("actor__username", flat=True))[1:] == ["pj_a"] * 3


def test_a_quantity_over_what_is_left_is_an_error_beside_the_field_not_a_500(client, cast, pledge):
    services.acknowledge(commitment=pledge, by=cast["pj_a"])
    response = login(client, cast, "pj_a").post(
        pj_url(pledge, "commitments:pj-confirm"), {"qty_sembako": "31"}
    )
    assert response.status_code == 400
    form = response.context["delivery_form"]
    assert form.has_error("qty_sembako", "max_value")
    assert 'value="31"' in response.content.decode()  # what was typed is kept
    empty = client.post(pj_url(pledge, "commitments:pj-confirm"), {"qty_sembako": ""})
    assert empty.context["delivery_form"].has_error("__all__", "no_quantity")


def test_an_action_from_the_wrong_status_is_a_message_not_an_error(client, cast, pledge):
    login(client, cast, "pj_a")
    response = client.post(pj_url(pledge, "commitments:pj-close"), follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])


def test_decline_without_a_reason_keeps_the_pledge_and_asks_for_one(client, cast, pledge):
    login(client, cast, "pj_a")
    response = client.post(pj_url(pledge, "commitments:pj-decline"), {"reason": ""})
    assert response.status_code == 400
    assert response.context["decline_form"].has_error("reason", "required")
    client.post(pj_url(pledge, "commitments:pj-decline"), {"reason": "Sudah cukup"})
    pledge.refresh_from_db()
    assert pledge.status == Commitment.Status.DECLINED


def test_pj_proposes_a_date_and_accepts_the_collaborators_counter(client, cast, pledge):
    login(client, cast, "pj_a")
    today = timezone.localdate()
    past = {"delivery_date": (today - timedelta(1)).isoformat(), "deadline": today.isoformat()}
    response = client.post(pj_url(pledge, "commitments:pj-propose"), past)
    assert response.context["proposal_form"].has_error("delivery_date", "past_date")
    day = (today + timedelta(3)).isoformat()
    client.post(pj_url(pledge, "commitments:pj-propose"), {"delivery_date": day, "deadline": day})
    pledge.refresh_from_db()
    assert pledge.proposed_by == "pj"
    later = today + timedelta(4)
    services.propose_date(commitment=pledge, side="donor", delivery_date=later, deadline=later)
    assert pj_url(pledge, "commitments:pj-accept") in client.get(pj_url(pledge)).content.decode()
    client.post(pj_url(pledge, "commitments:pj-accept"))
    pledge.refresh_from_db()
    assert (pledge.delivery_date, pledge.status) == (later, Commitment.Status.ACKNOWLEDGED)


def test_actions_need_post_and_csrf(cast, pledge):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["pj_a"])
    assert client.get(pj_url(pledge, "commitments:pj-acknowledge")).status_code == 405
    assert client.post(pj_url(pledge, "commitments:pj-acknowledge")).status_code == 403
