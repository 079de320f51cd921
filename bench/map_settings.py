"""Settings of the map benchmark: the portal's, plus a trivial view to compare against."""

from ksbb.settings import *  # noqa: F403

ROOT_URLCONF = "bench.map_urls"
# No collectstatic in the benchmark: plain static URLs (nginx would serve them in production).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
