"""招聘海报 for the village notice board: an A4 poster of one posting or one job fair, and a board of up to eight
postings a clerk or village agent picks for one village, with one QR code to a page of exactly those postings.

Here in the top layer because a fair (placement) and postings (jobs) meet on them. Printed from the browser (the
print stylesheet in static/css/poster.css lays out one A4 page); the QR codes are drawn on the server as SVG.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.accounts.permissions import console_required
from core.qr import qr_svg
from core.regions.selectors import place_path
from jobs.cards import posting_cards, wage_label
from jobs.selectors import full_posting_ids, posting_detail, postings_visible
from placement.applications.selectors import public_fair

BOARD_MOST = 8
PICKER_SHOWN = 60


def _poster_context(request, target_url):
    absolute = request.build_absolute_uri(target_url)
    return {"qr": qr_svg(absolute), "link": absolute, "bureau_phone": settings.COUNTY_BUREAU_PHONE}


@require_safe
def posting_poster(request, posting_id):
    posting = posting_detail(posting_id=posting_id)
    context = _poster_context(request, reverse("jobs:posting-detail", args=[posting.pk]))
    context |= {"posting": posting, "wage": wage_label(posting), "place": place_path(posting.work_region)}
    return render(request, "portal/poster_posting.html", context)


@require_safe
def fair_poster(request, fair_id):
    fair = public_fair(fair_id=fair_id)
    if fair is None:
        raise Http404
    context = _poster_context(request, reverse("fairs:detail", args=[fair.pk]))
    return render(request, "portal/poster_fair.html", context | {"fair": fair})


def board_posting_ids(query):
    """`?ids=3,5,8` (the board's own link) or `?pick=3&pick=5` (the picker's ticks): up to BOARD_MOST posting ids
    in the order given, repeats dropped; anything else is refused."""
    ids = []
    for part in query.getlist("pick") or query.get("ids", "").split(","):
        if not part.isdecimal() or len(part) > 18:
            raise ValidationError(_("岗位编号不对。"))
        if int(part) not in ids:
            ids.append(int(part))
    if len(ids) > BOARD_MOST:
        raise ValidationError(_("一张海报最多放%(most)d个岗位。") % {"most": BOARD_MOST})
    return ids


def _board_postings(request):
    """The picked postings that are still open, in the order picked; a wrong list is a 404, as a missing page."""
    try:
        ids = board_posting_ids(request.GET)
    except ValidationError:
        raise Http404 from None
    found = {
        posting.pk: posting
        for posting in postings_visible()
        .filter(pk__in=ids)
        .select_related("employer", "work_region__parent__parent")
        .defer("search_tokens", "description", "requirements")
    }
    return ids, [found[posting_id] for posting_id in ids if posting_id in found]


@require_safe
def board(request):
    """The page the board poster's QR code opens: exactly the postings on the poster (those still open)."""
    ids, postings = _board_postings(request)
    cards = posting_cards(postings, full_ids=full_posting_ids(ids))
    return render(request, "portal/board.html", {"cards": cards, "gone": len(ids) - len(postings)})


@require_safe
def board_poster(request):
    _ids, postings = _board_postings(request)
    if not postings:
        raise Http404
    board_url = reverse("board") + "?ids=" + ",".join(str(posting.pk) for posting in postings)
    rows = [{"posting": posting, "wage": wage_label(posting)} for posting in postings]
    return render(request, "portal/poster_board.html", _poster_context(request, board_url) | {"rows": rows})


@console_required
@require_safe
def board_picker(request):
    """Staff and village agents tick up to eight open postings (newest first, or found by a word) for a board."""
    query = request.GET.get("q", "").strip()[:50]
    postings = postings_visible().select_related("employer").defer("search_tokens", "description", "requirements")
    if query:
        postings = postings.filter(title__icontains=query) | postings.filter(employer__name__icontains=query)
    postings = postings.order_by("-published_at", "-id")[:PICKER_SHOWN]
    rows = [{"posting": posting, "wage": wage_label(posting)} for posting in postings]
    return render(request, "portal/board_picker.html", {"rows": rows, "query": query, "most": BOARD_MOST})
