"""Every read of the ledger. Staff reads go through `scope_to_user` on the worker's home village: a village agent
sees their village or township, county staff their county, supervisors their city or province."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.accounts.models import Role, User
from core.accounts.scoping import scope_to_user
from core.notifications.models import OutboxMessage
from core.notifications.selectors import recipient_messages
from core.privacy.masking import mask_phone
from workers.models import ONE_THREE_ONE, LedgerImport, Worker, WorkerStatus
from workers.services import viewer_may_unmask

RECORD_MESSAGES_SHOWN = 30


@dataclass(frozen=True)
class LedgerFilters:
    region: object = None
    status: str = ""
    key_group: str = ""
    secretary_id: int | None = None
    without_secretary: bool = False
    registered_from: object = None
    registered_to: object = None
    has_job_intention: bool | None = None


def ledger_workers(*, user: User, filters: LedgerFilters | None = None) -> QuerySet[Worker]:
    """The workers the staff member may see, filtered; with what list pages show, in a constant number of queries."""
    filters = filters or LedgerFilters()
    workers = scope_to_user(user, Worker.objects.filter(anonymised_at__isnull=True), region_field="home_region")
    if filters.region is not None:
        workers = workers.filter(home_region__code__startswith=filters.region.prefix)
    if filters.status:
        workers = workers.filter(status=filters.status)
    if filters.key_group:
        workers = workers.filter(key_groups__group=filters.key_group)
    if filters.secretary_id:
        workers = workers.filter(secretary_id=filters.secretary_id)
    if filters.without_secretary:
        workers = workers.filter(secretary__isnull=True)
    if filters.registered_from:
        workers = workers.filter(registered_at__date__gte=filters.registered_from)
    if filters.registered_to:
        workers = workers.filter(registered_at__date__lte=filters.registered_to)
    if filters.has_job_intention is True:
        workers = workers.exclude(wanted_occupations="")
    elif filters.has_job_intention is False:
        workers = workers.filter(wanted_occupations="")
    return workers.select_related("home_region", "secretary", "user").prefetch_related("key_groups")


def ledger_counts(workers: QuerySet[Worker]) -> dict[str, Any]:
    """How many of `workers` are in each status, and in all."""
    by_status = dict(workers.order_by().values_list("status").annotate(count=Count("id", distinct=True)))
    return {
        "total": sum(by_status.values()),
        "by_status": [(status, label, by_status.get(status, 0)) for status, label in WorkerStatus.choices],
    }


def ledger_worker(*, user: User, worker_id: int) -> Worker:
    """One worker in the staff member's scope (404 otherwise), with everything the record page shows."""
    workers = scope_to_user(user, Worker.objects.all(), region_field="home_region")
    return get_object_or_404(
        workers.select_related("home_region", "secretary__region", "registered_by__region", "user").prefetch_related(
            "key_groups__verified_by", "status_changes__changed_by", "service_records__secretary", "consents"
        ),
        pk=worker_id,
    )


def worker_messages(*, worker: Worker) -> tuple[list[OutboxMessage], bool]:
    """For the (scoped) record page: the latest RECORD_MESSAGES_SHOWN messages sent to the worker's account, SMS
    and inbox, in one query, and whether there are older ones. None once the worker is anonymised."""
    if worker.anonymised_at:
        return [], False
    latest = list(recipient_messages(user=worker.user)[: RECORD_MESSAGES_SHOWN + 1])
    return latest[:RECORD_MESSAGES_SHOWN], len(latest) > RECORD_MESSAGES_SHOWN


def secretaries_for(user: User) -> QuerySet[User]:
    """The county staff the user may choose as a secretary: those inside the user's scope."""
    staff = User.objects.filter(role=Role.COUNTY_STAFF, is_active=True).select_related("region")
    return scope_to_user(user, staff).order_by("region_id", "first_name", "username")


def one_three_one_progress(workers: QuerySet[Worker]) -> QuerySet[Worker]:
    """Per worker, the count of each service kind of the 1-3-1 norm and the date of the last contact."""
    counts = {f"{kind}_count": Count("service_records", filter=Q(service_records__kind=kind)) for kind in ONE_THREE_ONE}
    return workers.annotate(**counts, last_contact=Max("service_records__served_on"))


