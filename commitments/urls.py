from django.urls import path

from commitments.views import pj, private, public

app_name = "commitments"

# Numbers (KSBB-2026-000001) and private-link keys (URL-safe base64) are slugs: anything else,
# a NUL byte included (which PostgreSQL refuses in a query), is a 404 before any view runs.

urlpatterns = [
    path("penerima/<int:recipient_id>/beri-bantuan/", public.create, name="create"),
    path("komitmen/", public.commitment_list, name="list"),
    path("komitmen.csv", public.commitment_csv, name="csv"),
    path("api/v1/commitments.json", public.commitment_api, name="api"),
    path("komitmen/<slug:number>/", public.detail, name="detail"),
    # Before k/<token>/: a token is 43 characters, so it never reads "kirim-ulang".
    path("k/kirim-ulang/", private.resend_link, name="resend-link"),
    path("k/<slug:token>/", private.private, name="private"),
    path("k/<slug:token>/surat.pdf", private.private_letter, name="letter"),
    path("k/<slug:token>/batal/", private.private_cancel, name="cancel"),
    path("k/<slug:token>/jadwal/", private.private_schedule, name="private-schedule"),
    path("k/<slug:token>/tanggal/terima/", private.private_accept_date, name="private-accept"),
    path("k/<slug:token>/tanggal/usul/", private.private_propose_date, name="private-propose"),
    path("k/<slug:token>/laporan/", private.private_report, name="private-report"),
    path("k/<slug:token>/foto/<int:pk>/", private.private_photo, name="private-photo"),
    path("pj/", pj.dashboard, name="pj-dashboard"),
    path("pj/komitmen/<slug:number>/", pj.detail, name="pj-detail"),
    path("pj/komitmen/<slug:number>/terima/", pj.acknowledge, name="pj-acknowledge"),
    path("pj/komitmen/<slug:number>/usul-tanggal/", pj.propose_date, name="pj-propose"),
    path("pj/komitmen/<slug:number>/setujui-tanggal/", pj.accept_date, name="pj-accept"),
    path("pj/komitmen/<slug:number>/tolak/", pj.decline, name="pj-decline"),
    path("pj/komitmen/<slug:number>/konfirmasi/", pj.confirm_delivery, name="pj-confirm"),
    path("pj/komitmen/<slug:number>/tutup/", pj.close, name="pj-close"),
    path("pj/foto/<int:pk>/", pj.photo, name="pj-photo"),
]
