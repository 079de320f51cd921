"""Public URLs of the complaints app (under /pengaduan/)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
