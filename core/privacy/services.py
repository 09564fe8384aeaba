import json
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.accounts.models import User
from core.privacy.models import AuditAction, AuditLog
from core.spreadsheets import append_row, workbook_bytes

AUDIT_LOG_SUBJECT = "privacy:auditlog"
EXPORT_BATCH = 2000


@transaction.atomic
def audit_record(
    *, actor: User | None, action: str, subject: str, reason: str, detail: dict[str, Any] | None = None
) -> AuditLog:
    """Write one line of the personal-data audit log; called inside the transaction that shows or moves the data."""
    return AuditLog.objects.create(actor=actor, action=action, subject=subject, reason=reason, detail=detail or {})


def audit_log_read_record(*, reader: User, rows: int, filters: dict[str, Any], entry_id: int | None = None) -> AuditLog:
    """The audit administrator read the log (a page of `rows` lines under `filters`, or the line `entry_id`)."""
    return audit_record(
        actor=reader,
        action=AuditAction.AUDIT_READ,
        subject=f"auditlog:{entry_id}" if entry_id is not None else AUDIT_LOG_SUBJECT,
        reason=_("查阅审计记录"),
        detail={"rows": rows, "filters": filters},
    )


@transaction.atomic
def audit_log_export_workbook(*, reader: User, entries: QuerySet[AuditLog], filters: dict[str, Any]) -> bytes:
    """The .xlsx bytes of the audit log lines `entries` (the reader's current filter), the export itself audited."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("审计记录"))
    append_row(sheet, [_("编号"), _("时间"), _("操作人"), _("操作"), _("对象"), _("理由"), _("详情")])
    count = 0
    for entry in entries.select_related("actor").iterator(chunk_size=EXPORT_BATCH):
        count += 1
        append_row(
            sheet,
            [
                entry.pk,
                timezone.localtime(entry.created_at).replace(tzinfo=None),
                entry.actor.username if entry.actor else _("系统"),
                entry.get_action_display(),
                entry.subject,
                entry.reason,
                json.dumps(entry.detail, ensure_ascii=False) if entry.detail else "",
            ],
        )
    audit_record(
        actor=reader,
        action=AuditAction.EXPORT,
        subject=AUDIT_LOG_SUBJECT,
        reason=_("导出审计记录"),
        detail={"rows": count, "filters": filters},
    )
    return workbook_bytes(workbook)
