"""The change history of employers, postings and cooperation agreements as the console shows it (simple-history)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from simple_history.models import DeletedObject

from core.accounts.models import User

HISTORY_LIMIT = 50


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    action: str
    changes: list[tuple[str, str, str]]  # (field label, old value, new value)
    reason: str = ""


def _history_value(field: Any, value: object) -> str:
    if isinstance(value, DeletedObject):
        # simple-history's stand-in for a foreign key that was empty (pk None) or whose row is gone.
        return "—" if value.pk is None else _("（已删除）")
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, User):
        return value.get_full_name() or value.username
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def history_entries(instance: models.Model, *, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """Who changed what and when on a tracked row, newest first, each change with the field's Chinese name."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    model = type(instance)
    actions = {"+": pgettext("history", "新建"), "~": pgettext("history", "修改"), "-": pgettext("history", "删除")}
    entries: list[HistoryEntry] = []
    for newer, older in zip(records[:limit], [*records[1:], None], strict=False):
        changes: list[tuple[str, str, str]] = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, foreign_keys_are_objs=True)
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                changes.append(
                    (str(field.verbose_name), _history_value(field, change.old), _history_value(field, change.new))
                )
            if not changes:
                continue
        user = newer.history_user
        entries.append(
            HistoryEntry(
                when=newer.history_date,
                who=(user.get_full_name() or user.username) if user else _("系统"),
                action=actions.get(newer.history_type, newer.history_type),
                changes=changes,
                reason=newer.history_change_reason or "",
            )
        )
    return entries
