"""ksbb/lib/spreadsheet.py: cells that a spreadsheet program would run are written inert."""

from __future__ import annotations

import csv
import io

import pytest

from ksbb.lib import spreadsheet

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd", "=1+1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_text_that_starts_like_a_formula_gets_an_apostrophe(value):
    assert spreadsheet.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Toko Sinar", "Hamba Allah", "a=b", "1-2", "", "'quoted"])
def test_ordinary_text_is_left_as_it_is(value):
    assert spreadsheet.neutralise(value) == value


@pytest.mark.parametrize("value", [-2, 3.5, 0, True])
def test_numbers_stay_numbers(value):
    assert spreadsheet.neutralise(value) == value


def test_none_is_an_empty_cell():
    assert spreadsheet.neutralise(None) == ""


@pytest.mark.parametrize("value", [*FORMULAS, "Toko Sinar", "'quoted", "", 7])
def test_restore_undoes_neutralise(value):
    assert spreadsheet.restore(spreadsheet.neutralise(value)) == value


def test_writer_starts_with_a_bom_and_neutralises_every_cell():
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerow(["name", "quantity"])
    writer.writerows([["=1+1", 5], ["Toko Sinar", None]])
    text = out.getvalue()
    assert text.startswith(spreadsheet.BOM)
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["name", "quantity"],
        ["'=1+1", "5"],
        ["Toko Sinar", ""],
    ]


def test_writer_without_bom():
    out = io.StringIO()
    spreadsheet.writer(out, bom=False).writerow(["-2"])
    assert out.getvalue() == "'-2\r\n"


def test_csv_bytes_is_a_whole_utf8_file():
    data = spreadsheet.csv_bytes(["nama"], [["@SUM(A1)"], ["Kelurahan Gambir"]])
    assert data.startswith(spreadsheet.BOM.encode())
    assert data.decode("utf-8-sig").splitlines() == ["nama", "'@SUM(A1)", "Kelurahan Gambir"]
