from django.http import Http404
from django.urls import path

app_name = "commitments"


def create(request, recipient_id: int):
    # Placeholder until the pledge form lands (commitments issue).
    raise Http404


urlpatterns = [
    path("penerima/<int:recipient_id>/beri-bantuan/", create, name="create"),
]
