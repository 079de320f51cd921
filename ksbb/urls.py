"""URL configuration: the public portal, accounts, the admin and the language switcher."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", include("recipients.urls")),
    path("", include("commitments.urls")),
    path("", include("complaints.urls")),
    path("akun/", include("ksbb.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's login offers "Forgotten your password?" when this name exists.
    path(
        "admin/lupa-kata-sandi/",
        RedirectView.as_view(pattern_name="password_reset"),
        name="admin_password_reset",
    ),
    path("admin/", admin.site.urls),
]
