"""The delivery receipts the provider pushes to us (core/notifications/provider_urls.py)."""

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.notifications.gateways import china_time
from core.notifications.models import Channel, Delivery, OutboxMessage, Status
from core.notifications.outcome_counts import sms_outcome_count
from core.notifications.services.settling import secrets_forget


def _pushed_receipt(report: dict) -> tuple[Q, bool, str, str]:
    """One pushed receipt as (the rows it names, delivered, the carrier's code, when): 阿里云 SmsReport names our
    OutId (phone_number, success, err_code, report_time, out_id); 腾讯云's status callback names the number's
    SerialNo (mobile, report_status, errmsg, user_receive_time, sid)."""
    if "sid" in report:
        rows = Q(provider_message_id=str(report["sid"]), phone=str(report["mobile"]))
        delivered = report["report_status"] == "SUCCESS"
        return rows, delivered, str(report.get("errmsg", "")), report.get("user_receive_time", "")
    rows = Q(provider_out_id=str(report["out_id"]), phone=str(report["phone_number"]))
    return rows, bool(report["success"]), str(report.get("err_code", "")), report.get("report_time", "")


def receipts_record(*, reports: list[dict]) -> int:
    """Record the provider's pushed delivery receipts (either provider's shape, `_pushed_receipt`). A receipt also
    settles a row of unknown fate: the provider sent it. Returns how many rows changed; receipts of messages we do
    not know are ignored (the same account may serve other systems)."""
    recorded = 0
    with transaction.atomic():
        for report in reports:
            named, delivered, code, reported_at = _pushed_receipt(report)
            reported_at = china_time(reported_at) or timezone.now()
            rows = OutboxMessage.objects.filter(named, channel=Channel.SMS, status__in=[Status.SENT, Status.UNKNOWN])
            settled = rows.filter(status=Status.UNKNOWN).update(
                status=Status.SENT, sent_at=F("claimed_at"), last_error="", error_code=""
            )
            sms_outcome_count("sent", settled)
            secrets_forget(list(rows.values_list("id", flat=True)))
            delivery = Delivery.DELIVERED if delivered else Delivery.UNDELIVERED
            updated = rows.update(
                delivery=delivery,
                delivery_error="" if delivered else code,
                delivered_at=reported_at,
                reconcile_after=None,
            )
            sms_outcome_count(delivery, updated)
            recorded += updated
    return recorded
