"""The list of recipients and the page of one recipient."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from ksbb.lib.httpcache import memo
from recipients.models import RW, Need, Provenance, Recipient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    memo.clear()


def private(*recipients: Recipient) -> None:
    for recipient in recipients:
        recipient.pj_phone, recipient.pj_email = "0811-SENTINEL", "sentinel@example.org"
        recipient.save()


# --- detail --------------------------------------------------------------------------------


def test_rw_page_shows_everything_of_the_popup(client, recipient_a):
    response = client.get(reverse("recipients:detail", args=[recipient_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("RW 01 Gambir", "Jakarta Pusat", "Gambir", "Budi Santoso", "120", "01"):
        assert text in body
    assert response.context["totals"] == {"need": 120, "pledged": 0, "delivered": 0}


def test_institution_page_shows_address_and_residents(client, recipient_b):
    body = client.get(reverse("recipients:detail", args=[recipient_b.pk])).content.decode()
    assert "Jl. Contoh No. 1" in body and "40" in body and "Cideng" in body


def test_give_help_button_links_to_the_pledge_form(client, recipient_a):
    body = client.get(reverse("recipients:detail", args=[recipient_a.pk])).content.decode()
    assert f'href="{reverse("commitments:create", args=[recipient_a.pk])}"' in body


def test_needs_per_package_with_progress_bars(client, recipient_a):
    Need.objects.filter(recipient=recipient_a).update(pledged=30, delivered=60)
    response = client.get(reverse("recipients:detail", args=[recipient_a.pk]))
    (need,) = response.context["needs"]
    assert (need.delivered_pct, need.pledged_pct) == (50, 25)
    body = response.content.decode()
    assert "width: 50%" in body and "width: 25%" in body
    assert not response.context["fulfilled"]


def test_terpenuhi_when_every_need_is_covered(client, recipient_a):
    Need.objects.filter(recipient=recipient_a).update(pledged=20, delivered=100)
    response = client.get(reverse("recipients:detail", args=[recipient_a.pk]))
    assert response.context["fulfilled"]
    assert 'id="fulfilled"' in response.content.decode()


def test_demo_and_estimated_figures_say_so(client, recipient_a):
    RW.objects.filter(pk=recipient_a.rw_id).update(households_provenance=Provenance.ESTIMATED)
    Recipient.objects.filter(pk=recipient_a.pk).update(provenance=Provenance.DEMO)
    body = client.get(reverse("recipients:detail", args=[recipient_a.pk])).content.decode()
    assert "text-bg-warning source-label" in body  # demo recipient and demo need
    assert "text-bg-info source-label" in body  # estimated households


def test_small_map_gets_the_rw_polygon_or_the_point(client, recipient_a, recipient_b):
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    RW.objects.filter(pk=recipient_a.rw_id).update(boundary_web=square)
    response = client.get(reverse("recipients:detail", args=[recipient_a.pk]))
    assert response.context["geometry"] == square
    assert 'id="recipient-map"' in response.content.decode()
    response = client.get(reverse("recipients:detail", args=[recipient_b.pk]))
    assert response.context["geometry"]["type"] == "Point"


def test_public_commitments_list_is_on_the_page(client, recipient_a):
    body = client.get(reverse("recipients:detail", args=[recipient_a.pk])).content.decode()
    assert 'id="commitments-heading"' in body


def test_inactive_or_unknown_recipient_is_404(client, recipient_a):
    assert client.get(reverse("recipients:detail", args=[999999])).status_code == 404
    recipient_a.is_active = False
    recipient_a.save()
    assert client.get(reverse("recipients:detail", args=[recipient_a.pk])).status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "pj_a", "pj_b", "officer", "admin"])
def test_detail_never_shows_pj_contacts_to_anyone(client, cast, recipient_a, recipient_b, role):
    private(recipient_a, recipient_b)
    if cast[role]:
        client.force_login(cast[role])
    for recipient in (recipient_a, recipient_b):
        body = client.get(reverse("recipients:detail", args=[recipient.pk])).content.decode()
        assert "SENTINEL" not in body and "sentinel@" not in body


def test_detail_query_count(client, recipient_a, django_assert_num_queries):
    url = reverse("recipients:detail", args=[recipient_a.pk])
    client.get(url)  # warms the portal-wide demo flags (context processor, cached)
    # 1. the recipient with RW and area chain (no area geometry)
    # 2. its needs with their packages
    # 3. its public commitments (commitments_tags.recipient_commitments)
    # 4. the RW's latest case report (case_data.latest_rw_report)
    with django_assert_num_queries(4):
        client.get(url)


# --- list ----------------------------------------------------------------------------------


def names(response) -> list[str]:
    rows = response.context["rows"]
    return rows["names"] if rows else []


def test_list_shows_every_active_recipient_least_served_first(client, recipient_a, recipient_b):
    Need.objects.filter(recipient=recipient_b).update(pledged=20)
    response = client.get(reverse("recipients:list"))
    assert response.status_code == 200
    assert names(response) == ["RW 01 Gambir", "Panti Asuhan Harapan"]


def test_list_sorts_by_name_and_by_largest_open_need(client, recipient_a, recipient_b):
    by_name = client.get(reverse("recipients:list"), {"sort": "name"})
    assert names(by_name) == ["Panti Asuhan Harapan", "RW 01 Gambir"]
    by_open = client.get(reverse("recipients:list"), {"sort": "remaining"})
    assert names(by_open) == ["RW 01 Gambir", "Panti Asuhan Harapan"]


def test_list_filters_by_area_kind_and_name(client, recipient_a, recipient_b):
    url = reverse("recipients:list")
    params = {"kota": "31.71", "kecamatan": "31.71.01", "kelurahan": "31.71.01.1001"}
    assert names(client.get(url, params)) == ["RW 01 Gambir"]
    assert names(client.get(url, {"kind": "panti_asuhan"})) == ["Panti Asuhan Harapan"]
    assert names(client.get(url, {"q": "cideng"})) == ["Panti Asuhan Harapan"]  # kelurahan name


def test_bad_sort_page_and_kind_fall_back_without_error(client, recipient_a):
    response = client.get(reverse("recipients:list"), {"sort": "x", "page": "zz", "kind": "x"})
    assert response.status_code == 200
    assert names(response) == ["RW 01 Gambir"]


def test_list_is_paginated_and_links_keep_the_filter(client, areas, packages):
    for n in range(55):
        Recipient.objects.create(kind="pesantren", name=f"Pesantren {n:02d}", area=areas["kota"])
    first = client.get(reverse("recipients:list"), {"kind": "pesantren", "sort": "name"})
    assert len(names(first)) == 50
    assert "?kind=pesantren&amp;sort=name&amp;page=2" in first.content.decode()
    second = client.get(
        reverse("recipients:list"), {"kind": "pesantren", "sort": "name", "page": 2}
    )
    assert names(second) == [f"Pesantren {n}" for n in range(50, 55)]


def test_list_works_without_javascript(client, recipient_a):
    body = client.get(reverse("recipients:list")).content.decode()
    assert '<form method="get"' in body and "<table" in body
    assert f'href="{reverse("recipients:detail", args=[recipient_a.pk])}"' in body


def test_list_loads_no_geometry_and_runs_fixed_queries(
    client, recipient_a, recipient_b, django_assert_num_queries
):
    client.get(reverse("recipients:list"), {"kind": "rw"})  # warms the area index
    # Once per data version, filter, sort and page:
    # 1. count of the filtered recipients
    # 2. the page: recipients with area, kecamatan, RW number/KK and need sums
    with django_assert_num_queries(2) as captured:
        client.get(reverse("recipients:list"))
    page_sql = captured.captured_queries[-1]["sql"]
    assert "boundary" not in page_sql and "location" not in page_sql
    with django_assert_num_queries(0):
        client.get(reverse("recipients:list"))


def test_list_follows_a_pledge_at_once(client, recipient_a, django_capture_on_commit_callbacks):
    assert "120" in client.get(reverse("recipients:list")).content.decode()
    need = Need.objects.get(recipient=recipient_a)
    with django_capture_on_commit_callbacks(execute=True):
        need.pledged = 33
        need.save()
    response = client.get(reverse("recipients:list"))
    assert '<td class="text-end">33</td>' in response.content.decode()


def test_list_rows_follow_the_language(client, settings, recipient_a):
    Need.objects.filter(recipient=recipient_a).delete()
    assert "belum ada kebutuhan tercatat" in client.get(reverse("recipients:list")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "no needs recorded" in client.get(reverse("recipients:list")).content.decode()


def test_list_has_no_personal_data(client, recipient_a, recipient_b):
    private(recipient_a, recipient_b)
    body = client.get(reverse("recipients:list")).content.decode()
    assert "SENTINEL" not in body and "sentinel@" not in body


def test_free_text_searches_are_not_cached(client, recipient_a, django_assert_num_queries):
    client.get(reverse("recipients:list"), {"q": "gambir"})  # warms the area index
    # Each search runs its 2 queries again: caching every string anyone types would let
    # them fill the cache.
    with django_assert_num_queries(2):
        response = client.get(reverse("recipients:list"), {"q": "gambir"})
    assert names(response) == ["RW 01 Gambir"]
