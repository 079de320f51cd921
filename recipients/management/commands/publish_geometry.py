"""`publish_geometry`: write the map's GeoJSON layers as content-hashed files (and their .gz)
for the web server to serve; run it after imports. The map page also publishes lazily."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from ksbb.lib.httpcache import prune
from recipients.layers import LAYERS, publish_layer, publish_root


class Command(BaseCommand):
    help = (
        "Publish the kelurahan, RW and institution layers as <name>.<hash>.geojson (+ .gz) "
        "under PUBLISH_ROOT, and delete superseded files older than --keep-hours. "
        "Safe to repeat: unchanged data writes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--keep-hours",
            type=float,
            default=24,
            help="keep superseded files this long: cached pages may still link them (default 24)",
        )

    def handle(self, *args: Any, keep_hours: float = 24, **options: Any) -> None:
        root = publish_root()
        cutoff = time.time() - keep_hours * 3600
        for name in LAYERS:
            path = publish_layer(name)
            removed = prune(root, name, ".geojson", [path], cutoff)
            size = path.with_name(path.name + ".gz").stat().st_size
            message = ngettext(
                "%(path)s (%(size)s KB gzip); %(count)d old file removed",
                "%(path)s (%(size)s KB gzip); %(count)d old files removed",
                len(removed),
            )
            self.stdout.write(
                message % {"path": path, "size": f"{size / 1024:.0f}", "count": len(removed)}
            )
