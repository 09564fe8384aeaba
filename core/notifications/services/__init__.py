"""Sending messages. `notify` is the one way any app sends anything (see docs/notifications.md).

A package: writing (`messages`), sending (`sending`), the periodic sweep (`dispatch`), asking the provider about
unknown outcomes (`reconciliation`), the receipts it pushes (`receipts`), broadcasts, the recipient's side.
`from core.notifications.services import X` works for all of them.
"""

from core.notifications.services.broadcasts import (
    broadcast_create,
    broadcast_fan_out,
    broadcast_preview,
    broadcast_resend_failed,
)
from core.notifications.services.dispatch import outbox_dispatch
from core.notifications.services.messages import (
    DAILY_CAP_REASON,
    EXPIRED_REASON,
    OPTED_OUT_REASON,
    message_rows_sql,
    notify,
    notify_each,
)
from core.notifications.services.receipts import receipts_record
from core.notifications.services.recipients import (
    inbox_mark_read,
    notification_preference_set,
    recipient_messages_erase,
)
from core.notifications.services.reconciliation import RECONCILE_LOCK, outbox_reconcile
from core.notifications.services.sending import outbox_send

__all__ = [
    "DAILY_CAP_REASON",
    "EXPIRED_REASON",
    "OPTED_OUT_REASON",
    "RECONCILE_LOCK",
    "broadcast_create",
    "broadcast_fan_out",
    "broadcast_preview",
    "broadcast_resend_failed",
    "inbox_mark_read",
    "message_rows_sql",
    "notification_preference_set",
    "notify",
    "notify_each",
    "outbox_dispatch",
    "outbox_reconcile",
    "outbox_send",
    "receipts_record",
    "recipient_messages_erase",
]
