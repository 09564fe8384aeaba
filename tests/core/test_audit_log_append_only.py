"""The audit log is append-only in PostgreSQL itself (trigger, core/privacy/migrations/0003): UPDATE and DELETE are
refused whatever the application asks, except the retention path's DELETE of rows past retention."""

import pytest
from django.db import DatabaseError, connection, transaction

from core.privacy.models import AuditAction, AuditLog
from core.privacy.retention import audit_rows_delete
from core.privacy.services import audit_record


def audit_row_aged(days):
    """An audit row written `days` ago (inserted as such: no UPDATE can age it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO privacy_auditlog (action, subject, reason, detail, created_at) "
            "VALUES ('export', 'workers:ledger', '月报', '{}', now() - make_interval(days => %s)) RETURNING id",
            [days],
        )
        return cursor.fetchone()[0]


def delete_claiming_retention(entry_id, *, days):
    """What a session that sets the retention by hand could try, bypassing core.privacy.retention's floor."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('chunfeng.audit_retention_days', %s, true)", [str(days)])
        AuditLog.objects.filter(pk=entry_id).delete()


@pytest.mark.django_db
def test_the_database_refuses_to_change_an_audit_row():
    entry = audit_record(actor=None, action=AuditAction.EXPORT, subject="workers:ledger", reason="月报")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).update(reason="什么也没发生")
    assert AuditLog.objects.get(pk=entry.pk).reason == "月报"


@pytest.mark.django_db
def test_the_database_refuses_to_delete_even_an_old_audit_row_outside_the_retention_path():
    old = audit_row_aged(4000)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=old).delete()
    assert AuditLog.objects.filter(pk=old).exists()


@pytest.mark.django_db
def test_the_retention_path_deletes_rows_past_retention_and_the_database_refuses_younger_ones():
    old, young = audit_row_aged(400), audit_row_aged(100)

    assert audit_rows_delete(ids=[old], retention_days=365) == 1
    with pytest.raises(DatabaseError, match="append-only"):
        audit_rows_delete(ids=[young], retention_days=365)
    assert list(AuditLog.objects.values_list("pk", flat=True)) == [young]


@pytest.mark.django_db
def test_the_database_keeps_audit_rows_180_days_whatever_retention_a_session_claims():
    aged_100_days = audit_row_aged(100)
    with pytest.raises(DatabaseError, match="append-only"):
        delete_claiming_retention(aged_100_days, days=30)
    assert AuditLog.objects.filter(pk=aged_100_days).exists()


@pytest.mark.django_db
def test_the_retention_setting_ends_with_its_transaction():
    old = audit_row_aged(400)
    second_old = audit_row_aged(400)
    audit_rows_delete(ids=[old], retention_days=365)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=second_old).delete()
