"""The recipients admin: access by role, every list and form renders, constant query counts,
map editing of geometry with history, and no asset loaded from outside the site."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ksbb.lib.leaflet_fields import AREA_TYPES, POINT, GeoJSONGeometryField
from recipients.models import RW, Area, CaseReport, Need, Package, Recipient

MODELS = ["area", "rw", "recipient", "package", "need", "casereport"]
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[106.8, -6.2], [106.81, -6.2], [106.81, -6.19], [106.8, -6.19], [106.8, -6.2]]
    ],
}


@pytest.fixture
def staff(db):
    """A staff account that holds no permission at all."""
    return get_user_model().objects.create_user("staff", password="pw", is_staff=True)


@pytest.fixture
def case_report(areas) -> CaseReport:
    return CaseReport.objects.create(
        kelurahan=areas["kelurahan_a"],
        report_date=datetime.date(2020, 5, 31),
        schema=CaseReport.Schema.ODP_PDP,
        odp=10,
        pdp=3,
        positif=2,
        source="test",
    )


@pytest.fixture
def objects(areas, packages, recipient_a, recipient_b, case_report) -> dict[str, object]:
    """One object of each model, by admin model name."""
    return {
        "area": areas["kelurahan_a"],
        "rw": recipient_a.rw,
        "recipient": recipient_a,
        "package": packages["sembako"],
        "need": recipient_b.needs.get(),
        "casereport": case_report,
    }


def changelist(model: str) -> str:
    return reverse(f"admin:recipients_{model}_changelist")


def change(model: str, obj) -> str:
    return reverse(f"admin:recipients_{model}_change", args=[obj.pk])


@pytest.mark.parametrize("model", MODELS)
def test_anonymous_is_redirected_to_login(client, objects, model):
    for url in (changelist(model), change(model, objects[model])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", MODELS)
def test_non_staff_user_is_redirected_to_login(client, cast, objects, model):
    client.force_login(cast["officer"])
    response = client.get(changelist(model))
    assert response.status_code == 302


@pytest.mark.parametrize("model", MODELS)
def test_staff_without_permission_gets_403(client, staff, objects, model):
    client.force_login(staff)
    assert client.get(changelist(model)).status_code == 403
    assert client.get(change(model, objects[model])).status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_admin_sees_changelist_change_and_add_forms(client, cast, objects, model):
    client.force_login(cast["admin"])
    assert client.get(changelist(model)).status_code == 200
    assert client.get(change(model, objects[model])).status_code == 200
    assert client.get(reverse(f"admin:recipients_{model}_add")).status_code == 200


@pytest.mark.parametrize("model", ["recipient", "package", "need"])
def test_admin_sees_history(client, cast, objects, model):
    client.force_login(cast["admin"])
    response = client.get(reverse(f"admin:recipients_{model}_history", args=[objects[model].pk]))
    assert response.status_code == 200


def test_site_titles_are_translated(client, cast, settings):
    client.force_login(cast["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    body = client.get(reverse("admin:index")).content.decode()
    assert "| Administrasi Portal KSBB</title>" in body  # site_title
    assert ">Administrasi Portal KSBB</a>" in body  # site_header
    assert "KSBB Portal administration" not in body


def test_changelist_shows_need_progress_and_households(client, cast, recipient_a):
    need = recipient_a.needs.get()
    Need.objects.filter(pk=need.pk).update(pledged=30, delivered=30)
    client.force_login(cast["admin"])
    response = client.get(changelist("recipient"))
    assert "60 / 120 (50%)" in response.content.decode()
    assert "120 KK" in response.content.decode()


def test_recipient_filter_by_kota(client, cast, areas, recipient_a):
    other_kota = Area.objects.create(
        code="31.72", level=Area.Level.KOTA, name="Jakarta Utara", parent=areas["province"]
    )
    client.force_login(cast["admin"])
    shown = client.get(changelist("recipient"), {"kota": "31.71"})
    hidden = client.get(changelist("recipient"), {"kota": other_kota.code})
    assert shown.context["cl"].result_count == 1
    assert hidden.context["cl"].result_count == 0


def test_rw_search_by_number_text_does_not_fail(client, cast, recipient_a):
    client.force_login(cast["admin"])
    assert client.get(changelist("rw"), {"q": "1"}).context["cl"].result_count == 1
    assert client.get(changelist("rw"), {"q": "Gambir"}).context["cl"].result_count == 1
    assert client.get(changelist("rw"), {"q": "satu"}).status_code == 200


# --- Query counts -----------------------------------------------------------------------------


def make_rows(model: str, start: int, stop: int, areas, packages) -> None:
    """Rows start..stop-1 of `model` (and what they hang on), with related objects that a
    careless list would fetch one by one."""
    kel = areas["kelurahan_a"]
    for i in range(start, stop):
        if model == "area":
            Area.objects.create(
                code=f"31.71.01.{2000 + i}", level=4, name=f"Kel {i}", parent=areas["kecamatan"]
            )
        elif model == "package":
            Package.objects.create(
                code=f"p{i}", name=f"P {i}", unit="box", reference_value=1, basis="person"
            )
        elif model == "casereport":
            CaseReport.objects.create(
                kelurahan=kel,
                report_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
                schema="odp_pdp",
                odp=i,
                source="t",
            )
        else:  # rw, recipient, need: an RW recipient with a need
            rw = RW.objects.create(kelurahan=kel, number=i + 1, households=10, boundary=SQUARE)
            recipient = Recipient.objects.create(kind="rw", name=f"RW {i}", area=kel, rw=rw)
            Need.objects.create(recipient=recipient, package=packages["sembako"], quantity=40)


def count_changelist_queries(client, model: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(changelist(model)).status_code == 200
    return len(queries)


# Each changelist: session, user, the filtered count, the full count and the page (5), plus
# the kota filter's choices (RW, recipient, case report), the package filter's choices (need)
# and the date hierarchy's range and days (case report). Recipients' need totals and
# households come in the page query (annotated and joined), not one query per row.
EXPECTED_QUERIES = {
    "area": 5,
    "rw": 6,
    "recipient": 6,
    "package": 5,
    "need": 6,
    "casereport": 8,
}


@pytest.mark.parametrize("model", MODELS)
def test_changelist_query_count_does_not_grow_with_rows(client, cast, areas, packages, model):
    client.force_login(cast["admin"])
    make_rows(model, 0, 3, areas, packages)
    client.get(changelist(model))  # warms the cache of the portal's demo-data flags
    few = count_changelist_queries(client, model)
    make_rows(model, 3, 30, areas, packages)
    many = count_changelist_queries(client, model)
    assert few == many == EXPECTED_QUERIES[model]


# --- Map editing ------------------------------------------------------------------------------


def recipient_post_data(client, recipient: Recipient, **changes) -> dict:
    """The change form's own initial data, as a browser would post it back."""
    response = client.get(change("recipient", recipient))
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = field.prepare_value(value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None and value is not False:
                    data[inline_form.add_prefix(name)] = value
    data.update(changes)
    return data


def test_admin_saves_location_from_geojson_and_history_names_the_user(client, cast, recipient_b):
    client.force_login(cast["admin"])
    point = {"type": "Point", "coordinates": [106.8123, -6.1701]}
    data = recipient_post_data(client, recipient_b, location=json.dumps(point))
    response = client.post(change("recipient", recipient_b), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    recipient_b.refresh_from_db()
    assert recipient_b.location == point
    latest = recipient_b.history.latest()
    assert latest.history_user == cast["admin"]
    assert latest.location == point
    history_page = client.get(reverse("admin:recipients_recipient_history", args=[recipient_b.pk]))
    assert "admin" in history_page.content.decode()


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "could not be read as JSON"),
        ('{"type": "Polygon", "coordinates": []}', "Expected a geometry of type Point"),
        ('{"type": "Point", "coordinates": [206.8, -6.1]}', "out of range"),
        ('{"type": "Point", "coordinates": ["a", "b"]}', "must be numbers"),
        ("[1, 2]", "Enter a GeoJSON geometry object"),
    ],
)
def test_invalid_geojson_is_a_field_error_not_a_500(
    client, cast, settings, recipient_b, text, message
):
    client.force_login(cast["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = recipient_post_data(client, recipient_b, location=text)
    response = client.post(change("recipient", recipient_b), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["location"]
    assert message in errors["location"][0]
    recipient_b.refresh_from_db()
    assert recipient_b.location["coordinates"] == [106.805, -6.165]


def test_rw_boundary_edit_refreshes_the_web_copy(client, cast, recipient_a):
    rw = recipient_a.rw
    client.force_login(cast["admin"])
    data = {
        "kelurahan": rw.kelurahan_id,
        "number": rw.number,
        "boundary": json.dumps(SQUARE),
        "boundary_provenance": "official",
        "households": 120,
        "households_provenance": "",
        "ketua_name": rw.ketua_name,
        "ketua_provenance": "",
        "source_ref": "",
    }
    response = client.post(change("rw", rw), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rw.refresh_from_db()
    assert rw.boundary["type"] == "Polygon"
    assert rw.boundary_web["type"] == "Polygon"


def test_area_boundary_is_shown_read_only(client, cast, areas):
    area = areas["kelurahan_a"]
    before = area.boundary
    client.force_login(cast["admin"])
    form = client.get(change("area", area)).context["adminform"].form
    assert form.fields["boundary"].disabled
    data = {
        "code": area.code,
        "level": area.level,
        "name": area.name,
        "parent": area.parent_id,
        "boundary": json.dumps(SQUARE),
        "provenance": "official",
    }
    assert client.post(change("area", area), data).status_code == 302
    area.refresh_from_db()
    assert area.boundary == before


def test_change_form_loads_no_script_or_stylesheet_from_another_site(client, cast, recipient_a):
    client.force_login(cast["admin"])
    html = client.get(change("recipient", recipient_a)).content.decode()
    urls = re.findall(r"<script[^>]+src=\"([^\"]+)\"", html)
    urls += re.findall(r"<link[^>]+href=\"([^\"]+)\"", html)
    assert any("leaflet/leaflet.js" in url for url in urls)
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls


def test_staff_with_view_permission_can_read_but_not_change(client, staff, recipient_a):
    staff.user_permissions.add(Permission.objects.get(codename="view_recipient"))
    client.force_login(staff)
    assert client.get(changelist("recipient")).status_code == 200
    response = client.post(change("recipient", recipient_a), {"name": "Changed"})
    assert response.status_code == 403


# --- The GeoJSON form field on its own -----------------------------------------------------


def test_field_closes_an_open_ring_and_drops_heights():
    field = GeoJSONGeometryField(geom_types=AREA_TYPES)
    ring = [[106.8, -6.2, 5], [106.81, -6.2], [106.81, -6.19], [106.8, -6.19]]
    cleaned = field.clean(json.dumps({"type": "Polygon", "coordinates": [ring]}))
    assert cleaned is not None
    assert cleaned["coordinates"][0][0] == cleaned["coordinates"][0][-1] == [106.8, -6.2]


@pytest.mark.parametrize(
    "geometry, code",
    [
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "invalid_polygon",
        ),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}, "invalid_ring"),
        ({"type": "MultiPolygon", "coordinates": []}, "invalid_polygon"),
        ({"type": "Point", "coordinates": [1, 2]}, "invalid_type"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [0, 95], [1, 1], [0, 0]]]}, "out_of_range"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [True, 1], [1, 1], [0, 0]]]},
            "invalid_position",
        ),
    ],
)
def test_field_refuses_bad_area_geometry_with_a_code(geometry, code):
    field = GeoJSONGeometryField(geom_types=AREA_TYPES)
    with pytest.raises(ValidationError) as raised:
        field.clean(json.dumps(geometry))
    assert raised.value.code == code


def test_empty_optional_field_is_none_and_unchanged_geometry_is_not_a_change():
    field = GeoJSONGeometryField(geom_types=(POINT,), required=False)
    point = {"type": "Point", "coordinates": [106.8, -6.2]}
    assert field.clean("") is None
    assert not field.has_changed(point, json.dumps(point))
    assert field.has_changed(point, "{broken")


def test_widget_renders_the_geometry_as_geojson_text():
    field = GeoJSONGeometryField(geom_types=(POINT,))
    html = field.widget.render("location", {"type": "Point", "coordinates": [106.8, -6.2]})
    assert "[106.8, -6.2]" in html
    assert "leaflet" in html.lower()


def test_admin_can_delete_recipients_with_the_list_action(client, cast, recipient_a, recipient_b):
    client.force_login(cast["admin"])
    data = {"action": "delete_selected", "_selected_action": [recipient_b.pk], "post": "yes"}
    response = client.post(changelist("recipient"), data)
    assert response.status_code == 302
    assert list(Recipient.objects.all()) == [recipient_a]
    assert recipient_b.history.latest().history_type == "-"
