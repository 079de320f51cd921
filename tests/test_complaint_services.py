"""Complaint workflows (complaints.services): filing, the status steps the data allows, the
disposisi, the reporter's information and answer, the dates each step sets."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from PIL import Image

from complaints.models import (
    Category,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    Office,
    Status,
    Transition,
)
from complaints.services import (
    TransitionNotAllowed,
    add_information,
    allowed_transitions,
    answer_outcome,
    can_answer_outcome,
    change_status,
    pass_on,
    pass_on_choices,
)
from complaints.testing import make_complaint, make_officer, reference_data, status
from ksbb.lib.images import CleanImage, clean_image
from tests.test_commitment_concurrency import run_at_once

Kind = ComplaintEvent.Kind


@pytest.fixture
def data(db):
    reference_data()


@pytest.fixture
def complaint(data, areas) -> Complaint:
    return make_complaint(areas["kelurahan_a"])


@pytest.fixture
def lurah(areas):
    return make_officer("lurah", area=areas["kelurahan_a"])


def photo() -> CleanImage:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    out.seek(0)
    return clean_image(out)


def last_event(complaint: Complaint) -> ComplaintEvent:
    return complaint.events.order_by("created", "id").reverse()[0]


# --- submit_complaint -------------------------------------------------------------------------


def test_a_complaint_gets_the_next_number_of_its_year(data, areas):
    first = make_complaint(areas["kelurahan_a"], today=date(2020, 5, 1))
    second = make_complaint(areas["kelurahan_b"], today=date(2020, 5, 2))
    next_year = make_complaint(areas["kelurahan_a"], today=date(2021, 1, 1))
    assert [first.number, second.number, next_year.number] == [
        "CRM-2020-000001",
        "CRM-2020-000002",
        "CRM-2021-000001",
    ]


def test_a_complaint_starts_in_the_initial_status_with_the_categorys_due_date(data, areas):
    Category.objects.filter(code="other").update(follow_up_days=3)
    complaint = make_complaint(
        areas["kelurahan_a"], category=Category.objects.get(code="other"), today=date(2020, 5, 1)
    )
    assert complaint.status == status("menunggu")
    assert complaint.due_date == date(2020, 5, 4)
    assert complaint.office is None
    (event,) = list(complaint.events.all())
    assert (event.kind, event.actor_label, event.public_text) == (Kind.RECEIVED, "reporter", "")


def test_an_anonymous_complaint_is_accepted(data, areas):
    complaint = make_complaint(
        areas["kelurahan_a"], reporter_name="", reporter_phone="", reporter_email=""
    )
    assert complaint.number.startswith("CRM-")
    assert not complaint.has_reporter_contact


def test_a_complaint_about_a_pledge_is_about_its_recipient(data, areas, recipient_a, packages):
    from commitments.testing import make_commitment

    commitment = make_commitment(recipient_a, {packages["sembako"]: 10})
    complaint = make_complaint(areas["kelurahan_a"], commitment=commitment)
    assert complaint.recipient == recipient_a


def test_the_reporters_photos_are_private(data, areas):
    complaint = make_complaint(areas["kelurahan_a"], photos=[photo()])
    (saved,) = complaint.photos.all()
    assert saved.source == ComplaintPhoto.Source.REPORTER and not saved.is_public
    assert saved.event is not None and saved.event.kind == Kind.RECEIVED


@pytest.mark.parametrize(
    ("field", "overrides", "code"),
    [
        ("description", {"description": "   "}, "required"),
        ("language", {"language": "fr"}, "language"),
    ],
)
def test_bad_input_is_a_validation_error_by_field(data, areas, field, overrides, code):
    with pytest.raises(ValidationError) as caught:
        make_complaint(areas["kelurahan_a"], **overrides)
    assert caught.value.error_dict[field][0].code == code
    assert not Complaint.objects.exists()


def test_a_complaint_needs_a_kelurahan_and_an_active_category(data, areas):
    Category.objects.filter(code="other").update(is_active=False)
    with pytest.raises(ValidationError) as caught:
        make_complaint(areas["kecamatan"], category=Category.objects.get(code="other"))
    assert caught.value.error_dict["kelurahan"][0].code == "not_kelurahan"
    assert caught.value.error_dict["category"][0].code == "inactive"


def test_a_pledge_of_another_recipient_is_refused(data, areas, recipient_a, recipient_b, packages):
    from commitments.testing import make_commitment

    commitment = make_commitment(recipient_a, {packages["sembako"]: 10})
    with pytest.raises(ValidationError) as caught:
        make_complaint(areas["kelurahan_b"], recipient=recipient_b, commitment=commitment)
    assert caught.value.error_dict["commitment"][0].code == "other_recipient"


# --- change_status ----------------------------------------------------------------------------


def test_an_officer_is_offered_only_the_datas_next_steps(complaint):
    codes = [s.code for s in allowed_transitions(complaint)]
    assert codes == ["koordinasi", "disposisi", "proses", "menunggu-validasi", "selesai"]
    assert allowed_transitions(complaint, by_reporter=True) == []


def test_a_status_change_is_an_event_with_who_and_the_public_text(complaint, lurah):
    changed = change_status(
        complaint=complaint, to_status=status("proses"), public_text="Kami cek.", by=lurah
    )
    assert changed.status == status("proses")
    event = last_event(changed)
    assert (event.kind, event.actor, event.public_text) == (Kind.STATUS, lurah, "Kami cek.")
    assert changed.followed_up_at is None and changed.closed_at is None


def test_a_step_the_data_does_not_allow_is_refused(complaint, lurah, english):
    with pytest.raises(TransitionNotAllowed) as caught:
        change_status(
            complaint=complaint, to_status=status("tl-ditolak"), public_text="x", by=lurah
        )
    assert "Follow-up rejected" in str(caught.value.message)  # in the reader's language
    assert Complaint.objects.get().status == status("menunggu")


def test_a_reporters_step_is_not_an_officers(complaint, lurah):
    change_status(complaint=complaint, to_status=status("selesai"), public_text="x", by=lurah)
    with pytest.raises(TransitionNotAllowed):
        change_status(
            complaint=complaint, to_status=status("tl-ditolak"), public_text="x", by=lurah
        )


def test_an_admin_may_add_a_step_and_it_is_offered(complaint, lurah):
    Transition.objects.create(from_status=status("menunggu"), to_status=status("tl-ditolak"))
    change_status(complaint=complaint, to_status=status("tl-ditolak"), public_text="x", by=lurah)
    assert Complaint.objects.get().status.code == "tl-ditolak"


def test_a_status_change_needs_a_follow_up_text(complaint, lurah):
    with pytest.raises(ValidationError) as caught:
        change_status(complaint=complaint, to_status=status("proses"), public_text=" ", by=lurah)
    assert caught.value.error_dict["public_text"][0].code == "required"


def test_the_first_closed_status_is_the_follow_up_and_stays(complaint, lurah):
    done = change_status(
        complaint=complaint, to_status=status("menunggu-validasi"), public_text="a", by=lurah
    )
    followed_up = done.followed_up_at
    assert followed_up is not None and done.closed_at == followed_up
    done = change_status(complaint=done, to_status=status("proses"), public_text="b", by=lurah)
    assert done.closed_at is None and done.followed_up_at == followed_up
    done = change_status(complaint=done, to_status=status("selesai"), public_text="c", by=lurah)
    assert done.followed_up_at == followed_up
    assert done.closed_at is not None and done.closed_at > followed_up


def test_officer_photos_are_public_proof(complaint, lurah):
    changed = change_status(
        complaint=complaint,
        to_status=status("selesai"),
        public_text="Sudah diantar.",
        by=lurah,
        photos=[photo()],
    )
    (proof,) = changed.photos.filter(source=ComplaintPhoto.Source.OFFICER)
    assert proof.is_public and proof.event is not None
    assert proof.event.public_text == "Sudah diantar."


# --- pass_on ----------------------------------------------------------------------------------


def office(name: str) -> Office:
    return Office.objects.get(name=name)


def test_the_kelurahan_may_pass_on_to_the_offices_handling_the_category(complaint):
    names = set(pass_on_choices(complaint).values_list("name", flat=True))
    assert "Dinas Sosial" in names and "Satuan Polisi Pamong Praja" not in names


def test_a_disposisi_moves_the_complaint_to_the_office(complaint, lurah):
    passed = pass_on(
        complaint=complaint, office=office("Dinas Sosial"), public_text="Ke Dinsos.", by=lurah
    )
    assert (passed.office, passed.status.code) == (office("Dinas Sosial"), "disposisi")
    event = last_event(passed)
    assert (event.kind, event.office, event.actor) == (Kind.DISPOSITION, passed.office, lurah)


def test_a_dinas_passes_on_to_its_suku_dinas_only(complaint, lurah):
    dinsos = office("Dinas Sosial")
    passed = pass_on(complaint=complaint, office=dinsos, public_text="a", by=lurah)
    branches = set(pass_on_choices(passed))
    assert branches == set(dinsos.branches.all()) and len(branches) == 6
    with pytest.raises(ValidationError) as caught:
        pass_on(complaint=passed, office=office("Dinas Kesehatan"), public_text="b", by=lurah)
    assert caught.value.error_dict["office"][0].code == "office_not_allowed"
    sudin = office("Suku Dinas Sosial Kota Administrasi Jakarta Pusat")
    passed = pass_on(complaint=passed, office=sudin, public_text="c", by=lurah)
    assert passed.office == sudin and passed.status.code == "disposisi"


def test_a_suku_dinas_passes_on_nothing(complaint, lurah):
    sudin = office("Suku Dinas Sosial Kota Administrasi Jakarta Pusat")
    passed = pass_on(complaint=complaint, office=sudin, public_text="a", by=lurah)
    assert not pass_on_choices(passed).exists()
    with pytest.raises(ValidationError):
        pass_on(complaint=passed, office=office("Dinas Sosial"), public_text="b", by=lurah)


def test_an_office_not_handling_the_category_is_refused(complaint, lurah):
    with pytest.raises(ValidationError):
        pass_on(
            complaint=complaint,
            office=office("Satuan Polisi Pamong Praja"),
            public_text="a",
            by=lurah,
        )
    assert Complaint.objects.get().office is None


def test_a_closed_complaint_is_not_passed_on(complaint, lurah):
    change_status(complaint=complaint, to_status=status("selesai"), public_text="x", by=lurah)
    with pytest.raises(TransitionNotAllowed):
        pass_on(complaint=complaint, office=office("Dinas Sosial"), public_text="a", by=lurah)


# --- the reporter ------------------------------------------------------------------------------


def test_the_reporters_information_stays_internal(complaint):
    add_information(complaint=complaint, text="Rumah saya nomor 5.", photos=[photo()])
    event = last_event(complaint)
    assert (event.kind, event.public_text, event.internal_text) == (
        Kind.INFORMATION,
        "",
        "Rumah saya nomor 5.",
    )
    assert event.photos.get().source == ComplaintPhoto.Source.REPORTER


def test_empty_information_is_refused(complaint):
    with pytest.raises(ValidationError) as caught:
        add_information(complaint=complaint, text="  ")
    assert caught.value.error_dict["text"][0].code == "required"


def test_the_reporter_confirms_a_follow_up_awaiting_validation(complaint, lurah):
    complaint = change_status(
        complaint=complaint, to_status=status("menunggu-validasi"), public_text="x", by=lurah
    )
    assert can_answer_outcome(complaint, accept=True)
    done = answer_outcome(complaint=complaint, accept=True)
    assert done.status.code == "selesai"
    assert last_event(done).actor_label == "reporter"


def test_the_reporter_rejects_and_the_complaint_reopens(complaint, lurah):
    complaint = change_status(
        complaint=complaint, to_status=status("selesai"), public_text="x", by=lurah
    )
    assert not can_answer_outcome(complaint, accept=True)
    reopened = answer_outcome(complaint=complaint, accept=False, text="Belum sampai.")
    assert reopened.status.code == "tl-ditolak" and reopened.closed_at is None
    assert last_event(reopened).internal_text == "Belum sampai."
    assert "menunggu" not in [s.code for s in allowed_transitions(reopened)]


def test_a_rejection_comes_within_the_reopen_window(complaint, lurah, settings):
    settings.KSBB_COMPLAINT_REOPEN_DAYS = 14
    complaint = change_status(
        complaint=complaint, to_status=status("selesai"), public_text="x", by=lurah
    )
    closed_on = timezone.localdate(complaint.closed_at)
    assert can_answer_outcome(complaint, accept=False, today=closed_on + timedelta(days=14))
    late = closed_on + timedelta(days=15)
    assert not can_answer_outcome(complaint, accept=False, today=late)
    with pytest.raises(TransitionNotAllowed):
        answer_outcome(complaint=complaint, accept=False, today=late)
    assert Complaint.objects.get().status.code == "selesai"


def test_an_open_complaint_has_no_outcome_to_answer(complaint):
    for accept in (True, False):
        with pytest.raises(TransitionNotAllowed):
            answer_outcome(complaint=complaint, accept=accept)


def test_the_service_rechecks_a_stale_complaint(complaint, lurah):
    stale = Complaint.objects.get()
    change_status(complaint=complaint, to_status=status("selesai"), public_text="x", by=lurah)
    # `stale` still says Menunggu; the lock reloads the row before checking.
    with pytest.raises(TransitionNotAllowed):
        change_status(complaint=stale, to_status=status("selesai"), public_text="y", by=lurah)


def test_every_status_is_reachable_and_exactly_one_is_initial(data):
    assert list(Status.objects.filter(is_initial=True).values_list("code", flat=True)) == [
        "menunggu"
    ]
    targets = set(Transition.objects.values_list("to_status__code", flat=True))
    assert targets | {"menunggu"} == set(Status.objects.values_list("code", flat=True))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every writer, so two submissions cannot overlap there",
)
def test_numbers_filed_at_the_same_moment_are_unique_and_gap_free(areas):
    reference_data()

    def work(i: int) -> str:
        return make_complaint(areas["kelurahan_a"], description=f"Keluhan {i}").number

    numbers = run_at_once(16, work)
    assert not [n for n in numbers if isinstance(n, Exception)]
    year = timezone.localdate().year
    assert sorted(numbers) == [f"CRM-{year}-{i:06d}" for i in range(1, 17)]
