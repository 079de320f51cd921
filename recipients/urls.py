from django.urls import path

from recipients.views import api, home, pages

app_name = "recipients"

urlpatterns = [
    path("", home.home, name="home"),
    path("penerima/", pages.recipient_list, name="list"),
    path("penerima/<int:pk>/", pages.recipient_detail, name="detail"),
    path("api/", api.docs, name="api-docs"),
    path("api/v1/kelurahan.geojson", api.kelurahan_geojson, name="api-kelurahan"),
    path("api/v1/rw.geojson", api.rw_geojson, name="api-rw"),
    path("api/v1/rw-all.geojson", api.rw_all_geojson, name="api-rw-all"),
    path("api/v1/institutions.geojson", api.institutions_geojson, name="api-institutions"),
    path("api/v1/base.geojson", api.base_geojson, name="api-base"),
    path("api/v1/status.json", api.status_json, name="api-status"),
    path("api/v1/cases.json", api.cases_json, name="api-cases"),
    path("api/v1/cases.csv", api.cases_csv, name="api-cases-csv"),
    path("api/v1/recipients.csv", api.recipients_csv, name="api-recipients-csv"),
]
