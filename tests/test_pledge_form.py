"""The pledge form, tested directly: every field, good and bad."""

from __future__ import annotations

from datetime import date

import pytest

from commitments.forms import CommitmentForm, normalise_phone
from commitments.testing import make_commitment
from recipients.models import Need, Recipient

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 1)


def good_data(**overrides) -> dict:
    data = {
        "collaborator_type": "company",
        "name": "PT Maju Bersama",
        "organisation": "Divisi CSR",
        "contact_person": "Andi Wijaya",
        "phone": "0812-3456-7890",
        "email": "andi@example.com",
        "address": "Jl. Merdeka No. 10",
        "public_as": "name",
        "qty_sembako": "20",
        "delivery_date": "2026-05-03",
        "deadline": "2026-05-10",
        "delivery_method": "self",
        "partner_name": "",
        "rules_accepted": "on",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def form_for(recipient, **overrides) -> CommitmentForm:
    return CommitmentForm(good_data(**overrides), recipient=recipient, today=TODAY)


def codes(form: CommitmentForm, field: str) -> set[str | None]:
    return {error.code for error in form.errors.as_data().get(field, [])}


@pytest.mark.parametrize(
    "raw", ["081234567890", "0812-3456-7890", "+62 812 3456 7890", "6281234567890"]
)
def test_indonesian_phone_numbers_are_stored_in_one_form(raw):
    assert normalise_phone(raw) == "+6281234567890"


def test_good_form_is_valid_and_gives_lines(recipient_a, packages):
    form = form_for(recipient_a)
    assert form.is_valid(), form.errors
    assert form.lines() == {packages["sembako"]: 20}
    commitment = form.commitment()
    assert commitment.phone == "+6281234567890"
    assert commitment.recipient == recipient_a
    assert not commitment.is_anonymous


def test_hamba_allah_choice_makes_the_commitment_anonymous(recipient_a):
    form = form_for(recipient_a, public_as="anonymous")
    assert form.is_valid()
    assert form.commitment().public_name == "Hamba Allah"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("phone", "12345", "invalid_phone"),
        ("phone", "+1 202 555 0100", "invalid_phone"),
        ("phone", "", "required"),
        ("email", "not-an-email", "invalid"),
        ("name", "", "required"),
        ("contact_person", "", "required"),
        ("address", "", "required"),
        ("collaborator_type", "alien", "invalid_choice"),
        ("public_as", "other", "invalid_choice"),
        ("delivery_date", "2026-04-30", "past_date"),
        ("delivery_date", "31/31/2026", "invalid"),
        ("deadline", "2026-04-01", "past_date"),
        ("deadline", "2026-05-02", "deadline_early"),
        ("delivery_method", "drone", "invalid_choice"),
        ("qty_sembako", "0", "min_value"),
        ("qty_sembako", "-3", "min_value"),
        ("qty_sembako", "2.5", "invalid"),
        ("qty_sembako", "121", "already_covered"),
        ("rules_accepted", None, "required"),
        ("website", "http://spam.example", "spam"),
    ],
)
def test_bad_field_gets_a_coded_error_next_to_it(recipient_a, field, value, code):
    form = form_for(recipient_a, **{field: value})
    assert not form.is_valid()
    assert code in codes(form, field), form.errors


def test_partner_delivery_needs_the_partner_named(recipient_a):
    form = form_for(recipient_a, delivery_method="partner", partner_name="")
    assert not form.is_valid()
    assert "required" in codes(form, "partner_name")
    assert form_for(recipient_a, delivery_method="partner", partner_name="PMI").is_valid()


def test_at_least_one_package_line_is_required(recipient_a):
    form = form_for(recipient_a, qty_sembako="")
    assert not form.is_valid()
    assert "no_lines" in codes(form, "__all__")


def test_over_the_remaining_need_says_how_much_is_left_and_suggests_nearby(
    recipient_a, areas, packages
):
    make_commitment(recipient_a, {packages["sembako"]: 100})
    neighbour = Recipient.objects.create(
        kind="panti_asuhan", name="Panti Tetangga", area=areas["kelurahan_a"]
    )
    Need.objects.create(recipient=neighbour, package=packages["sembako"], quantity=30)
    form = form_for(recipient_a, qty_sembako="25")
    assert not form.is_valid()
    assert "20" in form.errors["qty_sembako"][0]
    assert [n.recipient for n in form.suggestions()] == [neighbour]
