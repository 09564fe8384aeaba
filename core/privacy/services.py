from django.db import transaction

from core.privacy.models import AuditLog


@transaction.atomic
def audit_record(*, actor, action, subject, reason, detail=None):
    """Write one line of the personal-data audit log; called inside the transaction that shows or moves the data."""
    return AuditLog.objects.create(actor=actor, action=action, subject=subject, reason=reason, detail=detail or {})
