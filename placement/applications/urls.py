"""Applications' and job fairs' routes, one list per audience; portal/urls.py mounts each under its prefix and
namespace."""

from django.urls import path

from placement.applications import api
from placement.applications.views import console, me, public

# /fairs/ (namespace "fairs")
public_routes = [
    path("", public.public_fair_list, name="list"),
    path("<int:fair_id>/", public.public_fair_detail, name="detail"),
]

# /me/applications/ (namespace "me_applications")
me_routes = [
    path("", me.application_list, name="list"),
    path("apply/<int:posting_id>/", me.apply, name="apply"),
    path("<int:application_id>/withdraw/", me.withdraw, name="withdraw"),
]

# /console/applications/ (namespace "applications_console")
console_routes = [
    path("", console.pipeline, name="pipeline"),
    path("postings/<int:posting_id>/", console.posting_pipeline, name="posting"),
    path("employers/<int:employer_id>/", console.employer_pipeline, name="employer"),
    path("<int:application_id>/move/", console.move, name="move"),
    path("recommend/", console.recommend, name="recommend"),
    path("fairs/", console.fair_list, name="fairs"),
    path("fairs/new/", console.fair_edit, name="fair_new"),
    path("fairs/<int:fair_id>/", console.fair_detail, name="fair"),
    path("fairs/<int:fair_id>/edit/", console.fair_edit, name="fair_edit"),
]

# Added to jobs' /console/jobs/ routes (namespace "jobs_console"): the demand pages that show headcount ledgers.
demand_console_routes = [
    path("", console.posting_list, name="postings"),
    path("postings/<int:posting_id>/", console.posting_detail, name="posting"),
    path("employers/<int:employer_id>/", console.employer_detail, name="employer"),
]

# /api/v1/ (namespace "api")
api_routes = [
    path("postings/<int:posting_id>/applications/", api.PostingApplicationApi.as_view(), name="posting-applications"),
    path("me/applications/", api.OwnApplicationsApi.as_view(), name="own-applications"),
]
