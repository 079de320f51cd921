"""Map and API benchmark: gunicorn (2 sync workers) behind nginx, wrk on loopback.

Usage: DATABASE_URL=... REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/map_bench.py
Needs a loaded database (import_jakarta or load_data). Prints sizes and requests/s as ratios.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PORT, NGINX_PORT = 8790, 8791
DURATION = os.environ.get("BENCH_DURATION", "5s")


def wrk(url: str, *headers: str) -> float:
    args = ["wrk", "-t2", "-c16", f"-d{DURATION}", "-H", "Accept-Encoding: gzip"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def fetch(path: str, **headers: str) -> tuple[bytes, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{NGINX_PORT}{path}", headers=headers)
    with urllib.request.urlopen(request) as response:
        return response.read(), dict(response.headers)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="ksbb_mapbench_"))
    (tmp / "static").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.map_settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
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
        tags = dict(re.findall(r"/api/v1/(\w+)\.geojson\?v=(\w+)", home.decode()))
        print("| measure | value |\n|---|---|")
        trivial = wrk(base + "/bench/trivial/")
        print(f"| trivial Django view | {trivial:.0f} req/s |")
        for name in ("kelurahan", "rw", "institutions"):
            path = f"/api/v1/{name}.geojson?v={tags[name]}"
            body, headers = fetch(path, **{"Accept-Encoding": "gzip"})
            (tmp / "static" / f"{name}.geojson.gz").write_bytes(body)
            (tmp / "static" / f"{name}.geojson").write_bytes(gzip.decompress(body))
            api = wrk(base + path)
            static = wrk(f"{base}/static-gz/{name}.geojson")
            print(f"| {name}.geojson gzip size | {len(body) / 1024:.0f} KB |")
            print(
                f"| {name}.geojson vs nginx static gzip | {api:.0f} / {static:.0f} req/s = "
                f"{api / static:.2f}x |"
            )
        status = wrk(base + "/api/v1/status.json")
        print(f"| status.json vs trivial | {status:.0f} req/s = {status / trivial:.2f}x |")
        _b, headers = fetch("/api/v1/status.json")
        not_modified = wrk(base + "/api/v1/status.json", f"If-None-Match: {headers['ETag']}")
        print(
            f"| 304 on status.json vs trivial | {not_modified:.0f} req/s = "
            f"{not_modified / trivial:.2f}x |"
        )
        for label, path in (("home page", "/"), ("list page", "/penerima/")):
            rate = wrk(base + path)
            print(f"| {label} vs trivial | {rate:.0f} req/s = {rate / trivial:.3f}x |")
    finally:
        nginx.terminate()
        app.terminate()
        nginx.wait()
        app.wait()


if __name__ == "__main__":
    sys.exit(main())
