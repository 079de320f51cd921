"""The officers' URLs of the complaints app (under /petugas/), and the public statistics."""

from django.urls import URLPattern, path

from complaints.views import officer, stats

urlpatterns: list[URLPattern] = [
    path("petugas/", officer.queue, name="officer-queue"),
    path("petugas/pengaduan/<str:number>/", officer.detail, name="officer-detail"),
    path("petugas/pengaduan/<str:number>/status/", officer.change_status, name="officer-status"),
    path("petugas/pengaduan/<str:number>/disposisi/", officer.pass_on, name="officer-pass-on"),
    path("petugas/foto/<int:pk>/", officer.photo, name="officer-photo"),
    path("pengaduan/statistik/", stats.page, name="stats"),
    path("pengaduan/statistik.csv", stats.csv, name="stats-csv"),
    path("api/v1/complaint-statistics.json", stats.json, name="stats-json"),
]
