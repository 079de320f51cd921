"""Template context shared by every page."""

from django.conf import settings


def portal(request):
    return {"demo_data": not settings.KSBB_DATA_DIR}
