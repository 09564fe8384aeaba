from django.urls import path

from placement.applications.views import me

app_name = "me_applications"

urlpatterns = [
    path("", me.application_list, name="list"),
    path("apply/<int:posting_id>/", me.apply, name="apply"),
    path("<int:application_id>/withdraw/", me.withdraw, name="withdraw"),
]