def one_three_one_met(worker: Worker) -> bool:
    return all(getattr(worker, f"{kind}_count") >= needed for kind, needed in ONE_THREE_ONE.items())


def one_three_one_summary(workers: QuerySet[Worker]) -> dict[str, int]:
    """For a set of workers: how many there are, and how many meet each part of the norm and the whole of it."""
    annotated = one_three_one_progress(workers).order_by()
    totals: dict[str, int] = {"workers": 0, "met": 0, **{kind: 0 for kind in ONE_THREE_ONE}}
    for row in annotated.values(*[f"{kind}_count" for kind in ONE_THREE_ONE]):
        totals["workers"] += 1
        met = [row[f"{kind}_count"] >= needed for kind, needed in ONE_THREE_ONE.items()]
        for kind, ok in zip(ONE_THREE_ONE, met, strict=True):
            totals[kind] += ok
        totals["met"] += all(met)
    return totals


def secretary_workers(*, secretary: User, not_contacted_days: int | None = None) -> QuerySet[Worker]:
    """A secretary's own workers with their 1-3-1 progress; optionally only those not contacted in N days."""
    workers = one_three_one_progress(
        Worker.objects.filter(secretary=secretary, anonymised_at__isnull=True).select_related("home_region", "user")
    ).order_by("last_contact", "full_name")
    if not_contacted_days is not None:
        since = timezone.localdate() - timedelta(days=not_contacted_days)
        workers = workers.filter(Q(last_contact__isnull=True) | Q(last_contact__lt=since))
    return workers


def home_region_code(user: User) -> str | None:
    """The signed-in job seeker's home region code, or None (a visitor, staff, or not registered yet): one query."""
    if not user.is_authenticated:
        return None
    return Worker.objects.filter(user=user, anonymised_at__isnull=True).values_list("home_region_id", flat=True).first()


def own_worker(user: User | AnonymousUser, *, whole_record: bool = False) -> Worker | None:
    """The one way to the signed-in job seeker's own worker record: None when signed out, before they registered,
    or once anonymised. `whole_record`: with all that the /me/ pages show (key groups, history, service records)."""
    if not user.is_authenticated:
        return None
    workers = Worker.objects.select_related("home_region", "user").filter(user_id=user.pk, anonymised_at__isnull=True)
    if whole_record:
        workers = workers.select_related("secretary__region", "registered_by").prefetch_related(
            "key_groups", "status_changes", "service_records__secretary", "consents"
        )
    return workers.first()


def workers_due_for_anonymisation() -> QuerySet[Worker]:
    due_before = timezone.now() - timedelta(days=settings.WORKER_DELETION_RETENTION_DAYS)
    return Worker.objects.filter(anonymised_at__isnull=True, deletion_requested_at__lte=due_before)


def workers_inactive_since(moment: datetime) -> QuerySet[Worker]:
    """Workers not anonymised whose record and account have not moved since `moment` (retention, docs/security.md)."""
    return Worker.objects.filter(anonymised_at__isnull=True, updated_at__lt=moment).filter(
        Q(user__last_login__isnull=True) | Q(user__last_login__lt=moment)
    )


def ledger_imports_for(user: User) -> QuerySet[LedgerImport]:
    """A staff member's own imports (system admins see all); the file content itself is never loaded."""
    imports = LedgerImport.objects.defer("content")
    return imports if user.has_full_scope else imports.filter(uploaded_by=user)


def worker_phone_as_seen_by(*, viewer: User, worker: Worker) -> str:
    """The worker's phone whole for those who call them (roles that may unmask, their secretary, whoever registered
    them) and masked for everyone else who may open the record, such as a village agent of a neighbouring village."""
    phone = worker.user.phone
    if not phone:
        return ""
    caller_ids = {worker.secretary_id, worker.registered_by_id}
    if viewer_may_unmask(viewer) or viewer.pk in caller_ids:
        return phone
    return mask_phone(phone)
