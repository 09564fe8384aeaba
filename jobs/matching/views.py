"""The matching pages: the worker's "jobs for you", a posting's candidates, the secretary's workers and their jobs."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.accounts.permissions import console_required
from core.privacy.masking import mask_phone
from jobs.matching import selectors
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
    rows = [(match, mask_phone(match.worker.user.phone)) for match in matches]
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
