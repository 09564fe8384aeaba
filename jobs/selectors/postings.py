"""Public postings one at a time: what is visible, a posting's page, its similar postings, and which are full."""

from collections.abc import Iterable

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jobs.models import JobPosting, PostingStatus

SIMILAR_POSTINGS = 5


def postings_visible() -> QuerySet[JobPosting]:
    """Published and still valid: an expired posting is never shown, even before the hourly task marks it; nor one
    held after several reports (jobs.services.reports) until a clerk has looked at it."""
    return JobPosting.objects.filter(
        status=PostingStatus.PUBLISHED, valid_until__gte=timezone.localdate(), held_at__isnull=True
    )


# The application states that take one of a posting's places (placement's SIGNED and ONBOARDED), named by value:
# demand sits below placement and reads its rows only through the `applications` relation.
_PLACE_TAKING_STATES = ("signed", "onboarded")


def full_posting_ids(posting_ids: Iterable[int]) -> set[int]:
    """The ids among `posting_ids` whose every place is taken by a signed or onboarded worker (one query): still
    published, but shown as 已招满 rather than as open."""
    taken = Count("applications", filter=Q(applications__state__in=_PLACE_TAKING_STATES))
    return set(
        JobPosting.objects.filter(id__in=list(posting_ids))
        .order_by()
        .annotate(taken=taken)
        .filter(taken__gte=F("headcount"))
        .values_list("id", flat=True)
    )


def posting_once_published(*, posting_id: int) -> JobPosting:
    """A posting as a link shared in a WeChat group opens it, even after it stopped recruiting (a draft is 404)."""
    return get_object_or_404(
        JobPosting.objects.exclude(status=PostingStatus.DRAFT)
        .select_related("employer", "work_region")
        .defer("search_tokens"),
        pk=posting_id,
    )


def posting_is_recruiting(posting: JobPosting) -> bool:
    return posting.status == PostingStatus.PUBLISHED and posting.valid_until >= timezone.localdate()


def similar_open_postings(*, posting: JobPosting, limit: int = SIMILAR_POSTINGS) -> list[JobPosting]:
    """Open postings of the same occupation, nearest to the posting's place first (its county, city, province),
    newest first within each."""
    code = posting.work_region_id
    candidates = (
        postings_visible()
        .filter(occupation=posting.occupation)
        .exclude(pk=posting.pk)
        .select_related("employer", "work_region__parent__parent")
        .defer("search_tokens", "description", "requirements")
        .order_by("-published_at", "-id")
    )
    found: list[JobPosting] = []
    for prefix in (code[:6], code[:4], code[:2]):
        nearby = candidates.filter(work_region__code__startswith=prefix).exclude(pk__in=[row.pk for row in found])
        found += nearby[: limit - len(found)]
        if len(found) == limit:
            break
    return found


def posting_detail(*, posting_id: int) -> JobPosting:
    """A public posting with everything its page shows, or 404 (drafts, closed and expired ones included)."""
    return get_object_or_404(
        postings_visible().select_related("employer", "work_region").defer("search_tokens"), pk=posting_id
    )
