"""A priority RW's page shows the latest case figures of its RW, with date and provenance."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from recipients.models import CaseReport

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def page(client, recipient) -> str:
    return client.get(
        reverse("recipients:detail", args=[recipient.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()


def test_the_rw_page_shows_its_latest_estimate_marked_as_such(client, settings, recipient_a):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for day, positif in ((datetime.date(2020, 5, 31), 4), (datetime.date(2020, 6, 30), 6)):
        CaseReport.objects.create(
            rw=recipient_a.rw,
            report_date=day,
            schema="odp_pdp",
            odp=9,
            positif=positif,
            source="x",
            provenance="estimated",
        )
    body = page(client, recipient_a)
    section = body.split('id="rw-cases"')[1].split("</dd>")[0]
    assert "positif 6" in section and "ODP 9" in section
    assert "Data as of 2020-06-30" in section
    assert "estimate" in section and "shared among its RWs by households" in section


def test_a_counted_figure_is_labelled_official(client, settings, recipient_a):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    CaseReport.objects.create(
        rw=recipient_a.rw,
        report_date=datetime.date(2020, 7, 31),
        schema="suspek",
        suspek=3,
        positif=1,
        source="Dinkes",
    )
    section = page(client, recipient_a).split('id="rw-cases"')[1].split("</dd>")[0]
    assert "konfirmasi 1" in section and "official" in section and "households" not in section


def test_a_page_without_rw_figures_shows_no_case_section(client, recipient_a, recipient_b):
    assert 'id="rw-cases"' not in page(client, recipient_a)
    assert 'id="rw-cases"' not in page(client, recipient_b)
