from django.urls import path

from core.accounts import api

urlpatterns = [
    path("auth/code/", api.SignInCodeRequestApi.as_view(), name="sign-in-code-request"),
    path("auth/token/", api.SignInCodeCheckApi.as_view(), name="sign-in-code-check"),
]
