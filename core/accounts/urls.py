from django.contrib.auth import views as auth_views
from django.urls import path

from core.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("phone/", views.phone_sign_in, name="phone"),
    path("phone/code/", views.phone_sign_in_code, name="phone_code"),
    path("unlock/", views.staff_unlock_request, name="unlock"),
    path("unlock/code/", views.staff_unlock_code, name="unlock_code"),
]
