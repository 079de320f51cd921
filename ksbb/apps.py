from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule

# Apps whose admin module registers nothing and only costs memory: django-leaflet's imports
# GeoDjango, which loads GDAL (~65 MB) into every web worker at start. Its widget is loaded
# when an admin map form is built (ksbb/lib/leaflet_widget.py).
ADMIN_AUTODISCOVER_SKIP = {"leaflet"}


class KsbbConfig(AppConfig):
    """The project package: shared templates, template tags and helpers."""

    name = "ksbb"
    verbose_name = "KSBB"

    def ready(self) -> None:
        # The admin's autodiscovery (settings use SimpleAdminConfig, which does none), minus
        # the modules above.
        for config in apps.get_app_configs():
            if config.name not in ADMIN_AUTODISCOVER_SKIP and module_has_submodule(
                config.module, "admin"
            ):
                import_module(f"{config.name}.admin")
