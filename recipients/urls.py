from django.urls import path

from recipients import views

app_name = "recipients"

urlpatterns = [
    path("", views.home, name="home"),
]
