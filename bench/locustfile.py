"""Launch-day visitors of the portal for locust; bench/load_test.py runs it and reads its results.

Map visitors open the map page and what it preloads (layers, status, cases); browsers read the
recipient list and recipient pages; donors open a recipient (mostly one of the popular RWs),
fill in its pledge form and, once told "accepted" (a redirect to their private link), open the
private page and download the letter; a refused pledge (the need was covered meanwhile)
follows the form's first suggestion nearby. API pollers read status.json (conditionally), the
commitments JSON and the recipients CSV. `Trivial` is the baseline: the trivial view only.

Each simulated visitor has an address of its own in 198.18.0.0/15 (sent as X-Forwarded-For; a
donor takes a new one and new cookies per pledge), so per-client rate limits count as in
production. Environment: LOAD_RESULTS (JSON file written at the end: every request, the
accepted pledges' tokens, the steady window), LOAD_POPULAR and LOAD_RECIPIENTS (recipient ids),
LOAD_THINK ("5,11": seconds a visitor reads a page), LOAD_FLAT=1 (no think time).
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from datetime import date, timedelta
from http.cookiejar import DefaultCookiePolicy
from typing import Any

# Both live in .venv/bench-load (bench/requirements-load.txt), not in the portal's venv.
import gevent
from locust import FastHttpUser, between, constant, events, task

POPULAR = [int(pk) for pk in os.environ.get("LOAD_POPULAR", "").split(",") if pk]
RECIPIENTS = [int(pk) for pk in os.environ.get("LOAD_RECIPIENTS", "").split(",") if pk]
# A donor picks a popular RW this often, else any recipient.
POPULAR_SHARE = 0.7
# Seconds a visitor reads a page before the next one ("min,max"), none with LOAD_FLAT.
SHORTEST, LONGEST = (float(s) for s in os.environ.get("LOAD_THINK", "5,11").split(","))
THINK = constant(0) if os.environ.get("LOAD_FLAT") else between(SHORTEST, LONGEST)

PRELOAD = re.compile(r'<link rel="preload"[^>]*href="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUANTITY = re.compile(r'name="(qty_[\w-]+)"')
QUANTITY_REFUSED = re.compile(r'name="qty_[\w-]+"[^>]*is-invalid')
SUGGESTION = re.compile(r'href="(/penerima/\d+/beri-bantuan/)"')
PRIVATE_LINK = re.compile(r"^(?:https?://[^/]+)?/k/([\w-]+)/$")
KINDS = ["rw", "panti_asuhan", "panti_jompo", "pesantren"]
SORTS = ["", "?sort=served", "?sort=remaining", "?sort=name", "?sort=area"]

# (finished at, name, ms, HTTP status, error or None) of every request; written at the end.
REQUESTS: list[tuple[float, str, float, int, str | None]] = []
ACCEPTED: list[str] = []  # private-link tokens of the pledges told "accepted"
OUTCOMES: dict[str, int] = {"accepted": 0, "covered": 0, "covered, then accepted nearby": 0}
WINDOW: dict[str, float] = {}


@events.request.add_listener
def _record(name: str, response_time: float, response: Any, exception: Any, **_kw: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    error = f"{type(exception).__name__}: {exception}"[:300] if exception else None
    REQUESTS.append((time.time(), name, response_time, status, error))


@events.test_start.add_listener
def _started(**_kw: Any) -> None:
    WINDOW["start"] = time.time()


@events.spawning_complete.add_listener
def _spawned(**_kw: Any) -> None:
    WINDOW.setdefault("steady", time.time())


@events.test_stopping.add_listener
def _stopping(**_kw: Any) -> None:
    WINDOW.setdefault("stopping", time.time())


@events.quitting.add_listener
def _write(**_kw: Any) -> None:
    path = os.environ.get("LOAD_RESULTS")
    if path:
        results = {"window": WINDOW, "requests": REQUESTS, "accepted": ACCEPTED}
        results["outcomes"] = OUTCOMES
        with open(path, "w") as out:
            json.dump(results, out)


class TlsEndsBeforeNginx(DefaultCookiePolicy):
    """nginx tells the portal that requests came over HTTPS, so its cookies are Secure: send
    them back over this loopback HTTP too (geventhttpclient's requests say "http")."""

    def return_ok_secure(self, cookie: Any, request: Any) -> bool:
        return True


class Visitor(FastHttpUser):
    abstract = True
    wait_time = THINK

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(TlsEndsBeforeNginx())
        self.new_identity()

    def new_identity(self) -> None:
        self.client.cookiejar.clear()
        self.address = (
            f"198.{random.randint(18, 19)}.{random.randrange(256)}.{random.randint(1, 254)}"
        )

    def get(self, path: str, name: str, **headers: str) -> Any:
        return self.client.get(
            path, name=name, headers={"X-Forwarded-For": self.address, **headers}
        )


class MapVisitor(Visitor):
    weight = 7

    @task
    def open_map(self) -> None:
        path = "/" if random.random() < 0.75 else f"/?kind={random.choice(KINDS)}"
        page = self.get(path, "page: map")
        # A browser fetches the preloads in parallel.
        fetches = [
            gevent.spawn(self.get, url, preload_name(url))
            for url in PRELOAD.findall(page.text or "")
        ]
        gevent.joinall(fetches)


def preload_name(url: str) -> str:
    path = url.split("?", 1)[0].rsplit("/", 1)[-1]
    return f"layer: {path}" if path.endswith(".geojson") else f"api: {path}"


class Browser(Visitor):
    weight = 6

    @task(2)
    def recipient_list(self) -> None:
        self.get("/penerima/" + random.choice(SORTS), "page: recipient list")

    @task(3)
    def recipient_page(self) -> None:
        self.get(f"/penerima/{random.choice(RECIPIENTS)}/", "page: recipient")


class Donor(Visitor):
    weight = 5

    @task
    def pledge(self) -> None:
        self.new_identity()
        target = random.choice(POPULAR if random.random() < POPULAR_SHARE else RECIPIENTS)
        self.get(f"/penerima/{target}/", "page: recipient")
        self.wait()
        form = f"/penerima/{target}/beri-bantuan/"
        token, refused = self.submit(form, self.get(form, "page: pledge form").text or "")
        if token:
            OUTCOMES["accepted"] += 1
        elif refused:
            OUTCOMES["covered"] += 1
            # Covered meanwhile: the form suggests recipients nearby; take the first.
            nearby = SUGGESTION.findall(refused)[:1]
            for path in nearby:
                token, _page = self.submit(path, self.get(path, "page: pledge form").text or "")
                OUTCOMES["covered, then accepted nearby"] += 1 if token else 0
        if token:
            self.wait()
            self.get(f"/k/{token}/", "page: private link")
            self.get(f"/k/{token}/surat.pdf", "letter (PDF)")

    def submit(self, path: str, form: str) -> tuple[str | None, str]:
        """POST the form with 1-5 packages of its first line: (token, "") when accepted,
        (None, the page) when refused as covered, (None, "") otherwise (a failure)."""
        csrf, line = CSRF.search(form), QUANTITY.search(form)
        if csrf is None or line is None:
            return None, ""
        self.wait()  # filling in the form
        today = date.today()
        data = {
            "csrfmiddlewaretoken": csrf.group(1),
            "collaborator_type": random.choice(["person", "company", "community"]),
            "name": f"Donatur Uji {random.randrange(10**6)}",
            "organisation": "",
            "contact_person": "Andi Wijaya",
            "phone": f"0812{random.randrange(10**8):08d}",
            "email": f"donor{random.randrange(10**9)}@example.com",
            "address": "Jl. Merdeka No. 10",
            "public_as": random.choice(["name", "anonymous"]),
            line.group(1): str(random.randint(1, 5)),
            "delivery_date": (today + timedelta(days=3)).isoformat(),
            "deadline": (today + timedelta(days=10)).isoformat(),
            "delivery_method": "self",
            "partner_name": "",
            "rules_accepted": "on",
            "website": "",
        }
        origin = (self.host or "").replace(
            "http://", "https://", 1
        )  # nginx says the request is HTTPS
        headers = {"X-Forwarded-For": self.address, "Origin": origin, "Referer": origin + path}
        with self.client.post(
            path,
            data=data,
            name="pledge (POST)",
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            accepted = PRIVATE_LINK.match(response.headers.get("Location") or "")
            if response.status_code == 302 and accepted:
                ACCEPTED.append(accepted.group(1))
                return accepted.group(1), ""
            if response.status_code == 200 and QUANTITY_REFUSED.search(response.text or ""):
                return None, response.text or ""
            response.failure(f"pledge not accepted nor refused as covered: {response.status_code}")
            return None, ""


class ApiPoller(Visitor):
    weight = 2
    etag = ""

    @task(3)
    def status(self) -> None:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        response = self.get("/api/v1/status.json", "api: status.json", **headers)
        self.etag = response.headers.get("ETag") or self.etag

    @task(1)
    def commitments(self) -> None:
        self.get("/api/v1/commitments.json", "api: commitments.json")

    @task(1)
    def recipients_csv(self) -> None:
        self.get("/api/v1/recipients.csv", "api: recipients.csv")


class Trivial(Visitor):
    """The baseline: the same visitors and think time, on a view that does nothing."""

    @task
    def trivial(self) -> None:
        self.get("/bench/trivial/", "trivial view")
