"""Account pages: Django's auth views with the portal's templates, the landing page of each
role after login, the rate-limited password reset, and the invitation link."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from ksbb.accounts.forms import PortalPasswordResetForm
from ksbb.accounts.tokens import invitation_token_generator
from ksbb.lib import ratelimit

# login() must be told the backend when several are configured (django-axes is one).
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def landing_url(user: Any) -> str:
    """Where a user lands after logging in: a person in charge on their pledges, an officer on
    their complaint queue, staff on the admin, anyone else on the map."""
    if user.is_authenticated and user.responsibilities.current().exists():
        try:
            # Resolved here, not at import: the PJ's page belongs to the commitments app.
            return reverse("commitments:pj-dashboard")
        except NoReverseMatch:
            pass
    # Through the related manager, not an import: officers belong to the complaints app.
    officer_posts = getattr(user, "officer_posts", None)
    if user.is_authenticated and officer_posts is not None and officer_posts.current().exists():
        try:
            return reverse("complaints:officer-queue")
        except NoReverseMatch:
            pass
    if user.is_staff:
        return reverse("admin:index")
    return reverse("recipients:home")


class LoginView(auth_views.LoginView):
    """A safe `next` wins; otherwise each role lands on its page."""

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)


class PasswordResetView(auth_views.PasswordResetView):
    """Limited per client and per address typed; the answer never says whether an account
    has that address."""

    form_class = PortalPasswordResetForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if ratelimit.is_limited(request, "password_reset"):
            return ratelimit.too_many_requests(request, "password_reset")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: PortalPasswordResetForm) -> HttpResponse:
        address = form.cleaned_data["email"].strip().lower()
        if ratelimit.is_limited(self.request, "password_reset_address", key=address):
            return ratelimit.too_many_requests(self.request, "password_reset_address")
        return super().form_valid(form)


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invited person chooses their password (Django's SetPasswordForm) and is logged in.

    The link works once: setting the password changes the hash the token is bound to. It only
    ever sets a first password; an account that has one uses the password reset instead.
    """

    token_generator = invitation_token_generator
    template_name = "registration/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = LOGIN_BACKEND

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        if user is not None and (user.has_usable_password() or not user.is_active):
            return None
        return user

    def get_success_url(self) -> str:
        return landing_url(self.request.user)
