"""The periodic jobs: settings.KSBB_SCHEDULES, written into django-q2's schedules.

Each entry names a function (a management command goes through `call_command`) and either
`every` (minutes) or `at` ("HH:MM", once a day in settings.TIME_ZONE). `sync` runs after every
`migrate`: it creates missing schedules, updates changed ones (keeping the next run unless the
timing changed) and deletes those the setting no longer lists. Admins see them, and each run,
under "Django Q" in the admin.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

# Schedules this module owns carry this prefix; others (made in the admin) are left alone.
PREFIX = "ksbb: "


def next_daily_run(at: str, now: datetime | None = None) -> datetime:
    """The next `at` ("HH:MM", local time) after `now`."""
    local_now = timezone.localtime(now)
    hour, minute = (int(part) for part in at.split(":"))
    candidate = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if candidate <= local_now:
        candidate += timedelta(days=1)
    return candidate


def _timing(spec: dict[str, Any]) -> dict[str, Any]:
    from django_q.models import Schedule

    if "every" in spec:
        return {"schedule_type": Schedule.MINUTES, "minutes": int(spec["every"])}
    return {"schedule_type": Schedule.DAILY, "minutes": None}


def _same_timing(schedule: Any, spec: dict[str, Any]) -> bool:
    timing = _timing(spec)
    if schedule.schedule_type != timing["schedule_type"] or schedule.minutes != timing["minutes"]:
        return False
    if "at" in spec and schedule.next_run is not None:
        local = timezone.localtime(schedule.next_run)
        return local.time() == time.fromisoformat(spec["at"])
    return True


def sync() -> None:
    from django_q.models import Schedule

    wanted = {PREFIX + name: dict(spec) for name, spec in settings.KSBB_SCHEDULES.items()}
    Schedule.objects.filter(name__startswith=PREFIX).exclude(name__in=wanted).delete()
    for name, spec in wanted.items():
        fields = {"func": spec["func"], "args": spec.get("args") or None, **_timing(spec)}
        schedule = Schedule.objects.filter(name=name).first()
        if schedule is None:
            schedule = Schedule(name=name, repeats=-1)
        elif all(getattr(schedule, key) == value for key, value in fields.items()) and (
            _same_timing(schedule, spec)
        ):
            continue
        retimed = schedule.pk is None or not _same_timing(schedule, spec)
        for key, value in fields.items():
            setattr(schedule, key, value)
        if retimed:
            schedule.next_run = next_daily_run(str(spec["at"])) if "at" in spec else timezone.now()
        schedule.save()
        logger.info("schedule %s: %s", name, "created" if retimed else "updated")


def sync_after_migrate(**kwargs: Any) -> None:
    """post_migrate: only once django-q2's tables exist in the migrated database."""
    from django.db import connections
    from django_q.models import Schedule

    using = kwargs.get("using", "default")
    if Schedule._meta.db_table in connections[using].introspection.table_names():
        sync()
