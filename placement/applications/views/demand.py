"""The demand console's pages that show each posting's headcount tally (/console/jobs/: postings, an employer).

The postings, employers and their forms are jobs'; the tally counts applications, which sit a floor above jobs.
So these pages are assembled here, and portal/urls.py joins them to jobs' own console routes under one namespace.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.accounts.permissions import console_required
from core.paging import CONSOLE_PAGE_SIZE, page_of, query_without_page
from jobs import selectors, services
from jobs.console_forms import PostingBulkForm, PostingExtendForm, PostingFilterForm
from placement.applications.selectors import employer_headcount_tally, with_tallies


@console_required
@require_safe
def employer_detail(request, employer_id):
    employer = selectors.console_employer(user=request.user, employer_id=employer_id)
    postings = selectors.console_postings(
        user=request.user, filters=selectors.ConsolePostingFilters(employer_id=employer.pk)
    )
    context = {
        "employer": employer,
        "postings": with_tallies(list(postings[:CONSOLE_PAGE_SIZE])),
        "more_postings": postings.count() > CONSOLE_PAGE_SIZE,
        "tally": employer_headcount_tally(employer),
        "history": selectors.history_entries(employer),
        "may_edit": services.user_may_edit_demand(request.user),
    }
    return render(request, "jobs/console/employer_detail.html", context)


@console_required
@require_safe
def posting_list(request):
    filter_form = PostingFilterForm(request.GET or None)
    postings = selectors.console_postings(user=request.user, filters=filter_form.filters())
    page = page_of(request, postings)
    page.object_list = with_tallies(list(page.object_list))
    context = {
        "filter_form": filter_form,
        "page": page,
        "bulk_form": PostingBulkForm(),
        "query": query_without_page(request.GET),
        "filter_query": request.GET.urlencode(),
        "may_edit": services.user_may_edit_demand(request.user),
    }
    return render(request, "jobs/console/posting_list.html", context)


@console_required
@require_safe
def posting_detail(request, posting_id):
    posting = selectors.console_posting(user=request.user, posting_id=posting_id)
    context = {
        "posting": posting,
        "tally": with_tallies([posting])[0].tally,
        "history": selectors.history_entries(posting),
        "extend_form": PostingExtendForm(),
        "may_edit": services.user_may_edit_demand(request.user),
    }
    return render(request, "jobs/console/posting_detail.html", context)
