"""Demo data: the demo parts on top of official data, the fictional demo province, and the
flags that tell templates whether what they show is demo data."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from shapely.geometry import Point, shape

from recipients import demo, demo_dataset
from recipients.context_processors import demo_flags
from recipients.importers.base import Summary
from recipients.models import RW, Area, CaseReport, Need, Provenance, Recipient

# Demo needs are drawn from the package catalogue (conftest `packages`).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("packages")]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def parts() -> Summary:
    summary = Summary("Demo parts")
    demo.generate_demo_parts(Path("."), summary)
    return summary


def dataset() -> Summary:
    summary = Summary("Demo data set")
    demo_dataset.generate_demo_dataset(Path("."), summary)
    return summary


def strip(lon: float, lat: float, width: float, height: float = 0.01) -> dict:
    return demo_dataset.cell(lon, lat + height, width, height)


def add_rws(kelurahan: Area, widths: list[float], reverse: bool = False) -> list[RW]:
    """RWs 1, 2, ... side by side in the kelurahan's square, as wide as given (their area
    share); `reverse` creates the same RWs last one first."""
    lon, lat = shape(kelurahan.boundary).bounds[:2]
    edges = [lon + sum(widths[:i]) for i in range(len(widths))]
    order = range(len(widths))
    rws = [
        RW.objects.create(
            kelurahan=kelurahan, number=i + 1, boundary=strip(edges[i], lat, widths[i])
        )
        for i in (reversed(order) if reverse else order)
    ]
    return sorted(rws, key=lambda rw: rw.number)


def snapshot() -> dict[str, list]:
    """Every generated record by natural keys, without ids or timestamps."""
    return {
        "areas": list(
            Area.objects.order_by("code").values_list(
                "code", "level", "name", "parent__code", "boundary", "centroid_lat",
                "centroid_lon", "population", "households", "provenance",
            )
        ),
        "rws": list(
            RW.objects.order_by("kelurahan__code", "number").values_list(
                "kelurahan__code", "number", "boundary", "households",
                "households_provenance", "ketua_name", "ketua_provenance",
            )
        ),
        "recipients": list(
            Recipient.objects.order_by("source_key").values_list(
                "source_key", "kind", "name", "area__code", "rw__number", "location",
                "location_approximate", "address", "residents", "residents_provenance",
                "pj_name", "provenance",
            )
        ),
        "needs": list(
            Need.objects.order_by("recipient__source_key", "package__code").values_list(
                "recipient__source_key", "package__code", "quantity", "provenance"
            )
        ),
        "cases": list(
            CaseReport.objects.order_by("kelurahan__code", "report_date").values_list(
                "kelurahan__code", "report_date", "schema", "odp", "pdp", "suspek",
                "probable", "positif", "dirawat", "sembuh", "meninggal", "self_isolation",
            )
        ),
    }  # fmt: skip


def wipe() -> None:
    """Empty the tables, as a fresh database would be."""
    Need.objects.all().delete()
    Recipient.objects.all().delete()
    CaseReport.objects.all().delete()
    RW.objects.all().delete()
    for level in sorted(Area.Level.values, reverse=True):
        Area.objects.filter(level=level).delete()


# --- The demo data set ------------------------------------------------------------------------


def test_demo_dataset_loads_on_an_empty_database_with_recipients_of_every_kind_and_needs():
    dataset()
    kinds = set(Recipient.objects.values_list("kind", flat=True))
    assert kinds == set(Recipient.Kind.values)
    assert Area.objects.kelurahan().count() == 24
    assert RW.objects.count() == 144
    assert not Recipient.objects.filter(needs__isnull=True).exists()
    institutions = Recipient.objects.exclude(kind=Recipient.Kind.PRIORITY_RW)
    assert all({n.package.code for n in r.needs.all()} == {"sembako", "siap-saji"}
               for r in institutions)  # fmt: skip


def test_demo_dataset_second_run_creates_and_updates_nothing():
    dataset()
    second = dataset()
    assert (second.created, second.updated, second.skipped) == (0, 0, [])
    assert second.unchanged > 0


def test_demo_dataset_is_identical_on_two_fresh_databases():
    dataset()
    first = snapshot()
    wipe()
    dataset()
    assert snapshot() == first


def test_demo_dataset_is_labelled_demo_with_codes_no_real_area_has():
    dataset()
    assert set(Area.objects.values_list("provenance", flat=True)) == {Provenance.DEMO}
    assert all(code.startswith("99") for code in Area.objects.values_list("code", flat=True))
    assert set(Recipient.objects.values_list("provenance", flat=True)) == {Provenance.DEMO}
    assert set(Need.objects.values_list("provenance", flat=True)) == {Provenance.DEMO}
    assert set(RW.objects.values_list("households_provenance", flat=True)) == {"estimated"}
    assert not RW.objects.filter(ketua_provenance="").filter(recipient__isnull=False).exists()


def test_demo_dataset_has_case_reports_in_both_schemas_of_2020():
    dataset()
    june = CaseReport.objects.filter(report_date__month__lte=6)
    july_on = CaseReport.objects.filter(report_date__month__gte=7)
    assert set(june.values_list("schema", flat=True)) == {CaseReport.Schema.ODP_PDP}
    assert set(july_on.values_list("schema", flat=True)) == {CaseReport.Schema.SUSPEK}
    assert not june.filter(odp__isnull=True).exists()
    assert not july_on.filter(suspek__isnull=True).exists()
    kel = Area.objects.kelurahan().first()
    assert kel is not None
    history = list(kel.case_reports.order_by("report_date"))
    for before, after in zip(history, history[1:], strict=False):
        assert after.positif >= before.positif and after.sembuh >= before.sembuh


def test_demo_dataset_fits_the_maps_default_view():
    dataset()
    for boundary in Area.objects.kelurahan().values_list("boundary", flat=True):
        minx, miny, maxx, maxy = shape(boundary).bounds
        assert minx >= 106.75 and maxx <= 106.95 + 1e-9
        assert miny >= -6.30 - 1e-9 and maxy <= -6.10


# --- Demo parts on top of official data -------------------------------------------------------


def test_demo_parts_do_not_depend_on_the_order_records_were_created(areas):
    widths = [0.001, 0.002, 0.003, 0.004]
    add_rws(areas["kelurahan_a"], widths)
    add_rws(areas["kelurahan_b"], widths * 2)
    parts()
    first = snapshot()
    Need.objects.all().delete()
    Recipient.objects.all().delete()
    RW.objects.all().delete()
    add_rws(areas["kelurahan_b"], widths * 2, reverse=True)
    add_rws(areas["kelurahan_a"], widths, reverse=True)
    parts()
    assert snapshot() == first


def test_kk_estimates_sum_to_the_kelurahan_kk_by_area_share(areas):
    add_rws(areas["kelurahan_a"], [0.001, 0.003, 0.006])
    parts()
    rws = list(areas["kelurahan_a"].rws.order_by("number"))
    assert sum(rw.households for rw in rws) == 1088
    assert [rw.households for rw in rws] == pytest.approx([109, 326, 653], abs=1)
    assert {rw.households_provenance for rw in rws} == {Provenance.ESTIMATED}


def test_kk_estimate_keeps_official_figures_and_shares_the_rest(areas):
    official, *others = add_rws(areas["kelurahan_a"], [0.002, 0.004, 0.004])
    official.households, official.households_provenance = 88, Provenance.OFFICIAL
    official.save()
    parts()
    official.refresh_from_db()
    assert (official.households, official.households_provenance) == (88, "official")
    assert [RW.objects.get(pk=rw.pk).households for rw in others] == [500, 500]


def test_kelurahan_without_kk_leaves_its_rws_unestimated_and_says_so(areas):
    areas["kelurahan_a"].households = None
    areas["kelurahan_a"].save()
    add_rws(areas["kelurahan_a"], [0.005, 0.005])
    summary = parts()
    assert not RW.objects.filter(households__isnull=False).exists()
    assert any("31.71.01.1001" in note for note in summary.notes)


def test_priority_rws_get_a_demo_ketua_and_a_demo_recipient_inside_the_rw(areas):
    add_rws(areas["kelurahan_a"], [0.002] * 5)
    parts()
    recipient = Recipient.objects.get(kind=Recipient.Kind.PRIORITY_RW)
    rw = recipient.rw
    assert rw is not None
    assert recipient.source_key == f"rw:31.71.01.1001:{rw.number}"
    assert recipient.name == f"RW {rw.number:02d} Gambir"
    assert (recipient.provenance, recipient.area) == (Provenance.DEMO, areas["kelurahan_a"])
    assert rw.ketua_provenance == Provenance.DEMO
    assert recipient.pj_name == rw.ketua_name
    given, second = rw.ketua_name.split()
    assert given in demo.GIVEN_NAMES and second in demo.SECOND_NAMES
    assert rw.boundary is not None and recipient.location is not None
    assert shape(rw.boundary).contains(Point(recipient.location["coordinates"]))
    assert recipient.needs.get().quantity == rw.households


def test_an_official_ketua_name_is_kept_and_becomes_the_pj(areas):
    (rw,) = add_rws(areas["kelurahan_a"], [0.01])
    rw.ketua_name, rw.ketua_provenance = "Ketua Resmi", Provenance.OFFICIAL
    rw.save()
    parts()
    rw.refresh_from_db()
    assert (rw.ketua_name, rw.ketua_provenance) == ("Ketua Resmi", "official")
    assert rw.recipient.pj_name == "Ketua Resmi"


@pytest.mark.parametrize(
    ("population", "expected"),
    [(5_000, 0.05), (15_000, 0.075), (30_000, 0.10), (40_000, 0.125), (None, 0.10)],
)
def test_priority_rate_grows_with_density(population, expected):
    # A 0.01 degree square near Jakarta is about 1.23 km²: 15,000 people is ~12,000 per km².
    kelurahan = Area(code="31.71.01.1001", population=population)
    geom = shape(strip(106.8, -6.2, 0.01))
    assert demo.priority_rate(kelurahan, geom) == expected


def test_the_rate_of_rws_is_chosen_and_at_least_one(areas):
    rws = add_rws(areas["kelurahan_b"], [0.0002] * 40)
    geom = shape(areas["kelurahan_b"].boundary)  # 40,000 people on ~1.2 km²: the 12.5 % class
    assert len(demo.choose_priority_rws(areas["kelurahan_b"], rws, geom)) == 5
    assert len(demo.choose_priority_rws(areas["kelurahan_a"], rws[:3], geom)) == 1


def test_panti_of_three_kinds_have_demo_names_fictional_addresses_and_residents(areas):
    parts()
    panti = Recipient.objects.filter(kind__in=demo.PANTI_KINDS)
    assert sorted(panti.values_list("kind", flat=True)) == sorted(demo.PANTI_KINDS)
    for recipient in panti:
        low, high = demo.RESIDENTS[recipient.kind]
        assert recipient.name.endswith("(demo)")
        assert recipient.address.startswith("Jl. Contoh ")
        assert low <= recipient.residents <= high
        assert recipient.residents_provenance == recipient.provenance == Provenance.DEMO
        assert shape(recipient.area.boundary).contains(Point(recipient.location["coordinates"]))


def test_a_few_dozen_panti_for_a_province_of_jakartas_size():
    # 44, 31, 56, 65, 65 and 6 kelurahan in the six kota.
    assert sum(map(demo.panti_count, [44, 31, 56, 65, 65, 6])) == 48


def test_second_run_creates_and_updates_nothing(areas):
    add_rws(areas["kelurahan_a"], [0.002] * 5)
    parts()
    second = parts()
    assert (second.created, second.updated) == (0, 0)


def test_values_edited_by_hand_survive_another_run(areas):
    parts()
    panti = Recipient.objects.filter(kind=Recipient.Kind.PANTI_ASUHAN).first()
    assert panti is not None
    Recipient.objects.filter(pk=panti.pk).update(name="Panti Nyata", residents=7, pj_name="")
    parts()
    panti.refresh_from_db()
    assert (panti.name, panti.residents) == ("Panti Nyata", 7)
    assert panti.pj_name  # an empty field is filled again: only empty fields are filled


def test_a_need_with_pledges_keeps_its_quantity_and_one_without_follows_the_rule(areas):
    parts()
    pledged, free = Recipient.objects.filter(kind__in=demo.PANTI_KINDS)[:2]
    Need.objects.filter(recipient=pledged).update(pledged=1)
    before = pledged.needs.get(package__code="siap-saji").quantity
    Recipient.objects.filter(pk__in=[pledged.pk, free.pk]).update(residents=999)
    parts()
    assert pledged.needs.get(package__code="siap-saji").quantity == before
    assert free.needs.get(package__code="siap-saji").quantity == 999


def test_a_need_a_person_edited_or_deleted_is_theirs(areas, cast):
    parts()
    first, second = Recipient.objects.filter(kind__in=demo.PANTI_KINDS)[:2]
    edited = first.needs.get(package__code="sembako")
    edited._history_user = cast["admin"]
    edited.quantity = 3
    edited.save()
    deleted = second.needs.get(package__code="sembako")
    deleted._history_user = cast["admin"]
    deleted.delete()
    parts()
    assert first.needs.get(package__code="sembako").quantity == 3
    assert not second.needs.filter(package__code="sembako").exists()


def test_a_recipient_with_official_needs_gets_no_demo_needs(recipient_b):
    recipient_b.needs.update(provenance=Provenance.OFFICIAL)
    parts()
    assert list(recipient_b.needs.values_list("package__code", flat=True)) == ["siap-saji"]


def test_pesantren_without_residents_get_demo_residents_and_others_keep_theirs(areas):
    make = Recipient.objects.create
    empty = make(kind="pesantren", name="PP A", area=areas["kota"], source_key="pesantren:1")
    known = make(kind="pesantren", name="PP B", area=areas["kota"], residents=120,
                 residents_provenance="official")  # fmt: skip
    parts()
    empty.refresh_from_db()
    known.refresh_from_db()
    assert empty.residents is not None
    assert 40 <= empty.residents <= 400 and empty.residents_provenance == "demo"
    assert (known.residents, known.residents_provenance) == (120, "official")
    assert empty.provenance == Provenance.OFFICIAL  # the record itself stays official


def test_official_recipient_fields_are_never_overwritten(recipient_a):
    parts()
    recipient_a.refresh_from_db()
    assert (recipient_a.name, recipient_a.pj_name) == ("RW 01 Gambir", "Budi Santoso")
    assert recipient_a.provenance == Provenance.OFFICIAL
    assert recipient_a.rw.households == 120


# --- Flags for templates ----------------------------------------------------------------------


def test_no_demo_flags_on_an_empty_database():
    assert demo_flags() == {"demo_dataset": False, "demo_parts": False}


def test_the_demo_data_set_sets_both_flags(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset()
    assert demo_flags() == {"demo_dataset": True, "demo_parts": True}


def test_official_areas_with_demo_parts_set_only_demo_parts(
    areas, django_capture_on_commit_callbacks
):
    assert demo_flags()["demo_parts"] is False  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        parts()  # clears the cached flags
    assert demo_flags() == {"demo_dataset": False, "demo_parts": True}


def test_pages_get_the_flags(client, areas):
    parts()
    response = client.get(reverse("recipients:home"))
    assert response.context["demo_parts"] is True
    assert response.context["demo_dataset"] is False


# --- On the real data -------------------------------------------------------------------------


@pytest.mark.realdata
def test_demo_parts_on_the_real_data():
    if not settings.KSBB_DATA_DIR:
        pytest.skip("KSBB_DATA_DIR is not set")
    pytest.importorskip("recipients.management.commands.import_jakarta")
    call_command("import_jakarta", settings.KSBB_DATA_DIR, stdout=io.StringIO())
    rws = RW.objects.count()
    priority = Recipient.objects.filter(kind=Recipient.Kind.PRIORITY_RW).count()
    assert 0.08 * rws <= priority <= 0.16 * rws
    assert 20 <= Recipient.objects.filter(kind__in=demo.PANTI_KINDS).count() <= 60
    for kel in Area.objects.kelurahan().filter(rws__isnull=False).distinct()[:20]:
        assert sum(kel.rws.values_list("households", flat=True)) == kel.households
    second = parts()
    assert (second.created, second.updated) == (0, 0)
