"""举报: a job seeker reports a posting (fake, charging a fee, wage not as advertised); the owning county's staff
work through the reports as a queue. A posting reported by REPORTS_TO_HOLD different people leaves the job list at
once, before anyone has looked, and comes back only when a clerk keeps it."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.errors import ApplicationError
from jobs.models import JobPosting, PostingReport, PostingStatus, ReportReason
from jobs.pagecache import list_cache_invalidate
from jobs.services.access import check_may_edit
from jobs.services.postings import posting_close

REPORTS_TO_HOLD = 3
DETAILS_MAX_LENGTH = 200


@transaction.atomic
def posting_report(*, posting: JobPosting, reporter: User, reason: str, details: str = "") -> PostingReport:
    """Record `reporter`'s report; hold the posting from the list when it is the REPORTS_TO_HOLD-th open one."""
    if reason not in ReportReason.values:
        raise ApplicationError(_("请选择举报原因。"), field="reason")
    details = details.strip()
    if len(details) > DETAILS_MAX_LENGTH:
        raise ApplicationError(_("补充说明最多200字。"), field="details")
    # Locked so that two reports arriving together both see each other when counting.
    posting = JobPosting.objects.select_for_update().get(pk=posting.pk)
    if posting.status != PostingStatus.PUBLISHED:
        raise ApplicationError(_("这个岗位已停止招聘，不需要再举报。"), code="conflict")
    try:
        with transaction.atomic():
            report = PostingReport.objects.create(posting=posting, reporter=reporter, reason=reason, details=details)
    except IntegrityError:
        raise ApplicationError(_("您已经举报过这个岗位，工作人员核实后会处理。"), code="conflict") from None
    open_reports = posting.reports.filter(reviewed_at__isnull=True).count()
    if posting.held_at is None and open_reports >= REPORTS_TO_HOLD:
        posting.held_at = timezone.now()
        posting.save(update_fields=["held_at"])
        transaction.on_commit(list_cache_invalidate)
    return report


@transaction.atomic
def posting_reports_review(*, posting: JobPosting, actor: User, close: bool) -> JobPosting:
    """A clerk has looked: every open report of the posting is marked reviewed and the hold lifted; `close` also
    closes the posting (the reports were right)."""
    posting = JobPosting.objects.select_for_update().get(pk=posting.pk)
    check_may_edit(actor, posting.county_id)
    reviewed = posting.reports.filter(reviewed_at__isnull=True).update(reviewed_at=timezone.now(), reviewed_by=actor)
    if not reviewed:
        raise ApplicationError(_("这个岗位的举报已经处理过了。"), code="conflict")
    if posting.held_at is not None:
        posting.held_at = None
        posting.save(update_fields=["held_at"])
        transaction.on_commit(list_cache_invalidate)
    if close and posting.status == PostingStatus.PUBLISHED:
        posting = posting_close(posting=posting, actor=actor)
    return posting
