"""Retention (PIPL, docs/security.md "Retention"): each kind of personal data is kept RETENTION_DAYS[kind] days
once it has served, then deleted or anonymised by the nightly task (`portal.tasks.retention_apply`), in short batches.
`manage.py retention_purge --dry-run` lists what is due. Wired here, at the top, because the kinds live in every
layer (accounts, notifications, the audit log, workers, and the applications and bookings that keep a worker live).

Anonymising keeps what statistics count (home region, status and its dates, sex, key groups); it drops the name,
the ID number, the birth date, the phone and free text (workers.services._personal_data_erase).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.models import SignInCode
from core.accounts.services import sign_in_codes_due
from core.campaigns.models import Campaign
from core.notifications.retention import sms_bodies_blank, sms_bodies_due
from core.privacy.models import AuditAction
from core.privacy.retention import audit_rows_delete, audit_rows_due
from core.privacy.services import audit_record
from placement.applications.models import Application
from transport.models import Booking
from workers.models import Worker
from workers.selectors import workers_inactive_since
from workers.services import worker_anonymise_inactive

BATCH_SIZE = 1000


@dataclass(frozen=True)
class Kind:
    key: str  # its entry in RETENTION_DAYS
    label: str
    action: str
    # (now, days) -> the rows past retention; (ids, now, days) -> how many were dealt with
    due: Callable
    apply: Callable


def _delete_sign_in_codes(ids, now, days):
    deleted, _by_model = SignInCode.objects.filter(pk__in=ids).delete()
    return deleted


def last_campaign_end_before(cutoff_date):
    """When the newest campaign that ended before `cutoff_date` was over (its next midnight, Asia/Shanghai)."""
    ends_on = Campaign.objects.filter(ends_on__lt=cutoff_date).aggregate(last=Max("ends_on"))["last"]
    if ends_on is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(ends_on + datetime.timedelta(days=1), datetime.time()))


def _inactive_since(now, days):
    return last_campaign_end_before(timezone.localdate(now) - datetime.timedelta(days=days))


def _workers_due(now, days):
    """Workers nobody has touched (record, sign-in, applications, bookings) since the end of the last campaign that
    closed more than `days` ago."""
    moment = _inactive_since(now, days)
    if moment is None:
        return Worker.objects.none()
    live = Application.objects.filter(updated_at__gte=moment).values("worker_id")
    booked = Booking.objects.filter(created_at__gte=moment).values("worker_id")
    return workers_inactive_since(moment).exclude(pk__in=live).exclude(pk__in=booked)


def _anonymise_workers(ids, now, days):
    moment = _inactive_since(now, days)
    return sum(worker_anonymise_inactive(worker_id=worker_id, inactive_since=moment) for worker_id in ids)


KINDS = (
    Kind(
        "sign_in_codes",
        gettext_lazy("短信验证码"),
        gettext_lazy("删除"),
        lambda now, days: sign_in_codes_due(now=now),
        _delete_sign_in_codes,
    ),
    Kind(
        "outbox_bodies",
        gettext_lazy("已发送短信的正文"),
        gettext_lazy("清空正文"),
        lambda now, days: sms_bodies_due(before=now - datetime.timedelta(days=days)),
        lambda ids, now, days: sms_bodies_blank(ids=ids),
    ),
    Kind(
        "audit_rows",
        gettext_lazy("个人信息访问记录"),
        gettext_lazy("删除"),
        lambda now, days: audit_rows_due(now=now, retention_days=days),
        lambda ids, now, days: audit_rows_delete(ids=ids, retention_days=days),
    ),
    Kind(
        "closed_campaign_workers",
        gettext_lazy("已结束春风行动的务工人员信息"),
        gettext_lazy("匿名化"),
        _workers_due,
        _anonymise_workers,
    ),
)


def retention_report(*, now=None):
    """(kind, days, rows due) for every kind: what a run would deal with now."""
    now = now or timezone.now()
    return [(kind, settings.RETENTION_DAYS[kind.key], _due(kind, now).count()) for kind in KINDS]


def _due(kind, now):
    return kind.due(now, settings.RETENTION_DAYS[kind.key])


def _next_ids(kind, now, *, after_id, size):
    return list(_due(kind, now).filter(pk__gt=after_id).order_by("pk").values_list("pk", flat=True)[:size])


def retention_apply(*, now=None, batch_size=BATCH_SIZE):
    """Deal with everything past retention, kind by kind, in batches of `batch_size` rows (each its own short
    transaction); one audit line per kind that had any. Returns {kind key: rows dealt with}."""
    now = now or timezone.now()
    done = {}
    for kind in KINDS:
        days = settings.RETENTION_DAYS[kind.key]
        count, after_id = 0, 0
        # Walks the ids upwards, so a row that a batch leaves (changed meanwhile) is not picked again.
        while ids := list(
            _due(kind, now).filter(pk__gt=after_id).order_by("pk").values_list("pk", flat=True)[:batch_size]
        ):
            count += kind.apply(ids, now, days)
            after_id = ids[-1]
        done[kind.key] = count
        if count:
            audit_record(
                actor=None,
                action=AuditAction.RETENTION,
                subject=f"retention:{kind.key}",
                reason=_("保留期满：%(kind)s%(action)s") % {"kind": kind.label, "action": kind.action},
                detail={"rows": count, "days": days},
            )
    return done
