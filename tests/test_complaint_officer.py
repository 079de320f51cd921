"""The officer's pages: the queue of complaints routed to them, the complaint page with the
reporter's contact (logged), the status and disposisi forms; scoping against the cast; the
landing page after login."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import Category, Complaint, Office, Officer, ReporterContactAccess, Status
from ksbb.accounts.views import landing_url

REPORTER = {
    "reporter_name": "Sentinel Pelapor 8e2c",
    "reporter_phone": "+62811000888",
    "reporter_email": "sentinel-pelapor-8e2c@example.org",
}


@pytest.fixture
def dinas(packages) -> Office:
    """Dinas Sosial, from the fixtures loaded with the packages: handles aid not delivered."""
    return Office.objects.get(name="Dinas Sosial")


@pytest.fixture
def officers(cast, areas, dinas) -> dict[str, object]:
    """The cast's officer handles kelurahan A; a Dinas Sosial officer; an officer of kelurahan B."""
    User = get_user_model()
    Officer.objects.create(user=cast["officer"], area=areas["kelurahan_a"])
    dinas_officer = User.objects.create_user("dinas", "dinas@example.org", "pw")
    Officer.objects.create(user=dinas_officer, office=dinas)
    other = User.objects.create_user("officer_b", "officer_b@example.org", "pw")
    Officer.objects.create(user=other, area=areas["kelurahan_b"])
    return {**cast, "dinas": dinas_officer, "officer_b": other}


@pytest.fixture
def complaint(recipient_a, packages) -> Complaint:
    return services.submit_complaint(
        category=Category.objects.get(code="not-delivered"),
        kelurahan=recipient_a.area,
        recipient=recipient_a,
        description="Paket sembako belum sampai ke RW kami.",
        reporter_name=REPORTER["reporter_name"],
        reporter_phone=REPORTER["reporter_phone"],
        reporter_email=REPORTER["reporter_email"],
    )


def login(client, user) -> None:
    if user is not None:
        client.force_login(user)


DETAIL_SEES = {
    "officer": 200,
    "admin": 200,
    "pj_a": 404,
    "pj_b": 404,
    "dinas": 404,
    "officer_b": 404,
}


@pytest.mark.parametrize("who", sorted(DETAIL_SEES))
def test_only_the_kelurahan_officer_and_admins_reach_a_new_complaint(
    client, officers, complaint, who
):
    login(client, officers[who])
    response = client.get(reverse("complaints:officer-detail", args=[complaint.number]))
    assert response.status_code == DETAIL_SEES[who]
    text = response.content.decode()
    assert (REPORTER["reporter_phone"] in text) == (DETAIL_SEES[who] == 200)


def test_anonymous_is_sent_to_log_in(client, complaint):
    for url in (
        reverse("complaints:officer-queue"),
        reverse("complaints:officer-detail", args=[complaint.number]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_donor_link_gives_no_officer_page(client, complaint, recipient_a, packages):
    from commitments.testing import make_commitment

    pledge = make_commitment(recipient_a, {packages["sembako"]: 5})
    text = client.get(pledge.get_private_url()).content.decode()
    assert REPORTER["reporter_phone"] not in text and REPORTER["reporter_name"] not in text


def test_each_view_of_the_reporter_contact_is_logged(client, officers, complaint):
    login(client, officers["officer"])
    client.get(reverse("complaints:officer-detail", args=[complaint.number]))
    client.get(reverse("complaints:officer-detail", args=[complaint.number]))
    logged = ReporterContactAccess.objects.filter(complaint=complaint, user=officers["officer"])
    assert logged.count() == 2
    assert {row.via for row in logged} == {"officer"}


def test_the_queue_lists_only_handled_complaints_by_due_date_with_overdue_marked(
    client, officers, complaint, areas
):
    late = services.submit_complaint(
        category=Category.objects.get(code="not-delivered"),
        kelurahan=areas["kelurahan_a"],
        description="Sudah lama",
    )
    Complaint.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=2))
    elsewhere = services.submit_complaint(
        category=Category.objects.get(code="not-delivered"),
        kelurahan=areas["kelurahan_b"],
        description="Kelurahan lain",
    )
    login(client, officers["officer"])
    response = client.get(reverse("complaints:officer-queue"))
    text = response.content.decode()
    assert text.index(late.number) < text.index(complaint.number)
    assert elsewhere.number not in text
    assert "Overdue" in text or "Terlambat" in text
    assert response["Cache-Control"] == "private, no-store"
    # Never the reporter's contact in the list.
    assert REPORTER["reporter_phone"] not in text


