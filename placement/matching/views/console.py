"""Matching in the staff console: a posting's candidates, and the employment secretary's workers with their jobs."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.accounts.permissions import console_required
from core.accounts.scoping import user_can_access_region
from core.privacy.masking import mask_phone
from core.replicas import replica_reads
from placement.matching import selectors

SECRETARY_PAGE_SIZE = 20


@console_required
@require_safe
@replica_reads
def candidates(request, posting_id):
    posting, matches = selectors.candidates_for_posting(user=request.user, posting_id=posting_id)
    # Candidates come from anywhere; only those of the user's own region can be recommended from here (the
    # recommendation lands in the worker's service file, which belongs to their home region).
    rows = [
        (match, mask_phone(match.worker.user.phone), user_can_access_region(request.user, match.worker.home_region_id))
        for match in matches
    ]
    return render(request, "matching/console/candidates.html", {"posting": posting, "rows": rows})


@console_required
@require_safe
@replica_reads
def my_workers(request):
    page = Paginator(selectors.secretary_workers_to_match(secretary=request.user), SECRETARY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "matching/console/my_workers.html", {"page": page, "rows": selectors.best_jobs_for(page.object_list)}
    )
