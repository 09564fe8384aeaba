"""What the staff console reads of employers, postings and cooperation agreements: every read scoped to the user's
region (core.accounts.scoping), the reports queue included."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Min, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.accounts.models import Role, User
from core.accounts.scoping import scope_to_user
from core.regions.models import Region
from jobs.models import CooperationAgreement, Employer, JobPosting, PostingStatus

# The console's "expiring" filter: published postings whose last day is within this many days.
_CONSOLE_EXPIRING_DAYS = 7


def console_employers(*, user: User, q: str = "") -> QuerySet[Employer]:
    """The employers entered by a county in the user's region, found by part of the name or the credit code."""
    employers = scope_to_user(user, Employer.objects.select_related("county", "liaison"), region_field="county")
    q = q.strip()
    if q:
        employers = employers.filter(Q(name__icontains=q) | Q(credit_code__startswith=q.upper()))
    return employers.order_by("name", "id")


def console_employer(*, user: User, employer_id: int) -> Employer:
    employers = scope_to_user(user, Employer.objects.all(), region_field="county")
    return get_object_or_404(
        employers.select_related("county", "region", "liaison", "created_by").prefetch_related("contacts"),
        pk=employer_id,
    )


def liaison_candidates(county: Region) -> QuerySet[User]:
    """Who may be a key enterprise's liaison: the county bureau's active staff."""
    return User.objects.filter(role=Role.COUNTY_STAFF, is_active=True, region=county).order_by("first_name", "pk")


@dataclass(frozen=True)
class ConsolePostingFilters:
    q: str = ""
    status: str = ""
    occupation: str = ""
    employer_id: int | None = None
    agreement_id: int | None = None
    expiring: bool = False


def console_postings(*, user: User, filters: ConsolePostingFilters = ConsolePostingFilters()) -> QuerySet[JobPosting]:
    """The postings entered by a county in the user's region that match `filters`, newest first."""
    postings = scope_to_user(
        user,
        JobPosting.objects.select_related("employer", "work_region").defer("search_tokens"),
        region_field="county",
    )
    if filters.q.strip():
        q = filters.q.strip()
        postings = postings.filter(Q(title__icontains=q) | Q(employer__name__icontains=q))
    if filters.status:
        postings = postings.filter(status=filters.status)
    if filters.occupation:
        postings = postings.filter(occupation=filters.occupation)
    if filters.employer_id:
        postings = postings.filter(employer_id=filters.employer_id)
    if filters.agreement_id:
        postings = postings.filter(agreement_id=filters.agreement_id)
    if filters.expiring:
        postings = postings.filter(
            status=PostingStatus.PUBLISHED,
            valid_until__lte=timezone.localdate() + timedelta(days=_CONSOLE_EXPIRING_DAYS),
        )
    return postings.order_by("-created_at", "-id")


def console_posting(*, user: User, posting_id: int) -> JobPosting:
    postings = scope_to_user(user, JobPosting.objects.all(), region_field="county")
    return get_object_or_404(
        postings.select_related("employer", "work_region", "county", "agreement", "created_by").defer("search_tokens"),
        pk=posting_id,
    )


def console_agreements(*, user: User) -> QuerySet[CooperationAgreement]:
    """The agreements whose sending or receiving region lies in the user's region: both parties follow them."""
    agreements = CooperationAgreement.objects.select_related("sending_region", "receiving_region")
    scoped = scope_to_user(user, agreements, region_field="sending_region") | scope_to_user(
        user, agreements, region_field="receiving_region"
    )
    return scoped.order_by("-signed_on", "-id")


def console_agreement(*, user: User, agreement_id: int) -> CooperationAgreement:
    return get_object_or_404(console_agreements(user=user).select_related("created_by"), pk=agreement_id)


def agreement_postings(*, agreement: CooperationAgreement) -> QuerySet[JobPosting]:
    """Every posting attributed to the agreement, whoever entered it, newest first."""
    return (
        JobPosting.objects.filter(agreement=agreement)
        .select_related("employer", "work_region")
        .defer("search_tokens")
        .order_by("-created_at", "-id")
    )


def console_reported_postings(*, user: User) -> QuerySet[JobPosting]:
    """Postings entered in the user's region with reports nobody has looked at: held ones first, then the most
    reported, then the oldest report."""
    postings = scope_to_user(user, JobPosting.objects.all(), region_field="county")
    open_reports = Q(reports__reviewed_at__isnull=True)
    return (
        postings.filter(open_reports)
        .select_related("employer")
        .defer("search_tokens", "description", "requirements")
        .annotate(open_reports=Count("reports", filter=open_reports), first_report=Min("reports__created_at"))
        .order_by(F("held_at").desc(nulls_last=True), "-open_reports", "first_report", "id")
    )


def console_reported_posting(*, user: User, posting_id: int) -> JobPosting:
    """A posting of the user's region with its open reports (`.open_report_list`), or 404."""
    posting = console_posting(user=user, posting_id=posting_id)
    posting.open_report_list = list(
        posting.reports.filter(reviewed_at__isnull=True).select_related("reporter").order_by("created_at", "id")
    )
    return posting
