"""The matching pages: the worker's "jobs for you", a posting's candidates, the secretary's workers and their jobs."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.accounts.permissions import console_required
from core.accounts.scoping import user_can_access_region
from core.privacy.masking import mask_phone
from placement.matching import selectors
from workers.views.me import registered_required

SECRETARY_PAGE_SIZE = 20


@registered_required
@require_safe
def jobs_for_you(request):
    worker = request.worker
    return render(
        request,
        "matching/me/jobs_for_you.html",
        {"worker": worker, "matches": selectors.jobs_for_worker(worker=worker)},
    )


@console_required
@require_safe
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
def my_workers(request):
    page = Paginator(selectors.secretary_workers_to_match(secretary=request.user), SECRETARY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "matching/console/my_workers.html", {"page": page, "rows": selectors.best_jobs_for(page.object_list)}
    )
