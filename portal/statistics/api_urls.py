from django.urls import path

from portal.statistics import api

urlpatterns = [path("stats/", api.StatsApi.as_view(), name="stats")]
