"""URL configuration: the public portal, the admin and the language switcher."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("recipients.urls")),
    path("", include("commitments.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
