"""A web worker starts without the heavy libraries only some requests need (bench/README.md,
"Worker memory"): WeasyPrint comes with the first letter, GDAL with the first admin map."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.contrib import admin

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("weasyprint", "django.contrib.gis.gdal", "leaflet.admin", "shapely")
STARTUP = f"""
import json, sys
import django
django.setup()
from django.core.handlers.wsgi import WSGIHandler
from django.urls import get_resolver
WSGIHandler()
get_resolver().url_patterns
print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))
"""


def test_a_fresh_worker_loads_no_pdf_gis_or_geometry_library():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ksbb.settings"}
    result = subprocess.run(
        [sys.executable, "-c", STARTUP], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_every_app_admin_is_still_registered():
    registered = {model._meta.label for model in admin.site._registry}
    assert {"recipients.Recipient", "recipients.RW", "commitments.Commitment"} <= registered
    assert {"auth.User", "recipients.CaseReport", "commitments.ContactAccess"} <= registered
