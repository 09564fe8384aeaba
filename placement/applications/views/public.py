"""Job fairs for anyone (/fairs/): the coming fairs and a fair's page."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from placement.applications import selectors, services


@require_safe
def public_fair_list(request):
    upcoming, past = selectors.public_fairs(now=timezone.now())
    return render(request, "applications/fair_list.html", {"upcoming": upcoming, "past": past})


@require_safe
def public_fair_detail(request, fair_id):
    fair = selectors.public_fair(fair_id=fair_id)
    if fair is None:
        raise Http404
    if request.method == "GET":  # a link checker's HEAD is nobody reading the page
        services.fair_view_count(fair_id=fair.id)
    return render(request, "applications/fair_detail.html", {"fair": fair})
