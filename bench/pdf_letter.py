"""Pledge letter benchmark: time and peak memory per PDF against a bare WeasyPrint page.

Usage: DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/pdf_letter.py [-n 20]

Time: one process renders the letter and the bare one-line page (plain `HTML(...).write_pdf()`)
alternately, 3 warm-up renders of each, then `runs` timed pairs, wall (perf_counter) and CPU
(process_time) around the render only: both see the same machine load, which on a shared box
moves wall time more than any change here; CPU time is the steadier figure there.

Memory: each sample is a fresh process ("spawn") that sets Django up, renders ONE page (letter
or bare) and reports its peak RSS (ru_maxrss): Python + Django + the letter path's imports +
the render. Two set-ups are measured: "letter path" defers the admin's autodiscovery (Django's
SimpleAdminConfig), as a process that only renders letters would; "full project" runs it, as a
web worker does, importing every admin module (import-export, GIS widgets, shapely, numpy).
The letter is rendered from an unsaved commitment: the database needs only migrations and the
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
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("shapely", "numpy", "openpyxl", "tablib", "django.contrib.gis")


def _setup(full_project: bool = True) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ksbb.settings")
    import django
    from django.conf import settings

    if not full_project:
        settings.INSTALLED_APPS = [
            "django.contrib.admin.apps.SimpleAdminConfig" if app == "django.contrib.admin" else app
            for app in settings.INSTALLED_APPS
        ]
    django.setup()


def _bare() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>KSBB</p>").write_pdf()


def _letter_factory():
    from datetime import date

    from django.utils import timezone

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
        created=timezone.now(),
    )
    lines = [CommitmentLine(package=package, quantity=120)]

    class _Lines:  # stands in for the related manager of an unsaved commitment
        def select_related(self, *args):
            return lines

        def all(self):
            return lines

    # Patched for the rest of this throwaway process; patch.object, as a plain assignment of a
    # property over the related-manager descriptor is (rightly) a type error.
    mock.patch.object(Commitment, "lines", property(lambda self: _Lines())).start()
    return lambda: render_letter(commitment)


def _timed(runs: int, queue) -> None:
    _setup()
    renders = {"bare": _bare, "letter": _letter_factory()}
    for _ in range(3):
        for render in renders.values():
            render()
    times: dict[str, list[float]] = {kind: [] for kind in renders}
    cpu: dict[str, list[float]] = {kind: [] for kind in renders}
    sizes = {}
    for _ in range(runs):
        for kind, render in renders.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            sizes[kind] = len(render())
            times[kind].append((time.perf_counter() - start) * 1000)
            cpu[kind].append((time.process_time() - start_cpu) * 1000)
    queue.put((times, cpu, sizes))


def _peak(kind: str, full_project: bool, queue) -> None:
    _setup(full_project)
    render = _bare if kind == "bare" else _letter_factory()
    render()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((peak_mb, [name for name in HEAVY if name in sys.modules]))


def _in_child(target, *args):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get(timeout=600)
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=20)
    args = parser.parse_args()

    times, cpu, sizes = _in_child(_timed, args.runs)
    median = {kind: statistics.median(values) for kind, values in times.items()}
    median_cpu = {kind: statistics.median(values) for kind, values in cpu.items()}
    for kind, values in times.items():
        p90 = sorted(values)[max(0, int(len(values) * 0.9) - 1)]
        print(
            f"{kind:7} median {median[kind]:6.1f} ms  p90 {p90:6.1f} ms  "
            f"CPU median {median_cpu[kind]:6.1f} ms  {sizes[kind]} bytes"
        )
    ratio = median["letter"] / median["bare"]
    ratio_cpu = median_cpu["letter"] / median_cpu["bare"]
    print(f"letter / bare: {ratio:.2f}x wall, {ratio_cpu:.2f}x CPU (target <= 3x)")

    for full_project, label in ((False, "letter path"), (True, "full project")):
        for kind in ("bare", "letter"):
            samples = [_in_child(_peak, kind, full_project) for _ in range(args.runs)]
            peak = statistics.median(sample[0] for sample in samples)
            heavy = ", ".join(samples[0][1]) or "none"
            print(f"peak RSS, {label:12} {kind:6} {peak:6.1f} MB  heavy modules: {heavy}")
    print("target: letter <= 110 MB peak RSS per PDF")


if __name__ == "__main__":
    main()
