from django.urls import path

from workers.views import me

app_name = "me"

urlpatterns = [
    path("", me.home, name="home"),
    path("register/", me.register, name="register"),
    path("edit/", me.edit, name="edit"),
    path("status/", me.status, name="status"),
    path("data/", me.data, name="data"),
    path("deletion/", me.deletion, name="deletion"),
]
