from typing import Any

from django.db import transaction

from core.accounts.models import User
from core.privacy.models import AuditLog


@transaction.atomic
def audit_record(
    *, actor: User | None, action: str, subject: str, reason: str, detail: dict[str, Any] | None = None
) -> AuditLog:
    """Write one line of the personal-data audit log; called inside the transaction that shows or moves the data."""
    return AuditLog.objects.create(actor=actor, action=action, subject=subject, reason=reason, detail=detail or {})
