"""The complaint reference data of fixtures/: channels, categories, statuses with their
transitions and offices, loaded by load_reference_data with references by lookup."""

from __future__ import annotations

import json

import pytest

from complaints.models import Category, Channel, Office, Status, Transition
from ksbb.lib.reference_data import REFERENCE_DATA_DIR, load_reference_data

pytestmark = pytest.mark.django_db


def test_the_official_channels_are_seeded_in_order_and_active():
    load_reference_data()
    names = list(Channel.objects.values_list("name", flat=True))
    assert names[:2] == ["JAKI", "@DKIJakarta"]
    assert {"LAPOR! 1708", "Balai Warga", "Balai Kota", "Inspektorat"} <= set(names)
    assert Channel.objects.get(kind=Channel.Kind.SMS).contact == "0811-1272-206"
    assert Channel.objects.filter(kind=Channel.Kind.EMAIL).get().contact == "dki@jakarta.go.id"
    assert not Channel.objects.filter(is_active=False).exists()


def test_the_categories_follow_up_within_seven_days():
    load_reference_data()
    assert Category.objects.count() == 7
    assert set(Category.objects.values_list("follow_up_days", flat=True)) == {7}


def test_the_crm_statuses_with_open_and_closed():
    load_reference_data()
    assert list(Status.objects.values_list("name", "is_open")) == [
        ("Menunggu", True),
        ("Koordinasi", True),
        ("Disposisi", True),
        ("Proses", True),
        ("Menunggu Validasi", False),
        ("Selesai", False),
        ("TL Ditolak", True),
    ]


def test_only_the_reporter_confirms_or_rejects_an_outcome():
    load_reference_data()
    reporter = Transition.objects.filter(by_reporter=True)
    assert {(t.from_status.code, t.to_status.code) for t in reporter} == {
        ("menunggu-validasi", "selesai"),
        ("menunggu-validasi", "tl-ditolak"),
        ("selesai", "tl-ditolak"),
    }
    assert not Transition.objects.filter(by_reporter=False, to_status__code="tl-ditolak")


def test_suku_dinas_refer_to_their_dinas_by_name():
    load_reference_data()
    dinsos = Office.objects.get(name="Dinas Sosial")
    assert dinsos.branches.count() == 6
    assert set(dinsos.branches.values_list("kind", flat=True)) == {Office.Kind.SUKU_DINAS}
    assert Office.objects.get(name="Satuan Polisi Pamong Praja").categories.filter(
        code="political-content"
    )


def test_loading_twice_keeps_an_admins_edit_of_a_transition_table():
    load_reference_data()
    Transition.objects.filter(from_status__code="menunggu", to_status__code="selesai").delete()
    Status.objects.filter(code="proses").update(name="Dalam proses")
    before = Transition.objects.count()
    load_reference_data()
    # A deleted row comes back (as for packages); an edited one stays as edited.
    assert Transition.objects.count() == before + 1
    assert Status.objects.get(code="proses").name == "Dalam proses"


def test_fixture_rows_carry_no_primary_keys():
    for path in REFERENCE_DATA_DIR.glob("complaint_*.json"):
        assert all("pk" not in row for row in json.loads(path.read_text()))


def test_a_lookup_that_finds_nothing_is_a_clear_error(tmp_path):
    rows = [
        {
            "model": "complaints.office",
            "fields": {"name": "Sudin X", "kind": "sudin", "parent": {"name": "No such dinas"}},
        }
    ]
    (tmp_path / "offices.json").write_text(json.dumps(rows))
    with pytest.raises(ValueError, match="offices.json: no complaints.Office matches"):
        load_reference_data(tmp_path)


def test_a_many_to_many_lookup_links_rows_of_an_earlier_file(tmp_path):
    category = {"code": "c", "name": "C"}
    (tmp_path / "a.json").write_text(
        json.dumps([{"model": "complaints.category", "fields": category}])
    )
    office = {"name": "Dinas Y", "kind": "dinas", "categories": [{"code": "c"}]}
    (tmp_path / "b.json").write_text(json.dumps([{"model": "complaints.office", "fields": office}]))
    load_reference_data(tmp_path)
    assert list(Office.objects.get(name="Dinas Y").categories.values_list("code", flat=True)) == [
        "c"
    ]


def test_statuses_and_categories_read_in_the_readers_language():
    from django.utils import translation

    from complaints.models import Category, Status
    from complaints.testing import reference_data

    reference_data()
    done = Status.objects.get(code="selesai")
    category = Category.objects.get(code="not-delivered")
    with translation.override("id"):
        assert (str(done), category.label) == ("Selesai", "Bantuan tidak diterima")
    with translation.override("en"):
        assert (str(done), category.label) == ("Done", "Aid not received")
    category.name_en = ""  # an admin's row without an English name falls back to Indonesian
    with translation.override("en"):
        assert category.label == "Bantuan tidak diterima"
