"""Launch-day load test (issue 10): 200 simulated visitors for 60 s against the portal as
production runs it, then the books checked.

Usage: .venv/bin/python bench/load_test.py   (KSBB_DATA_DIR=../shared/data: the real data)

Needs PostgreSQL on 127.0.0.1:5432 (PG_URL; the database BENCH_DB, default ksbb_bench_load, is
created and dropped), Redis (REDIS_URL, default redis://127.0.0.1:6379/7, flushed), nginx and
`make install-dev`. Installs locust (bench/requirements-load.txt) into .venv/bench-load the
first time. Loopback only; every phase stops by itself.

The portal: DEBUG=0, migrate, collectstatic, `load_data` (the demo set, or the real data with
KSBB_DATA_DIR), gunicorn with deploy/gunicorn.conf.py and 2 workers behind nginx
(bench/load_nginx.conf), Redis as the cache, settings bench.map_settings (the portal plus
/bench/trivial/), e-mail to the locmem backend, and `manage.py qcluster` beside them when the
project has it. The three largest priority RWs ("popular") get LOAD_POPULAR_UNITS packages
left on their first need, so the race for the last units happens during the run.

Three locust runs with the same users (bench/locustfile.py): the trivial view at the visitors'
think time (the baseline), the trivial view without think time (the stack's ceiling), then the
launch-day mix. Figures are over the steady window (all users spawned until the stop). Then:
server errors (locust, nginx's access log, gunicorn's log), needs oversold or out of step with
their open commitments, the accepted pledges against the commitments in the database, and
every accepted pledge's letter (HTTP 200 and %PDF-). Prints Markdown tables; exits 1 when a
check fails. LOAD_USERS (200), LOAD_DURATION (60 s), LOAD_BASELINE (25 s), LOAD_SPAWN_RATE
(20/s), LOAD_THINK (5,11: seconds between a visitor's pages), LOAD_POPULAR_UNITS (30),
LOAD_GUNICORN_ARGS (added to gunicorn's command line, for experiments); LOAD_KEEP=1 keeps the
scratch directory with every log (kept anyway when a check fails).
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
LOAD_VENV = ROOT / ".venv" / "bench-load"
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
BENCH_DB = os.environ.get("BENCH_DB", "ksbb_bench_load")
APP_PORT, NGINX_PORT = 8796, 8797
BASE = f"http://127.0.0.1:{NGINX_PORT}"
USERS = int(os.environ.get("LOAD_USERS", "200"))
DURATION = int(os.environ.get("LOAD_DURATION", "60"))
BASELINE = int(os.environ.get("LOAD_BASELINE", "25"))
SPAWN_RATE = int(os.environ.get("LOAD_SPAWN_RATE", "20"))
UNITS = int(os.environ.get("LOAD_POPULAR_UNITS", "30"))
THINK = os.environ.get("LOAD_THINK", "5,11")  # seconds a visitor reads a page: "min,max"
# An experiment on the server, e.g. "--preload" or "--max-requests 0" (default: production's).
GUNICORN_ARGS = os.environ.get("LOAD_GUNICORN_ARGS", "").split()
MIX = ["MapVisitor", "Browser", "Donor", "ApiPoller"]
TICK = os.sysconf("SC_CLK_TCK")

# Run in the portal's database before the servers start: the popular RWs (largest need) get
# UNITS packages left on their first need (the form's first line).
PREPARE = f"""
import json
from django.db.models import F
from recipients.models import Need, Recipient
rws = (
    Recipient.objects.active().filter(kind=Recipient.Kind.PRIORITY_RW, needs__isnull=False)
    .with_need_sums().order_by("-need_total", "pk")[:3]
)
needs = [r.needs.order_by("package__sort_order", "pk").first() for r in rws]
Need.objects.filter(pk__in=[n.pk for n in needs]).update(
    quantity=F("pledged") + F("delivered") + {UNITS}
)
print("PREPARED" + json.dumps({{
    "popular": [r.pk for r in rws],
    "needs": [n.pk for n in needs],
    "recipients": list(Recipient.objects.active().values_list("pk", flat=True)),
}}))
"""
# Run after the load: wait (bounded) for the outbox to be sent when a job worker runs, then
# the books. A need's `pledged` must equal what its open commitments still have undelivered.
CHECK = """
import json, time
from django.db.models import Count, Sum
from commitments.models import Commitment, CommitmentLine
from recipients.models import Need
result = {{}}
try:
    from ksbb.jobs.models import OutboxMail
