"""Asking for an export, writing it in the worker, downloading it, and clearing what has expired.

The writing follows core/imports.py's lessons:

1. an export already finished is left as it is (a task redelivered after a crash does nothing: the file and its
   audit line were committed together, or neither was);
2. a kind's check runs again (the person may have lost the role meanwhile), then the rows are read, from a replica
   when one is configured, and written through `core.spreadsheets.append_row` (no formula from anyone's text);
3. the file, its row count, the "ready" mark and the audit line commit in one transaction;
4. whatever goes wrong, the export ends "failed" with a message people can act on and the traceback in the log:
   never left "running" by a bug; one left by a dead worker is ended by `exports_sweep`.
"""

import hashlib
import json
import logging
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.accounts.models import User
from core.errors import ApplicationError
from core.exports.kinds import ExportKind, kind_named
from core.exports.models import UNFINISHED_STATUSES, Export, ExportStatus
from core.privacy.models import AuditAction
from core.privacy.services import audit_record
from core.replicas import replica_reads
from core.spreadsheets import append_row, workbook_bytes

logger = logging.getLogger(__name__)


def _retention() -> timedelta:
    return timedelta(hours=settings.EXPORT_RETENTION_HOURS)


def _dedupe_key(kind: ExportKind, query: str, options: dict[str, Any]) -> str:
    text = json.dumps([kind.name, query, options], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _unfinished(requested_by: User, kind: ExportKind, dedupe_key: str) -> Export | None:
    return (
        Export.objects.defer("content")
        .filter(requested_by=requested_by, kind=kind.name, dedupe_key=dedupe_key, status__in=UNFINISHED_STATUSES)
        .first()
    )


def export_request(
    *,
    kind: ExportKind,
    requested_by: User,
    query: str,
    options: dict[str, Any],
    filters: dict[str, Any],
    filters_shown: list[list[str]],
    list_url: str,
) -> tuple[Export, bool]:
    """Record an export of `kind` for `requested_by` (the caller queues `export_build` when it is new); returns it
    and whether it is new. The same query string and options asked again while one is still queued or being written
    give that one (`query` in a canonical order, so that the same filter is the same text)."""
    if kind.check is not None:
        kind.check(requested_by, options)
    dedupe_key = _dedupe_key(kind, query, options)
    existing = _unfinished(requested_by, kind, dedupe_key)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            export = Export.objects.create(
                requested_by=requested_by,
                kind=kind.name,
                query=query,
                options=options,
                filters=filters,
                filters_shown=filters_shown,
                dedupe_key=dedupe_key,
                list_url=list_url[:1000],
                expires_at=timezone.now() + _retention(),
            )
    except IntegrityError:
        # The second of two clicks that arrived together: the first one's export.
        existing = _unfinished(requested_by, kind, dedupe_key)
        if existing is None:
            raise
        return existing, False
    return export, True


def export_run(*, export_id: int) -> Export | None:
    """Write one export's file (the steps above); returns the export, or None when it is gone (expired)."""
    try:
        return _written(export_id)
    except ApplicationError as error:
        return _failed(export_id, str(error.message))
    except SoftTimeLimitExceeded:
        logger.warning("Export %s ran out of time", export_id)
        return _failed(export_id, _("要导出的行数太多，未能按时生成。请缩小筛选范围，分几次导出。"))
    except Exception:
        logger.exception("Export %s broke off", export_id)
        return _failed(export_id, _("生成文件时出错，未生成任何文件。请回到列表重新导出；如仍出错，请联系管理员。"))


def _written(export_id: int) -> Export | None:
    export = Export.objects.select_related("requested_by").defer("content").filter(pk=export_id).first()
    if export is None or export.finished:
        return export
    kind = kind_named(export.kind)
    if kind is None:
        raise ApplicationError(_("这种导出已不再提供。"))
    Export.objects.filter(pk=export_id, status__in=UNFINISHED_STATUSES).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    if kind.check is not None:
        kind.check(export.requested_by, export.options)
    # Outside a transaction, so that the rows may come from a replica (core/replicas.py).
    with replica_reads():
        content, count, rows = _workbook(kind, export)
    now = timezone.localtime()
    with transaction.atomic():
        written = Export.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
            status=ExportStatus.READY,
            content=content,
            row_count=count,
            file_name=f"{kind.file_prefix}-{timezone.localtime(export.created_at):%Y%m%d-%H%M}.xlsx",
            message="",
            finished_at=now,
            expires_at=now + _retention(),
        )
        # Ended meanwhile (by `exports_sweep`) or deleted: nothing was kept, so nothing left the system.
        if written:
            audit_record(
                actor=export.requested_by,
                action=AuditAction.EXPORT,
                subject=kind.subject,
                reason=str(rows.reason),
                detail={"rows": count, **rows.detail, "filters": export.filters, "export": export.pk},
            )
    return Export.objects.defer("content").filter(pk=export_id).first()


def _workbook(kind: ExportKind, export: Export) -> tuple[bytes, int, Any]:
    rows = kind.rows(export)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(kind.sheet_title))
    append_row(sheet, [str(column) for column in rows.header])
    count = 0
    for row in rows.rows:
        append_row(sheet, row)
        count += 1
    return workbook_bytes(workbook), count, rows


def _failed_fields(message: str) -> dict[str, Any]:
    """What an export that ended without a file is updated with: kept (its message shown) for the retention time."""
    now = timezone.now()
    return {
        "status": ExportStatus.FAILED,
        "message": message,
        "content": b"",
        "finished_at": now,
        "expires_at": now + _retention(),
    }


def _failed(export_id: int, message: str) -> Export | None:
    Export.objects.filter(pk=export_id).exclude(status=ExportStatus.READY).update(**_failed_fields(message))
    return Export.objects.defer("content").filter(pk=export_id).first()


def export_download_record(*, export: Export, reader: User) -> None:
    """The file leaves the system once more: one audit line per download, naming the export it came from."""
    kind = kind_named(export.kind)
    audit_record(
        actor=reader,
        action=AuditAction.EXPORT,
        subject=f"export:{export.pk}",
        reason=_("下载导出文件：%(label)s") % {"label": kind.label if kind else export.kind},
        detail={"kind": export.kind, "rows": export.row_count, "filters": export.filters, "export": export.pk},
    )


def exports_sweep() -> dict[str, int]:
    """Run by Celery beat (CELERY_BEAT_SCHEDULE): delete every export past its `expires_at` (its file with it), and
    end as failed one still "running" after a task may last (its worker died without a word)."""
    now = timezone.now()
    abandoned_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    abandoned = Export.objects.filter(status=ExportStatus.RUNNING, started_at__lt=abandoned_before).update(
        **_failed_fields(_("生成文件时后台任务中断，未生成任何文件。请回到列表重新导出。"))
    )
    deleted, _per_model = Export.objects.filter(expires_at__lte=now).delete()
    return {"deleted": deleted, "abandoned": abandoned}
