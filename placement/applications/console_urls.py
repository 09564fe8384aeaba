from django.urls import path

from placement.applications.views import console, fairs

app_name = "applications_console"

urlpatterns = [
    path("", console.pipeline, name="pipeline"),
    path("postings/<int:posting_id>/", console.posting_pipeline, name="posting"),
    path("employers/<int:employer_id>/", console.employer_pipeline, name="employer"),
    path("<int:application_id>/move/", console.move, name="move"),
    path("recommend/", console.recommend, name="recommend"),
    path("fairs/", fairs.fair_list, name="fairs"),
    path("fairs/new/", fairs.fair_edit, name="fair_new"),
    path("fairs/<int:fair_id>/", fairs.fair_detail, name="fair"),
    path("fairs/<int:fair_id>/edit/", fairs.fair_edit, name="fair_edit"),
]
