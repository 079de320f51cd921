"""Two job workers (`manage.py qcluster`) started together on one database: every periodic job
runs once, no reminder is queued twice and no mail is sent twice.

The workers are real processes against the PostgreSQL test database, as on two machines of a
deployment (CI also runs this through PgBouncer). SQLite is one machine's database: skipped.
They send with the file-based mail backend, one file per connection, so each message sent is
counted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from email import message_from_string
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule, Task

from commitments.models import ReminderSent
from commitments.testing import make_commitment
from ksbb.jobs.models import OutboxMail
from ksbb.jobs.outbox import queue
from ksbb.jobs.schedules import PREFIX

ROOT = Path(settings.BASE_DIR)
EXTRA_MAILS = 30


def database_url() -> str:
    """The test database, for the workers."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def start_worker(mail_dir: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "JOB_WORKERS": "2",
        "KSBB_DATA_DIR": "",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(workers: list[subprocess.Popen]) -> None:
    """SIGTERM, then SIGKILL to what is left after 5 s (each worker is a process group)."""
    for worker in workers:
        os.killpg(worker.pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    for worker in workers:
        try:
            worker.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def sent_messages(mail_dir: Path) -> list[str]:
    """The Message-ID of every message the workers sent."""
    ids = []
    for path in mail_dir.iterdir():
        # One file per connection; messages are separated by a line of 79 dashes.
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                ids.append(message_from_string(chunk.strip())["Message-ID"])
    return ids


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="two workers on two machines share a PostgreSQL database (SQLite: one machine)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_run_each_job_once(recipient_a, packages, cast, outbox_waits, tmp_path):
    # Due tomorrow: the reminder job has work. Its submission mails are queued as well.
    make_commitment(
        recipient_a,
        {packages["sembako"]: 5},
        delivery_date=timezone.localdate() + timedelta(days=1),
    )
    for number in range(EXTRA_MAILS):
        queue(reference=f"test · {number}", subject="Halo", text="Isi", to=["x@example.org"])
    # The reminders and the mail sweep are due now; the other jobs not today.
    now = timezone.now()
    Schedule.objects.filter(name__startswith=PREFIX).update(next_run=now + timedelta(days=1))
    due = [PREFIX + "send reminders", PREFIX + "send mail"]
    assert Schedule.objects.filter(name__in=due).update(next_run=now - timedelta(seconds=1)) == 2

    mail_dir = tmp_path / "mail"
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [start_worker(mail_dir, log) for log in logs]
    try:
        # django-q2's scheduler looks at the schedules every 30 s.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            reminded = ReminderSent.objects.exists()
            waiting = OutboxMail.objects.exclude(status=OutboxMail.Status.SENT).exists()
            if reminded and not waiting:
                break
            assert all(worker.poll() is None for worker in workers), "a worker stopped"
            time.sleep(0.5)
        time.sleep(3)  # give the slower worker its chance to do anything twice
    finally:
        stop(workers)
    output = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)

    # Each schedule made one task, whichever worker's scheduler got there first.
    for name in due:
        assert Task.objects.filter(group=name).count() == 1, output
    assert ReminderSent.objects.count() == 1, output
    reminder_mails = OutboxMail.objects.filter(reference__contains="reminder_tomorrow")
    assert reminder_mails.count() == 2, output  # the collaborator and the PJ, once each
    # Every mail was sent, once.
    mails = OutboxMail.objects.all()
    assert set(mails.values_list("status", flat=True)) == {OutboxMail.Status.SENT}, output
    ids = sent_messages(mail_dir)
    assert len(ids) == mails.count() >= EXTRA_MAILS + 4, output
    assert len(set(ids)) == len(ids), output
    assert all(mail.attempts == 1 for mail in mails), output
