"""The map page: Leaflet from settings, layers, the area filter in the URL, server totals."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from ksbb.lib.httpcache import memo
from recipients.layers import layer_payload, publish_root
from recipients.models import CaseReport, Need

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    memo.clear()


def get(client, **params):
    response = client.get(reverse("recipients:home"), params)
    assert response.status_code == 200
    return response


def config(response) -> dict:
    return response.context["map_config"]


def test_map_uses_leaflet_with_the_configured_tiles_and_attribution(client, settings, areas):
    body = get(client).content.decode()
    assert 'id="map"' in body
    assert "leaflet/leaflet.js" in body or "leaflet/leaflet-src.js" in body
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in body
    assert "js/map.js" in body
    assert "tile.openstreetmap.org" in body and "OpenStreetMap" in body
    settings.LEAFLET_CONFIG = {
        **settings.LEAFLET_CONFIG,
        "TILES": [("Local", "https://tiles.example.org/{z}/{x}/{y}.png", {"attribution": "X"})],
    }
    assert "tiles.example.org" in get(client).content.decode()


def test_map_loads_nothing_from_a_cdn(client, areas):
    body = get(client).content.decode()
    for host in ("unpkg.com", "cdnjs", "jsdelivr", "fonts.googleapis"):
        assert host not in body


def test_map_links_each_layer_at_its_content_hash_and_publishes_the_file(client, areas):
    api = config(get(client))["api"]
    for name in ("kelurahan", "rw", "institutions"):
        digest = layer_payload(name).digest
        assert api[name] == f"{reverse('recipients:api-' + name)}?v={digest}"
        assert (publish_root() / f"{name}.{digest}.geojson").exists()  # nginx serves it
    assert api["status"] == reverse("recipients:api-status")


def test_map_links_the_new_hash_after_the_data_changes(client, areas):
    before = config(get(client))["api"]["kelurahan"]
    areas["kelurahan_a"].name = "Gambir Baru"
    areas["kelurahan_a"].save()
    assert config(get(client))["api"]["kelurahan"] != before


def test_each_layer_has_a_toggle_and_rws_a_shading_choice(client, areas):
    body = get(client).content.decode()
    for element in ('id="layer-rw"', 'id="layer-institutions"', 'id="layer-cases"'):
        assert element in body
    assert 'id="shade-need"' in body and 'id="shade-households"' in body


def test_case_dates_come_from_the_data_latest_selected_with_data_as_of(client, areas):
    for day in (datetime.date(2020, 4, 30), datetime.date(2020, 7, 31)):
        CaseReport.objects.create(
            kelurahan=areas["kelurahan_a"], report_date=day, schema="odp_pdp", source="x"
        )
    response = get(client)
    assert response.context["dates"] == ["2020-04-30", "2020-07-31"]
    assert response.context["selected_date"] == "2020-07-31"
    assert 'id="cases-as-of"' in response.content.decode()
    assert get(client, date="2020-04-30").context["selected_date"] == "2020-04-30"
    assert get(client, date="bogus").context["selected_date"] == "2020-07-31"


def test_area_filter_narrows_totals_and_is_passed_to_the_map(client, recipient_a, recipient_b):
    response = get(client, kota="31.71", kecamatan="31.71.01", kelurahan="31.71.01.1002")
    totals = response.context["totals"]
    assert totals["recipients"] == 1 and totals["need"] == 40
    assert config(response)["filter"]["area"] == "31.71.01.1002"
    body = response.content.decode()
    assert '<option value="31.71.01.1002" selected>Cideng</option>' in body


def test_kind_and_name_filters_narrow_totals(client, recipient_a, recipient_b):
    assert get(client, kind="rw").context["totals"]["need"] == 120
    response = get(client, q="harapan")
    assert response.context["totals"]["need"] == 40
    assert config(response)["filter"]["q"] == "harapan"


def test_an_unknown_area_shows_a_message_and_keeps_the_valid_levels(client, settings, recipient_a):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = get(client, kota="31.71", kecamatan="31.99.99")
    assert response.context["filters"].area.code == "31.71"
    assert "Unknown area." in response.content.decode()


def test_a_kecamatan_of_another_kota_is_not_accepted(client, areas):
    response = get(client, kota="31.72", kecamatan="31.71.01")
    assert response.context["filters"].area is None


def test_totals_follow_pledges(client, recipient_a):
    Need.objects.filter(recipient=recipient_a).update(pledged=20, delivered=10)
    totals = get(client).context["totals"]
    assert (totals["pledged"], totals["delivered"]) == (20, 10)


def test_labels_for_the_popups_are_in_the_page(client, areas):
    body = get(client).content.decode()
    labels = json.loads(body.split('id="map-labels" type="application/json">')[1].split("<")[0])
    assert {"give_help", "households", "ketua_rw", "need", "pledged", "delivered"} <= set(labels)


def test_map_page_query_count(client, recipient_a, recipient_b, django_assert_num_queries):
    get(client, kind="rw")  # warms what every filter shares: area index, case dates, layers
    # Once per data version and filter:
    # 1. recipients counted per kind (filtered)
    # 2. need totals of those recipients
    # 3. the least served recipients with their need sums
    with django_assert_num_queries(3):
        get(client)
    with django_assert_num_queries(0):
        get(client)


def test_map_page_totals_follow_a_change_at_once(client, recipient_a, settings):
    get(client)
    Need.objects.filter(recipient=recipient_a).update(pledged=7)
    from ksbb.lib.httpcache import bump

    bump("needs")  # what a service that uses QuerySet.update() does
    assert get(client).context["totals"]["pledged"] == 7


def test_report_dates_are_options_with_the_selected_one_marked(client, areas):
    CaseReport.objects.create(
        kelurahan=areas["kelurahan_a"],
        report_date=datetime.date(2020, 4, 30),
        schema="odp_pdp",
        source="x",
    )
    body = get(client).content.decode()
    assert '<option value="2020-04-30" selected>2020-04-30</option>' in body


def test_map_page_has_no_personal_data(client, recipient_a):
    recipient_a.pj_phone, recipient_a.pj_email = "0811-SENTINEL", "sentinel@example.org"
    recipient_a.save()
    body = get(client).content.decode()
    assert "SENTINEL" not in body and "sentinel@" not in body


def test_first_load_preloads_the_same_four_layers_and_cases_but_never_every_rw(client, areas):
    CaseReport.objects.create(
        kelurahan=areas["kelurahan_a"],
        report_date=datetime.date(2020, 5, 31),
        schema="odp_pdp",
        source="x",
    )
    response = get(client)
    api = config(response)["api"]
    assert response.context["preload"] == [
        api["kelurahan"],
        api["rw"],
        api["institutions"],
        api["status"],
        f"{api['cases']}?date=2020-05-31",
    ]
    # The all-RW layer is linked at its hash (map.js fetches it with the case layer only).
    assert api["rw-all"] == f"{reverse('recipients:api-rw-all')}?v={layer_payload('rw-all').digest}"
    assert "rw-all.geojson" not in "".join(response.context["preload"])


def test_data_as_of_says_the_level_and_that_rw_figures_are_estimates(client, settings, areas):
    from recipients.models import RW

    settings.LANGUAGE_CODE = "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    day = datetime.date(2020, 5, 31)
    CaseReport.objects.create(
        kelurahan=areas["kelurahan_a"], report_date=day, schema="odp_pdp", source="x"
    )
    assert "Data as of 2020-05-31, per kelurahan (official)" in get(client).content.decode()
    rw = RW.objects.create(kelurahan=areas["kelurahan_a"], number=1)
    CaseReport.objects.create(
        rw=rw, report_date=day, schema="odp_pdp", source="x", provenance="estimated"
    )
    assert "Data as of 2020-05-31, per RW (estimate)" in get(client).content.decode()
