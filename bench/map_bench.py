"""Map and API benchmark: gunicorn (2 sync workers) behind nginx, wrk on loopback, and the
time from navigation to all layers drawn in headless Chromium against a bare-Leaflet page.

Usage: DATABASE_URL=... REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/map_bench.py
Needs a loaded database (load_data). Prints a Markdown table: sizes, requests/s and ratios.
BENCH_DURATION (wrk, default 5s) and BENCH_DRAW_RUNS (default 7) tune it; BENCH_DRAW_ONLY=1
measures only the draw times.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PORT, NGINX_PORT = 8790, 8791
DURATION = os.environ.get("BENCH_DURATION", "5s")
DRAW_RUNS = int(os.environ.get("BENCH_DRAW_RUNS", "7"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CHROMIUM_ARGS += ["--disable-component-update", "--disable-sync", "--no-first-run"]


def wrk(url: str, *headers: str) -> float:
    args = ["wrk", "-t2", "-c16", f"-d{DURATION}", "-H", "Accept-Encoding: gzip"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match is None:
        raise RuntimeError(f"wrk printed no Requests/sec line:\n{out}")
    return float(match.group(1))


def fetch(path: str, **headers: str) -> tuple[bytes, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{NGINX_PORT}{path}", headers=headers)
    with urllib.request.urlopen(request) as response:
        return response.read(), dict(response.headers)


def draw_times(base: str, urls: dict[str, str]) -> dict[str, float]:
    """Median ms from navigation to all layers drawn: the map page (default layers, then with
    the case layer on too) and the bare-Leaflet page; each run in a fresh browser context."""
    from playwright.sync_api import sync_playwright

    pages = {
        "map page": (base + "/", "window.ksbbMapReady"),
        "map page, case layer on": (base + "/?cases=1", "window.ksbbMapReady"),
        "bare Leaflet": (
            base + "/baseline/index.html#" + urllib.parse.quote(json.dumps(urls)),
            "window.baselineReady",
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in pages}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _run in range(DRAW_RUNS):
            for name, (url, ready) in pages.items():  # interleaved: load drifts hit all alike
                context = browser.new_context()
                page = context.new_page()
                page.set_default_timeout(30_000)
                page.goto(url)
                drawn = page.evaluate(
                    f"Promise.race([{ready}, new Promise((_r, fail) => "
                    f"setTimeout(() => fail('not drawn in 30 s'), 30000))])"
                )
                times[name].append(float(drawn))
                context.close()
        browser.close()
    return {name: statistics.median(values) for name, values in times.items()}


def print_draw_times(base: str, urls: dict[str, str]) -> None:
    draws = draw_times(base, urls)
    bare = draws["bare Leaflet"]
    for name, ms in draws.items():
        print(
            f"| navigation to all layers drawn, {name} (median of {DRAW_RUNS}) | {ms:.0f} ms"
            f" = {ms / bare:.2f}x bare Leaflet | <= 1000 ms |"
        )


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="ksbb_mapbench_"))
    tmp.chmod(0o755)  # nginx workers run as another user
    (tmp / "static").mkdir()
    (tmp / "baseline").mkdir()
    (tmp / "baseline/index.html").write_text((ROOT / "bench/map_baseline.html").read_text())
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.map_settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "staticfiles"),
    }
    manage = [str(ROOT / ".venv/bin/python"), str(ROOT / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    # What a deployment runs after each import; the map page would also publish lazily.
    subprocess.run([*manage, "publish_geometry"], env=env, check=True)
    app = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{APP_PORT}",
            "--chdir",
            str(ROOT),
            "ksbb.wsgi:application",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    conf = (
        (ROOT / "bench/map_nginx.conf")
        .read_text()
        .format(tmp=tmp, app_port=APP_PORT, nginx_port=NGINX_PORT)
    )
    (tmp / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen(["nginx", "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"])
    try:
        time.sleep(4)
        base = f"http://127.0.0.1:{NGINX_PORT}"
        home, _h = fetch("/")
        config = json.loads(
            home.decode().split('id="map-config" type="application/json">')[1].split("</script>")[0]
        )
        urls = config["api"]
        print("| measure | value | target |\n|---|---|---|")
        if os.environ.get("BENCH_DRAW_ONLY"):
            return print_draw_times(base, urls)
        trivial = wrk(base + "/bench/trivial/")
        print(f"| trivial Django view | {trivial:.0f} req/s | |")
        for name in ("kelurahan", "rw", "institutions"):
            path = urls[name]
            body, headers = fetch(path, **{"Accept-Encoding": "gzip"})
            assert headers.get("Content-Encoding") == "gzip", headers
            assert "immutable" in headers.get("Cache-Control", ""), headers
            (tmp / "static" / f"{name}.geojson.gz").write_bytes(body)
            (tmp / "static" / f"{name}.geojson").write_bytes(gzip.decompress(body))
            api = wrk(base + path)
            static = wrk(f"{base}/static-gz/{name}.geojson")
            raw = len(gzip.decompress(body)) / 1024
            print(f"| {name}.geojson size | {len(body) / 1024:.0f} KB gzip ({raw:.0f} KB raw) | |")
            print(
                f"| {name}.geojson (hashed URL) vs nginx static gzip | {api:.0f} / {static:.0f}"
                f" req/s = {api / static:.2f}x | >= 0.5x |"
            )
        status = wrk(base + urls["status"])
        print(
            f"| status.json vs trivial | {status:.0f} req/s = {status / trivial:.2f}x | >= 0.5x |"
        )
        _b, headers = fetch(urls["status"])
        not_modified = wrk(base + urls["status"], f"If-None-Match: {headers['ETag']}")
        print(
            f"| 304 on status.json vs trivial | {not_modified:.0f} req/s = "
            f"{not_modified / trivial:.2f}x | >= 0.25x |"
        )
        for label, path in (("home page", "/"), ("list page", "/penerima/")):
            rate = wrk(base + path)
            print(f"| {label} vs trivial | {rate:.0f} req/s = {rate / trivial:.3f}x | >= 0.05x |")
        print_draw_times(base, urls)
    finally:
        nginx.terminate()
        app.terminate()
        nginx.wait()
        app.wait()


if __name__ == "__main__":
    main()
