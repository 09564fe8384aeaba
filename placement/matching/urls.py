"""Matching's routes, one list per audience; portal/urls.py mounts each under its prefix and namespace."""

from django.urls import path

from placement.matching.views import console, me

# /me/jobs-for-you/ (namespace "me_matching")
me_routes = [
    path("", me.jobs_for_you, name="jobs_for_you"),
]

# /console/matching/ (namespace "matching_console")
console_routes = [
    path("postings/<int:posting_id>/candidates/", console.candidates, name="candidates"),
    path("my-workers/", console.my_workers, name="my_workers"),
]
