from django.urls import path

from core.regions import api

urlpatterns = [
    path("regions/", api.RegionListApi.as_view(), name="region-list"),
]
