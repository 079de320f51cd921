"""Web worker memory: RSS of gunicorn workers when fresh and after serving every kind of page.

Usage: .venv/bin/python bench/worker_memory.py
Needs PostgreSQL on 127.0.0.1:5432 (PG_URL) and writes a database of its own (BENCH_DB,
default ksbb_bench_memory, dropped at the end). With KSBB_DATA_DIR it loads the real data, else
the demo set. Production settings (DEBUG=0, collectstatic), 2 sync workers
(deploy/gunicorn.conf.py), no nginx: requests carry X-Forwarded-Proto as nginx's would.

Measured in the same run, as the baseline: a gunicorn worker serving a bare WSGI callable
(Python + gunicorn, no Django). Targets (issue 13): a fresh worker <= 100 MB, and <= 150 MB after
the public pages, the open-data API, the admin (change pages with their map widget, the import
page) and 20 pledge letters.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
BENCH_DB = os.environ.get("BENCH_DB", "ksbb_bench_memory")
APP_PORT, BASELINE_PORT = 8793, 8794
LETTERS = 20
ADMIN = ("bench-admin", secrets.token_urlsafe(16))
BARE_APP = """
def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""
# Run once inside the portal's database before gunicorn starts: pledges whose letters the
# workers render, and a superuser for the admin pages.
PREPARE = f'''
from django.contrib.auth import get_user_model
from commitments.testing import make_commitment
from recipients.models import Need
User = get_user_model()
User.objects.create_superuser("{ADMIN[0]}", "bench@example.org", "{ADMIN[1]}")
tokens = []
for need in Need.objects.unmet().select_related("recipient", "package")[:{LETTERS}]:
    tokens.append(make_commitment(need.recipient, {{need.package: 1}}).token)
print("TOKENS", " ".join(tokens))
'''


