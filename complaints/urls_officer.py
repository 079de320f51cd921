"""The officers' URLs of the complaints app (under /petugas/)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