def test_the_status_form_offers_only_the_allowed_transitions(client, officers, complaint):
    login(client, officers["officer"])
    response = client.get(reverse("complaints:officer-detail", args=[complaint.number]))
    offered = {s.code for s in response.context["status_form"].fields["to_status"].queryset}
    assert offered == {s.code for s in services.allowed_transitions(complaint)}
    assert offered and complaint.status.code not in offered


def test_the_officer_moves_the_complaint_with_a_public_follow_up(client, officers, complaint):
    login(client, officers["officer"])
    proses = Status.objects.get(code="proses")
    response = client.post(
        reverse("complaints:officer-status", args=[complaint.number]),
        {"to_status": proses.pk, "public_text": "Petugas sedang memeriksa."},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == proses
    assert complaint.events.last().public_text == "Petugas sedang memeriksa."


def test_a_status_not_allowed_is_refused_next_to_the_field_and_the_text_is_kept(
    client, officers, complaint
):
    login(client, officers["officer"])
    not_allowed = Status.objects.get(code="tl-ditolak")
    response = client.post(
        reverse("complaints:officer-status", args=[complaint.number]),
        {"to_status": not_allowed.pk, "public_text": "Teks yang diketik"},
    )
    assert response.status_code == 400
    assert response.context["status_form"].has_error("to_status", "invalid_choice")
    assert "Teks yang diketik" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status.code == "menunggu"


def test_a_missing_follow_up_text_is_an_error_next_to_the_field(client, officers, complaint):
    login(client, officers["officer"])
    response = client.post(
        reverse("complaints:officer-status", args=[complaint.number]),
        {"to_status": Status.objects.get(code="proses").pk, "public_text": ""},
    )
    assert response.status_code == 400
    assert response.context["status_form"].has_error("public_text", "required")


def test_a_fake_photo_is_refused_by_its_content(client, officers, complaint):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, officers["officer"])
    fake = SimpleUploadedFile("bukti.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(
        reverse("complaints:officer-status", args=[complaint.number]),
        {"to_status": Status.objects.get(code="proses").pk, "public_text": "x", "photos": fake},
    )
    assert response.status_code == 400
    assert response.context["status_form"].has_error("photos")


def test_other_officers_cannot_post_to_a_complaint_they_do_not_handle(client, officers, complaint):
    for who in ("officer_b", "dinas", "pj_a"):
        client.force_login(officers[who])
        response = client.post(
            reverse("complaints:officer-status", args=[complaint.number]),
            {"to_status": Status.objects.get(code="proses").pk, "public_text": "x"},
        )
        assert response.status_code == 404
    complaint.refresh_from_db()
    assert complaint.status.code == "menunggu"


def test_the_kelurahan_passes_the_complaint_to_a_dinas_which_then_handles_it(
    client, officers, complaint, dinas
):
    login(client, officers["officer"])
    response = client.post(
        reverse("complaints:officer-pass-on", args=[complaint.number]),
        {"office": dinas.pk, "public_text": "Diteruskan ke Dinas Sosial."},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.office == dinas
    # Now the dinas handles it, and the kelurahan no longer does.
    client.force_login(officers["dinas"])
    assert (
        client.get(reverse("complaints:officer-detail", args=[complaint.number])).status_code == 200
    )
    client.force_login(officers["officer"])
    assert (
        client.get(reverse("complaints:officer-detail", args=[complaint.number])).status_code == 404
    )


def test_an_office_that_does_not_handle_the_category_is_refused(client, officers, complaint):
    health = Office.objects.get(name="Dinas Kesehatan")  # handles "other" only
    login(client, officers["officer"])
    response = client.post(
        reverse("complaints:officer-pass-on", args=[complaint.number]),
        {"office": health.pk, "public_text": "x"},
    )
    assert response.status_code == 400
    assert response.context["disposition_form"].has_error("office", "invalid_choice")
    complaint.refresh_from_db()
    assert complaint.office is None


def test_an_officer_lands_on_the_queue_after_login(officers):
    assert landing_url(officers["officer"]) == reverse("complaints:officer-queue")
    assert landing_url(officers["dinas"]) == reverse("complaints:officer-queue")


def test_a_former_officer_lands_on_the_map(officers):
    Officer.objects.filter(user=officers["officer"]).update(
        end=timezone.localdate() - timedelta(days=1)
    )
    assert landing_url(officers["officer"]) == reverse("recipients:home")
