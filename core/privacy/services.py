import json
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.accounts.models import User
from core.errors import ApplicationError
from core.privacy.models import AuditAction, AuditLog
from core.spreadsheets import append_row, workbook_bytes

AUDIT_LOG_SUBJECT = "privacy:auditlog"
EXPORT_BATCH = 2000
# The audit log's export is written in the request (the audit administrator works only in the Django admin, where
# the background exports' pages are not): writing 50,000 lines took 5.7 s on a quiet 2-core machine
# (benchmarks/workbook_rows.py, docs/security.md), well inside gunicorn's 30 s; a wider filter is refused with a
# message instead of timing out.
AUDIT_LOG_EXPORT_MAX_ROWS = 50_000


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
    """The .xlsx bytes of the audit log lines `entries` (the reader's current filter), the export itself audited;
    more than AUDIT_LOG_EXPORT_MAX_ROWS lines are refused (ApplicationError) and nothing is written."""
    count = entries.count()
    if count > AUDIT_LOG_EXPORT_MAX_ROWS:
        raise ApplicationError(
            _("符合条件的审计记录有 %(count)s 条，一次最多导出 %(limit)s 条。请按日期或操作筛选后分几次导出。")
            % {"count": count, "limit": AUDIT_LOG_EXPORT_MAX_ROWS}
        )
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
