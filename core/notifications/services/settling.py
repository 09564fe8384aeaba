"""What every path that settles a row's fate writes: the sender after a provider's answer, the reconciliation after
asking the provider, the receipts the provider pushes."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet

from core.notifications.catalog import secret_template_keys
from core.notifications.models import OutboxMessage, Status
from core.notifications.outcome_counts import sms_outcome_count
from core.notifications.publishing import send_after_commit
from core.notifications.services.messages import EXPIRED_REASON


def rows_requeue(rows: QuerySet[OutboxMessage], *, reason: str, error_code: str, delay: float, now: datetime) -> None:
    """Put `rows` (a queryset of rows this process owns) back to `queued` to go again after `delay` seconds:
    failed instead after the last attempt, cancelled instead when they would go after their life (a sign-in code)."""
    send_after = now + timedelta(seconds=delay)
    failed = rows.filter(attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error=reason, error_code=error_code
    )
    sms_outcome_count("failed", failed)
    rows.filter(expires_at__lte=send_after).update(
        status=Status.CANCELLED, last_error=EXPIRED_REASON, error_code="expired"
    )
    retries = list(rows.values_list("id", "template"))
    rows.update(status=Status.QUEUED, last_error=reason, error_code=error_code, send_after=send_after, enqueued_at=now)
    send_after_commit(retries, countdown=delay)


def secrets_forget(ids: list[int]) -> None:
    """Blank the text of secret messages (sign-in codes) among `ids` that are done with: sent, failed or cancelled
    for good. A row that will be tried again, or whose fate the provider is still asked about, keeps its text."""
    OutboxMessage.objects.filter(
        id__in=ids, template__in=secret_template_keys(), status__in=(Status.SENT, Status.FAILED, Status.CANCELLED)
    ).update(params={}, text="")
