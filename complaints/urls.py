"""URLs of the complaints app: the public side (form, channels, tracking, the reporter's private
link, statistics) and the officers' side."""

from complaints import urls_officer, urls_public

app_name = "complaints"

urlpatterns = [*urls_public.urlpatterns, *urls_officer.urlpatterns]
