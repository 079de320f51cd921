"""Pledge letter benchmark: time and peak memory per PDF against a bare WeasyPrint page.

Usage: DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/pdf_letter.py [-n 20]

Each sample runs in a fresh subprocess (multiprocessing "spawn"), so peak RSS (ru_maxrss)
is the true high-water mark of one render, imports included, not a number inflated by the
renders before it. Time is measured inside the child around the render only, after one
warm-up render in the same child (fonts loaded, templates compiled). The letter is rendered
from an unsaved commitment so the benchmark needs only a migrated database with the
package catalogue.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ksbb.settings")
    import django

    django.setup()


def _bare(_: object) -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>KSBB</p>").write_pdf()


def _letter_factory():
    from datetime import date

    from commitments.letter import render_letter
    from commitments.models import Commitment, CommitmentLine
    from recipients.models import Area, Package, Recipient

    province = Area(code="31", level=1, name="DKI Jakarta")
    kota = Area(code="31.71", level=2, name="Jakarta Pusat", parent=province)
    kecamatan = Area(code="31.71.01", level=3, name="Gambir", parent=kota)
    kelurahan = Area(code="31.71.01.1001", level=4, name="Gambir", parent=kecamatan)
    recipient = Recipient(kind="rw", name="RW 01 Gambir", area=kelurahan, pj_name="Budi Santoso")
    package = Package.objects.get(code="sembako")
    commitment = Commitment(
        number="KSBB-2026-000123",
        recipient=recipient,
        collaborator_type="company",
        name="PT Maju Bersama",
        contact_person="Andi Wijaya",
        phone="+6281234567890",
        email="andi@example.com",
        address="Jl. Merdeka No. 10",
        delivery_date=date(2026, 5, 3),
        deadline=date(2026, 5, 10),
        delivery_method="self",
        created=__import__("django.utils.timezone").utils.timezone.now(),
    )
    lines = [CommitmentLine(package=package, quantity=120)]

    class _Lines:  # stands in for the related manager of an unsaved commitment
        def select_related(self, *args):
            return lines

        def all(self):
            return lines

    Commitment.lines = property(lambda self: _Lines())
    return lambda _: render_letter(commitment)


def _sample(kind: str, queue) -> None:
    _setup()
    render = _bare if kind == "bare" else _letter_factory()
    render(None)  # warm-up
    start = time.perf_counter()
    pdf = render(None)
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((elapsed, peak_mb, len(pdf)))


def measure(kind: str, runs: int) -> dict:
    context = multiprocessing.get_context("spawn")
    samples = []
    for _ in range(runs):
        queue = context.Queue()
        process = context.Process(target=_sample, args=(kind, queue))
        process.start()
        samples.append(queue.get(timeout=120))
        process.join()
    times = [s[0] * 1000 for s in samples]
    return {
        "median_ms": statistics.median(times),
        "p90_ms": sorted(times)[int(len(times) * 0.9) - 1],
        "peak_mb": statistics.median(s[1] for s in samples),
        "bytes": samples[0][2],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=20)
    args = parser.parse_args()
    bare = measure("bare", args.runs)
    letter = measure("letter", args.runs)
    ratio = letter["median_ms"] / bare["median_ms"]
    for name, result in (("bare one-line page", bare), ("pledge letter", letter)):
        print(
            f"{name:20} median {result['median_ms']:7.1f} ms  p90 {result['p90_ms']:7.1f} ms  "
            f"peak RSS {result['peak_mb']:6.1f} MB  {result['bytes']} bytes"
        )
    print(
        f"letter / bare: {ratio:.2f}x (target <= 3x); letter peak {letter['peak_mb']:.0f} MB "
        "(target <= 110 MB)"
    )


if __name__ == "__main__":
    main()
