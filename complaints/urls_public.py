"""Public URLs of the complaints app (under /pengaduan/): the channels and the complaint form,
the tracking pages, and the reporter's private link (its key is masked in every log line, see
settings.KSBB_PRIVATE_PATH_PREFIXES)."""

from django.urls import URLPattern, path

from complaints.views import private, public, tracking

urlpatterns: list[URLPattern] = [
    path("pengaduan/", public.complaint_form, name="form"),
    path("pengaduan/lacak/", tracking.lookup, name="lookup"),
    path("pengaduan/lacak/<str:number>/", tracking.track, name="track"),
    path("pengaduan/lacak/<str:number>/foto/<int:pk>/", tracking.track_photo, name="track-photo"),
    path("pengaduan/p/<str:token>/", private.private, name="private"),
    path("pengaduan/p/<str:token>/informasi/", private.add_information, name="private-information"),
    path("pengaduan/p/<str:token>/hasil/", private.answer_outcome, name="private-outcome"),
    path("pengaduan/p/<str:token>/foto/<int:pk>/", private.photo, name="private-photo"),
]
