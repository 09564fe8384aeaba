"""The one way audit rows are ever deleted: past their retention, by the retention task (docs/security.md).

The database refuses UPDATE and DELETE on the audit log (trigger, migration 0003) unless the transaction has set
chunfeng.audit_retention_days, and then only for rows older than that many days and never under 180. The setting is
SET LOCAL, and cleared again right after the DELETE: nothing else in the transaction or the connection inherits it.
"""

from datetime import timedelta

from django.db import connection, transaction

from core.privacy.models import AuditLog

# The Cybersecurity Law (art. 21) keeps network logs six months at least; the trigger holds to the same floor.
MINIMUM_AUDIT_RETENTION_DAYS = 180
# The database's clock and ours may differ a little; a row this close to its limit waits for the next run rather
# than making the trigger refuse the whole batch.
_CLOCK_MARGIN = timedelta(hours=1)


def audit_rows_due(*, now, retention_days):
    return AuditLog.objects.filter(created_at__lt=now - timedelta(days=retention_days) - _CLOCK_MARGIN)


def audit_rows_delete(*, ids, retention_days):
    """Delete the audit rows `ids`, which must all be past `retention_days` (the trigger checks); returns how many."""
    if retention_days < MINIMUM_AUDIT_RETENTION_DAYS:
        raise ValueError(f"Audit rows are kept {MINIMUM_AUDIT_RETENTION_DAYS} days at least.")
    with transaction.atomic():
        _allow_deletion_past(retention_days)
        deleted, _by_model = AuditLog.objects.filter(pk__in=ids).delete()
        # Also when called inside a longer transaction: the permission covers this DELETE and nothing after. (If
        # the DELETE fails, rolling back the block's savepoint takes the setting back with it.)
        _allow_deletion_past(None)
    return deleted


def _allow_deletion_past(retention_days):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        value = "" if retention_days is None else str(retention_days)
        cursor.execute("SELECT set_config('chunfeng.audit_retention_days', %s, true)", [value])
