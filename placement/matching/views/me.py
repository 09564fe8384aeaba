"""The job seeker's "jobs for you" (/me/jobs-for-you/): their best postings, each with its reasons."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.replicas import replica_reads
from placement.matching import selectors
from workers.permissions import registered_required


@registered_required
@require_safe
@replica_reads
def jobs_for_you(request):
    worker = request.worker
    return render(
        request,
        "matching/me/jobs_for_you.html",
        {"worker": worker, "matches": selectors.jobs_for_worker(worker=worker)},
    )
