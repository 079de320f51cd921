from django.apps import AppConfig


class KsbbConfig(AppConfig):
    """The project package: shared templates, template tags and helpers."""

    name = "ksbb"
    verbose_name = "KSBB"
