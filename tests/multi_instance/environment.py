"""The settings a deployment gets from its environment, read without touching this process's
settings."""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from typing import Any
from unittest import mock

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "ksbb" / "settings.py"


def settings_for(env: dict[str, str]) -> dict[str, Any]:
    """The values of ksbb/settings.py run with `env` added to the environment."""
    with mock.patch.dict(os.environ, env):
        return runpy.run_path(str(SETTINGS_FILE))