except ImportError:
    OutboxMail = None
if OutboxMail is not None:
    start = time.monotonic()
    while {drain} and time.monotonic() - start < 60 and OutboxMail.objects.filter(
        status=OutboxMail.Status.PENDING
    ).exists():
        time.sleep(0.5)
    result["outbox_drain_s"] = round(time.monotonic() - start, 1)
    result["outbox"] = dict(OutboxMail.objects.values_list("status").annotate(n=Count("pk")))
lines = CommitmentLine.objects.exclude(commitment__status__in=Commitment.FINAL_STATUSES)
reserved = {{
    (row["commitment__recipient_id"], row["package_id"]): row["q"] - row["d"]
    for row in lines.values("commitment__recipient_id", "package_id").annotate(
        q=Sum("quantity"), d=Sum("delivered")
    )
}}
needs = {{(n.recipient_id, n.package_id): n for n in Need.objects.all()}}
result["oversold"] = [n.pk for n in needs.values() if n.pledged + n.delivered > n.quantity]
result["unbalanced"] = [
    str(key) for key in set(needs) | set(reserved)
    if (needs[key].pledged if key in needs else None) != reserved.get(key, 0)
]
result["popular"] = [
    {{"need": n.pk, "quantity": n.quantity, "pledged": n.pledged, "delivered": n.delivered}}
    for n in needs.values() if n.pk in {popular_needs}
]
result["tokens"] = list(Commitment.objects.values_list("token", flat=True))
print("CHECKED" + json.dumps(result))
"""


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-q", f"{PG_URL}/postgres", "-c", sql],
        check=True,
        env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
    )


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=True
    )
    if result.returncode:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise RuntimeError(f"manage.py {args[0]} failed (exit {result.returncode})")
    return result.stdout


def shell_json(env: dict[str, str], code: str, marker: str) -> dict[str, Any]:
    out = manage(env, "shell", "-c", code)
    return json.loads(out.split(marker, 1)[1])


def ensure_locust() -> Path:
    """The Python of .venv/bench-load, with the pinned locust (installed once, again when the
    pin changes). Run as `python -m locust`: entry-point scripts break when a venv moves."""
    requirements = ROOT / "bench" / "requirements-load.txt"
    pinned = re.search(r"^locust==(\S+)", requirements.read_text(), re.M)
    assert pinned, "bench/requirements-load.txt pins no locust"
    python = LOAD_VENV / "bin" / "python"
    version = "import importlib.metadata as m; print(m.version('locust'))"
    if python.exists():
        found = subprocess.run([python, "-c", version], capture_output=True, text=True).stdout
        if found.strip() == pinned.group(1):
            return python
    print(f"installing locust {pinned.group(1)} into {LOAD_VENV} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", LOAD_VENV], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(requirements)], check=True)
    return python


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # A session of its own: stopping it stops its workers too (gunicorn's, qcluster's).
    with log.open("w") as out:
        return subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    """Stop the process and what it started (its session), even if it exited on its own."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break  # nothing of it is left
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def wait_until_healthy() -> None:
    for _ in range(150):
        try:
            with urllib.request.urlopen(BASE + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the portal did not answer /healthz through nginx in 30 s")


def fetch_letter(token: str) -> bool:
    address = f"198.18.{random.randrange(256)}.{random.randint(1, 254)}"
    request = urllib.request.Request(
        f"{BASE}/k/{token}/surat.pdf", headers={"X-Forwarded-For": address}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status == 200 and response.read(5) == b"%PDF-"
    except OSError:  # HTTPError included
        return False


# --- CPU accounting: clock ticks of process trees, of the machine ------------------------------


def _stat(pid: int) -> list[str]:
    # The command name (field 2) may hold spaces; the fields after it are plain numbers.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def tree_ticks(pid: int) -> int:
    """CPU of a process, of its children that ended (cutime/cstime) and of the living ones."""
    try:
        fields = _stat(pid)
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    own = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return own + sum(tree_ticks(int(child)) for child in children)


def named_ticks(match: Callable[[str], bool], fields: slice = slice(11, 13)) -> int:
    """CPU of the processes whose command line matches (utime, stime by default)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if match((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()):
                total += sum(int(f) for f in _stat(int(entry.name))[fields])
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def machine_ticks() -> dict[str, int]:
    """Ticks of all cores since boot: busy (the kernel's interrupt work too), the hypervisor's
    steal, and everything (guest time is already counted in user time)."""
    user, nice, system, idle, iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return {
        "whole machine": user + nice + system + irq + softirq,
        "kernel: interrupts (loopback network)": irq + softirq,
        "stolen by the hypervisor": steal,
        "total": user + nice + system + idle + iowait + irq + softirq + steal,
    }


def cpu_sample(servers: dict[str, subprocess.Popen]) -> dict[str, int]:
    sample = {name: tree_ticks(p.pid) for name, p in servers.items()}
    sample["PostgreSQL (this database)"] = named_ticks(
        lambda title: title.startswith("postgres: ") and f" {BENCH_DB} " in title
    )
    # Shared with whatever else uses this Redis server.
    sample["Redis server"] = named_ticks(lambda title: title.startswith("redis-server"))
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust, once it has exited
    sample["locust"] = round((usage.ru_utime + usage.ru_stime) * TICK)
    return sample | machine_ticks()


def cores_used(before: dict[str, int], after: dict[str, int]) -> dict[str, float]:
    """Average cores each part used between two samples, and the rest of the machine."""
    cores = os.cpu_count() or 1
    scale = cores / (after["total"] - before["total"])
    used = {name: (after[name] - before[name]) * scale for name in after if name != "total"}
    machine = used.pop("whole machine")
    steal = used.pop("stolen by the hypervisor")
    used["other processes on the machine"] = machine - sum(used.values())
    used["whole machine"] = machine
    used["stolen by the hypervisor"] = steal
    return used


# --- Figures ----------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)] if ordered else float("nan")


def category(name: str) -> str:
    if name.startswith("page:"):
        return "page views"
    if name.startswith("pledge"):
        return "pledges"
    return name.split(":", 1)[0]


def run_locust(
    python: Path,
    tmp: Path,
    servers: dict[str, subprocess.Popen],
    phase: str,
    classes: list[str],
    seconds: int,
    extra: dict[str, str],
) -> dict[str, Any]:
    results = tmp / f"locust-{phase}.json"
    env = {**os.environ, **extra, "LOAD_RESULTS": str(results)}
    args = [str(python), "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py")]
    args += ["--headless"]
    args += ["--users", str(USERS), "--spawn-rate", str(SPAWN_RATE), "--run-time", f"{seconds}s"]
    # Requests still running at the stop may finish (a saturated portal queues them for
    # seconds), so the last pledges get their answer instead of a cut connection.
    args += ["--host", BASE, "--stop-timeout", "60", "--only-summary", "--loglevel", "INFO"]
    before = cpu_sample(servers)
    with (tmp / f"locust-{phase}.log").open("w") as log:
        subprocess.run([*args, *classes], cwd=ROOT, env=env, stdout=log, stderr=log)
    data = json.loads(results.read_text())
    data["cpu"] = cores_used(before, cpu_sample(servers))
    window = data["window"]
    start, end = window.get("steady", window["start"]), window["stopping"]
    steady = [r for r in data["requests"] if start <= r[0] <= end]
    data["seconds"] = end - start
    data["rate"] = len(steady) / data["seconds"]
    data["p95"] = {"all requests": p95([r[2] for r in steady])}
    data["by_name"] = {}
    for name in sorted({r[1] for r in data["requests"]}):
        times = [r[2] for r in steady if r[1] == name]
        median = sorted(times)[len(times) // 2] if times else float("nan")
        data["by_name"][name] = (len(times), median, p95(times), max(times, default=median))
        group = category(name)
        data["p95"][group] = p95([r[2] for r in steady if category(r[1]) == group])
    pledges = [r for r in steady if r[1] == "pledge (POST)"]
    accepted = sum(1 for r in pledges if r[3] == 302)
    data["pledges"] = (len(pledges) / data["seconds"], accepted / data["seconds"])
    data["server_errors"] = [r for r in data["requests"] if r[3] >= 500 or r[3] == 0]
    data["failures"] = Counter(r[4] for r in data["requests"] if r[4])
    return data


def log_findings(tmp: Path) -> dict[str, Any]:
    statuses = Counter(
        line.split(" ", 1)[0] for line in (tmp / "nginx-access.log").read_text().splitlines()
    )
    logs = [tmp / "gunicorn.log", tmp / "qcluster.log"]
    text = "\n".join(log.read_text(errors="replace") for log in logs if log.exists())
    tracebacks = re.findall(r"Traceback \(most recent call last\):.*?\n(?=\S)", text, re.S)
    errors = re.compile(r"\[(ERROR|CRITICAL)\]|ERROR|Internal Server Error| failed")
    return {
        "nginx 5xx": sum(n for status, n in statuses.items() if status.startswith("5")),
        "nginx statuses": dict(statuses),
        "tracebacks": tracebacks,
        "worker timeouts": text.count("WORKER TIMEOUT"),
        # gunicorn recycles a worker after max_requests (deploy/gunicorn.conf.py).
        "worker boots": text.count("Booting worker"),
        "error lines": [line for line in text.splitlines() if errors.search(line)],
    }


def ms(value: float) -> str:
    return f"{value:,.0f} ms"


def report(phases: dict[str, dict], checks: dict[str, Any]) -> bool:
    base, flat, mix = phases["baseline"], phases["ceiling"], phases["mix"]
    think = THINK.replace(",", "-")
    print("\n| measure | trivial view (baseline) | launch-day mix | mix ÷ trivial |")
    print("|---|---:|---:|---:|")
    print(
        f"| users, think time; steady window | {USERS}, {think} s; {base['seconds']:.0f} s | "
        f"{USERS}, {think} s; {mix['seconds']:.0f} s | |"
    )
    print(f"| requests/s | {base['rate']:,.0f} | {mix['rate']:,.0f} | |")
    trivial = base["p95"]["all requests"]
    for group in ("all requests", "page views", "pledges", "letter (PDF)", "api", "layer"):
        if group in mix["p95"]:
            value = mix["p95"][group]
            print(f"| p95, {group} | {ms(trivial)} | {ms(value)} | {value / trivial:.1f} |")
    attempts, accepted = mix["pledges"]
    print(f"| pledges accepted/s (sustained) | | **{accepted:.2f}** ({attempts:.2f} sent) | |")
    print(
        f"| stack ceiling: trivial view, no think time | {flat['rate']:,.0f} req/s, p95 "
        f"{ms(flat['p95']['all requests'])} | {mix['rate'] / flat['rate']:.2f} of its req/s | |"
    )
    errors = sum(len(p["server_errors"]) for p in phases.values())
    print(f"| server errors (5xx, connection) seen by locust, all phases | | **{errors}** | |")

    print("\n| check | result |\n|---|---|")
    ok = errors == 0
    rows = [
        ("nginx access log: 5xx", checks["logs"]["nginx 5xx"], 0),
        ("gunicorn log: tracebacks", len(checks["logs"]["tracebacks"]), 0),
        ("gunicorn log: worker timeouts", checks["logs"]["worker timeouts"], 0),
        ("needs oversold (pledged + delivered > quantity)", len(checks["db"]["oversold"]), 0),
        ("needs whose pledged ≠ their open commitments", len(checks["db"]["unbalanced"]), 0),
        ("told accepted, not in the database", checks["missing"], 0),
        ("in the database, never told accepted", checks["untold"], 0),
        ("accepted pledges whose letter is not a PDF", checks["bad letters"], 0),
        ("error lines in gunicorn's and qcluster's logs", len(checks["logs"]["error lines"]), 0),
    ]
    ok = ok and mix["pledges"][1] > 0  # a run where nothing was accepted proves nothing
    for label, value, expected in rows:
        ok = ok and value == expected
        print(f"| {label} | {value} |")
    print(f"| accepted pledges, letters downloaded as PDF | {checks['letters']} |")
    print(f"| letter files stored (one per pledge expected) | {checks['letter files']} |")
    print(
        f"| gunicorn workers booted (2 at start; max_requests) | {checks['logs']['worker boots']} |"
    )
    for need in checks["db"]["popular"]:
        print(
            f"| popular need {need['need']}: {UNITS} units offered | {need['pledged']} pledged, "
            f"{need['quantity'] - need['pledged'] - need['delivered']} left |"
        )
    print(f"| donors' outcomes (mix) | {mix['outcomes']} |")
    if "outbox" in checks["db"]:
        print(f"| outbox after {checks['db']['outbox_drain_s']} s | {checks['db']['outbox']} |")
    other = {k: v for k, v in checks["logs"]["nginx statuses"].items() if k[0] in "45"}
    print(f"| nginx 4xx/5xx statuses, all phases | {other or 'none'} |")

    print("\n| request (mix, steady window) | count | median | p95 | max |")
    print("|---|---:|---:|---:|---:|")
    for name, (count, median, value, worst) in mix["by_name"].items():
        print(f"| {name} | {count} | {ms(median)} | {ms(value)} | {ms(worst)} |")
    print("\n| CPU, cores on average | trivial, think time | trivial, none | mix |")
    print("|---|---:|---:|---:|")
    for name in mix["cpu"]:
        values = " | ".join(f"{phases[p]['cpu'][name]:.2f}" for p in ("baseline", "ceiling", "mix"))
        print(f"| {name} | {values} |")
    for phase, data in phases.items():
        for error, count in data["failures"].most_common(5):
            print(f"locust failure ({phase}) x{count}: {error}")
    for line in checks["logs"]["error lines"][:10]:
        print("gunicorn:", line[:300])
    for traceback in checks["logs"]["tracebacks"][:3]:
        print(traceback)
    return ok


def main() -> None:
    started = time.monotonic()
    python = ensure_locust()
    for port in (APP_PORT, NGINX_PORT):
        if not port_is_free(port):
            sys.exit(f"port {port} is in use: another load test running?")
    keep = bool(os.environ.get("LOAD_KEEP"))
    tmp = Path(tempfile.mkdtemp(prefix="ksbb_load_"))
    tmp.chmod(0o755)  # nginx's workers (another user) read the published layers
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.map_settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_ROOT": f"https://127.0.0.1:{NGINX_PORT}",
        "TRUSTED_PROXIES": "2",
        "DATABASE_URL": f"{PG_URL}/{BENCH_DB}",
        "REDIS_URL": redis_url,
        "STATIC_ROOT": str(tmp / "staticfiles"),
        "MEDIA_ROOT": str(tmp / "media"),
        "PUBLISH_ROOT": str(tmp / "media" / "open-data"),
        "PRIVATE_MEDIA_ROOT": str(tmp / "private-media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    servers: dict[str, subprocess.Popen] = {}
    subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], check=True, capture_output=True)
    psql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    psql(f'CREATE DATABASE "{BENCH_DB}"')
    ok = False
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "load_data")
        prepared = shell_json(env, PREPARE, "PREPARED")
        # The need figures are cached per data version: start from an empty cache.
        subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], check=True, capture_output=True)
        set_up = time.monotonic() - started
        nginx_conf = tmp / "nginx.conf"
        nginx_conf.write_text(
            (ROOT / "bench" / "load_nginx.conf")
            .read_text()
            .format(tmp=tmp, app_port=APP_PORT, nginx_port=NGINX_PORT)
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        servers["gunicorn (2 workers)"] = start(
            [GUNICORN, "--config", "deploy/gunicorn.conf.py"]
            + ["--bind", f"127.0.0.1:{APP_PORT}", "--workers", "2", *GUNICORN_ARGS],
            env,
            tmp / "gunicorn.log",
        )
        servers["nginx"] = start(
            [nginx, "-e", str(tmp / "nginx-error.log"), "-c", str(nginx_conf), "-g", "daemon off;"],
            env,
            tmp / "nginx.log",
        )
        has_jobs = subprocess.run(
            [PY, "manage.py", "help", "qcluster"], cwd=ROOT, env=env, capture_output=True
        )
        if has_jobs.returncode == 0:
            servers["qcluster (jobs)"] = start(
                [PY, "manage.py", "qcluster"], env, tmp / "qcluster.log"
            )
        wait_until_healthy()
        extra = {
            "LOAD_POPULAR": ",".join(map(str, prepared["popular"])),
            "LOAD_RECIPIENTS": ",".join(map(str, prepared["recipients"])),
            "LOAD_THINK": THINK,
        }
        phases = {
            "baseline": run_locust(python, tmp, servers, "baseline", ["Trivial"], BASELINE, extra),
            "ceiling": run_locust(
                python, tmp, servers, "ceiling", ["Trivial"], BASELINE, {**extra, "LOAD_FLAT": "1"}
            ),
            "mix": run_locust(python, tmp, servers, "mix", MIX, DURATION, extra),
        }
        run_end = time.monotonic()

        qcluster = "qcluster (jobs)" in servers
        db = shell_json(
            env,
            CHECK.format(drain=qcluster, popular_needs=prepared["needs"]),
            "CHECKED",
        )
        accepted = set(phases["mix"]["accepted"])
        letters = [fetch_letter(token) for token in sorted(accepted)]
        checks = {
            "db": db,
            "logs": log_findings(tmp),
            "missing": len(accepted - set(db["tokens"])),
            "untold": len(set(db["tokens"]) - accepted),
            "letters": f"{sum(letters)} of {len(letters)}",
            "bad letters": len(letters) - sum(letters),
            # More files than pledges: a letter rendered twice at once (request and job worker).
            "letter files": len(list((tmp / "media" / "letters").rglob("*.pdf"))),
        }
        ok = report(phases, checks)
        data = "real data" if os.environ.get("KSBB_DATA_DIR") else "demo data"
        print(
            f"\n{data}; set-up {set_up:.0f} s, load phases {run_end - started - set_up:.0f} s, "
            f"checks {time.monotonic() - run_end:.0f} s; total {time.monotonic() - started:.0f} s;"
            f" job worker: {'qcluster' if qcluster else 'none (mail sent in the request)'}"
        )
        print("all checks passed" if ok else "CHECKS FAILED (see above)")
    finally:
        for process in reversed(list(servers.values())):
            stop(process)
        psql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        subprocess.run(["redis-cli", "-u", redis_url, "flushdb"], capture_output=True)
        if keep or not ok:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
