from django.urls import path

from commitments import views

app_name = "commitments"

urlpatterns = [
    path("penerima/<int:recipient_id>/beri-bantuan/", views.create, name="create"),
    path("komitmen/", views.commitment_list, name="list"),
    path("komitmen.csv", views.commitment_csv, name="csv"),
    path("api/v1/commitments.json", views.commitment_api, name="api"),
    path("komitmen/<str:number>/", views.detail, name="detail"),
    path("k/<str:token>/", views.private, name="private"),
    path("k/<str:token>/surat.pdf", views.private_letter, name="letter"),
    path("k/<str:token>/batal/", views.private_cancel, name="cancel"),
]
