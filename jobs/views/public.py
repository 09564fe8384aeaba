"""The job supermarket (/jobs/): the search page and a posting's page, for anyone, signed in or not."""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from core.errors import ApplicationError
from core.regions.selectors import place_path
from core.replicas import replica_reads
from jobs.cards import posting_cards, wage_label
from jobs.forms import PostingSearchForm
from jobs.models import PostingStatus, ReportReason
from jobs.pagecache import cached_filter_panel, cached_list_fragment
from jobs.query import normalised
from jobs.selectors import (
    PostingFilters,
    full_posting_ids,
    posting_is_recruiting,
    posting_once_published,
    posting_search,
    similar_open_postings,
)
from workers.selectors import home_region_code


@require_safe
@replica_reads
def posting_list(request):
    home = home_region_code(request.user)
    fragment = cached_list_fragment(request.GET, lambda: _render_results(request, home), home_region_code=home)
    # Marked safe again: the cache hands back a plain string of what the template engine escaped.
    return render(request, "jobs/posting_list.html", {"fragment": mark_safe(fragment)})


def _cards(postings, home=None):
    return posting_cards(postings, full_ids=full_posting_ids(posting.pk for posting in postings), home_region_code=home)


def _render_results(request, home):
    form = PostingSearchForm(request.GET)
    error = None
    filters = PostingFilters()
    if form.is_valid():
        filters = form.filters()
        try:
            page = posting_search(filters=filters, cursor=form.cleaned_data["cursor"] or None)
        except ApplicationError as invalid_cursor:
            error = invalid_cursor.message
            page = posting_search(filters=filters)
    else:
        page = posting_search(filters=filters)
    context = {
        "form": form,
        "filter_panel": _filter_panel(form),
        "page": page,
        "cards": _cards(page.postings, home),
        "error": error,
        "next_query": _query_string(request, cursor=page.next_cursor) if page.next_cursor else None,
        **_search_notes(request, filters, page),
    }
    return render_to_string("jobs/_posting_results.html", context, request=request)


def _query_string(request, **changes):
    """This search's parameters with `changes` (a region replaces the picker's parameters too), from page one."""
    query = request.GET.copy()
    for name in list(query):
        if name == "cursor" or name in changes or (name.split("__")[0] in changes and "__" in name):
            del query[name]
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


def _search_notes(request, filters, page):
    """How the page read the search (the place it filters by, with its undo) and help when nothing is found."""
    read = filters.read
    notes = {"suggestions": [(word, _query_string(request, q=q)) for word, q in page.suggestions]}
    if read.place is not None:
        notes["place_undo_query"] = _query_string(request, words_only="1")
    if page.wider is not None:
        # The place read out of the words becomes the region filter, one level up.
        rest = normalised(filters.q).replace(read.place_text, " ", 1).strip() if read.place else filters.q
        notes["wider"] = {
            "searched": (read.place or filters.region).name,
            "place": page.wider.region.name,
            "count": page.wider.count_display,
            "query": _query_string(request, q=rest, region=page.wider.region.code),
        }
    return notes


def _filter_panel(form):
    parameters = form.panel_parameters()
    context = {"form": form, "open": any(value for _name, value in parameters)}
    return cached_filter_panel(parameters, lambda: render_to_string("jobs/_filter_panel.html", context))


@require_safe
@replica_reads
def posting_detail_view(request, posting_id):
    posting = posting_once_published(posting_id=posting_id)
    if not posting_is_recruiting(posting):
        # The link still circulates in WeChat groups: say why, and offer the nearest open postings like it.
        return render(
            request,
            "jobs/posting_gone.html",
            {
                "posting": posting,
                "filled": posting.status == PostingStatus.FILLED,
                "cards": _cards(similar_open_postings(posting=posting)),
            },
        )
    place = place_path(posting.work_region)
    return render(
        request,
        "jobs/posting_detail.html",
        {
            "posting": posting,
            "wage": wage_label(posting),
            "place": place,
            "short_place": posting.work_region.name,
            "is_full": posting.pk in full_posting_ids([posting.pk]),
            "similar": _cards(similar_open_postings(posting=posting)),
            # The page's own address without its query string: a link passed on carries nothing empty or personal.
            "share_url": request.build_absolute_uri(request.path),
            "report_reasons": ReportReason.choices,
        },
    )
