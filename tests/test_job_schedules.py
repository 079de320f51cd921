"""The periodic jobs of settings.KSBB_SCHEDULES become django-q2 schedules after `migrate`."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_q.models import Schedule

from ksbb.jobs.schedules import PREFIX, next_daily_run, sync

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")


def ours() -> dict[str, Schedule]:
    return {s.name: s for s in Schedule.objects.filter(name__startswith=PREFIX)}


def test_migrate_created_every_configured_job(settings):
    schedules = ours()
    assert set(schedules) == {PREFIX + name for name in settings.KSBB_SCHEDULES}
    reminders = schedules[PREFIX + "send reminders"]
    assert reminders.schedule_type == Schedule.DAILY
    assert reminders.args == "'send_reminders'"
    assert timezone.localtime(reminders.next_run).time() == time(7, 0)
    mail = schedules[PREFIX + "send mail"]
    assert (mail.schedule_type, mail.minutes) == (Schedule.MINUTES, 1)


def test_sync_keeps_the_next_run_and_follows_changes_to_the_setting(settings):
    Schedule.objects.create(name="made in the admin", func="math.floor", args="1")
    later = timezone.now() + timedelta(hours=5)
    Schedule.objects.filter(name=PREFIX + "send mail").update(next_run=later)
    sync()
    assert ours()[PREFIX + "send mail"].next_run == later  # unchanged entry: left alone

    schedules = dict(settings.KSBB_SCHEDULES)
    del schedules["publish geometry"]
    schedules["send reminders"] = {**schedules["send reminders"], "at": "06:30"}
    settings.KSBB_SCHEDULES = schedules
    sync()
    assert PREFIX + "publish geometry" not in ours()
    moved = ours()[PREFIX + "send reminders"]
    assert timezone.localtime(moved.next_run).time() == time(6, 30)
    assert Schedule.objects.filter(name="made in the admin").exists()


def test_the_next_daily_run_is_today_or_tomorrow_in_jakarta():
    morning = datetime(2026, 5, 1, 6, 0, tzinfo=JAKARTA)
    assert next_daily_run("07:00", morning) == datetime(2026, 5, 1, 7, 0, tzinfo=JAKARTA)
    evening = datetime(2026, 5, 1, 20, 0, tzinfo=JAKARTA)
    assert next_daily_run("07:00", evening) == datetime(2026, 5, 2, 7, 0, tzinfo=JAKARTA)
