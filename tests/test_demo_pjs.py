"""`create_demo_pjs`: demo PJ accounts for two demo priority RWs and a demo panti, passwords
printed only when set."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from recipients.models import RW, PersonInCharge, Provenance, Recipient

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(areas):
    kel = areas["kelurahan_a"]
    made = []
    for n in (1, 2, 3):
        rw = RW.objects.create(kelurahan=kel, number=n)
        made.append(
            Recipient.objects.create(
                kind=Recipient.Kind.PRIORITY_RW,
                name=f"RW {n}",
                area=kel,
                rw=rw,
                provenance=Provenance.DEMO,
                source_key=f"rw:demo:{n}",
            )
        )
    made.append(
        Recipient.objects.create(
            kind=Recipient.Kind.PANTI_JOMPO,
            name="Panti Demo",
            area=kel,
            provenance=Provenance.DEMO,
            source_key="panti:demo:1",
        )
    )
    Recipient.objects.create(kind=Recipient.Kind.PANTI_ASUHAN, name="Real Panti", area=kel)
    return made


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_demo_pjs", *args, stdout=out)
    return out.getvalue()


def passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"(pj-demo-\d) / (\S+)", output))


def test_three_demo_pjs_are_linked_and_their_passwords_printed_once(demo):
    first = passwords(run())
    assert sorted(first) == ["pj-demo-1", "pj-demo-2", "pj-demo-3"]
    User = get_user_model()
    for username, password in first.items():
        assert User.objects.get(username=username).check_password(password)
    linked = {link.recipient.name for link in PersonInCharge.objects.current()}
    assert linked == {"RW 1", "RW 2", "Panti Demo"}

    second = run()
    assert passwords(second) == {}
    assert "already exist" in second
    assert PersonInCharge.objects.count() == 3


def test_reset_password_prints_new_ones(demo):
    first = passwords(run())
    again = passwords(run("--reset-password"))
    assert sorted(again) == sorted(first)
    assert all(again[name] != first[name] for name in first)


def test_without_demo_recipients_nothing_is_created(db):
    assert "No demo recipients" in run()
    assert not get_user_model().objects.exists()