def psql(sql: str) -> None:
    subprocess.run(["psql", "-q", f"{PG_URL}/postgres", "-c", sql], check=True)


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout or ""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def start(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(args, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    for _ in range(100):
        time.sleep(0.2)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
        except urllib.error.HTTPError:
            break  # the bare app has no /healthz: it answers, that is enough
        except OSError:
            continue
        break
    time.sleep(2)  # let every worker finish booting
    return server


class Client:
    """Just enough of a browser: cookies (the portal's are Secure, so set by hand), CSRF."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, path: str, data: dict[str, str] | None = None) -> bytes:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"X-Forwarded-Proto": "https", "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if data is not None:
            # The request is HTTPS to Django (X-Forwarded-Proto): CSRF wants an HTTPS referer.
            headers["Referer"] = self.base.replace("http://", "https://", 1) + path
        request = urllib.request.Request(self.base + path, body, headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        content = response.read()
        if response.status >= 400:
            raise RuntimeError(f"{path}: HTTP {response.status}")
        return content

    def log_in(self, user: str, password: str) -> None:
        if "sessionid" in self.cookies:
            return
        page = self.request("/admin/login/").decode()
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if found is None:
            raise RuntimeError("no CSRF token on the admin's login page")
        token = found.group(1)
        self.request(
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": token, "username": user, "password": password},
        )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 302 is an answer, not a step
        return None


def serve_everything(client: Client, tokens: list[str]) -> int:
    """Every kind of page, the admin's included; returns the number of requests."""
    paths = ["/", "/?cases=1", "/penerima/", "/penerima/?sort=name", "/komitmen/", "/api/"]
    paths += ["/komitmen.csv", "/api/v1/commitments.json", "/api/v1/status.json"]
    paths += ["/api/v1/cases.json", "/api/v1/recipients.csv"]
    paths += [f"/api/v1/{layer}.geojson" for layer in ("kelurahan", "rw", "institutions")]
    count = 0
    for path in paths:
        client.request(path)
        count += 1
    home = client.request("/penerima/").decode()
    for pk in sorted(set(re.findall(r'href="/penerima/(\d+)/"', home)))[:5]:
        client.request(f"/penerima/{pk}/")
        client.request(f"/penerima/{pk}/beri-bantuan/")
        count += 2
    for token in tokens:
        client.request(f"/k/{token}/")
        client.request(f"/k/{token}/surat.pdf")
        count += 2
    client.log_in(*ADMIN)
    admin = ["/admin/", "/admin/recipients/recipient/", "/admin/recipients/recipient/import/"]
    admin += ["/admin/recipients/area/", "/admin/recipients/rw/", "/admin/commitments/commitment/"]
    for path in admin:
        client.request(path)
        count += 1
    listing = client.request("/admin/recipients/recipient/").decode()
    for path in sorted(
        set(re.findall(r'href="(/admin/recipients/recipient/\d+/change/)"', listing))
    )[:3]:
        client.request(path)  # a change page with its map widget (django-leaflet, GDAL)
        count += 1
    rws = client.request("/admin/recipients/rw/").decode()
    for path in sorted(set(re.findall(r'href="(/admin/recipients/rw/\d+/change/)"', rws)))[:2]:
        client.request(path)
        count += 1
    return count


def main() -> None:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "TRUSTED_PROXIES": "1",
        "DATABASE_URL": f"{PG_URL}/{BENCH_DB}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/6"),
        "LOG_LEVEL": "WARNING",
        # One client fetches every letter twice: the per-client limit is not what is measured.
        "RATE_LIMIT_LETTERS": "100000",
    }
    with tempfile.TemporaryDirectory() as scratch:
        env |= {"STATIC_ROOT": f"{scratch}/static", "MEDIA_ROOT": f"{scratch}/media"}
        psql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        psql(f'CREATE DATABASE "{BENCH_DB}"')
        try:
            manage(env, "migrate", "--noinput")
            manage(env, "collectstatic", "--noinput")
            manage(env, "load_data")
            tokens = manage(env, "shell", "-c", PREPARE, capture=True).split("TOKENS", 1)[1].split()
            Path(scratch, "bare.py").write_text(BARE_APP)
            baseline = start(
                [
                    GUNICORN,
                    "--chdir",
                    scratch,
                    "--bind",
                    f"127.0.0.1:{BASELINE_PORT}",
                    "--workers",
                    "2",
                    "bare:application",
                ],
                env,
                BASELINE_PORT,
            )
            portal = start(
                [
                    GUNICORN,
                    "--config",
                    "deploy/gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{APP_PORT}",
                    "--workers",
                    "2",
                ],
                env,
                APP_PORT,
            )
            try:
                bare = max(rss_mb(pid) for pid in workers(baseline.pid))
                fresh = [rss_mb(pid) for pid in workers(portal.pid)]
                # The health poll above reached one worker: the other has served nothing.
                client = Client(f"http://127.0.0.1:{APP_PORT}")
                requests = sum(serve_everything(client, tokens) for _ in range(2))
                served = [rss_mb(pid) for pid in workers(portal.pid)]
            finally:
                for server in (baseline, portal):
                    server.terminate()
                    server.wait()
        finally:
            psql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    data = "real data" if os.environ.get("KSBB_DATA_DIR") else "demo data"
    print(f"| measure ({data}, 2 workers) | RSS | x baseline | target |")
    print("|---|---:|---:|---:|")
    print(f"| baseline: gunicorn worker, bare WSGI app | {bare:.0f} MB | 1.0 | |")
    smallest = min(fresh)
    print(f"| fresh portal worker | {smallest:.0f} MB | {smallest / bare:.1f} | <= 100 MB |")
    print(
        f"| after {requests} requests incl. {2 * len(tokens)} letters and the admin (largest) "
        f"| {max(served):.0f} MB | {max(served) / bare:.1f} | <= 150 MB |"
    )
    ok = smallest <= 100 and max(served) <= 150
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
