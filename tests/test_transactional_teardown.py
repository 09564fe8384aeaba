"""The end of a transactional test (tests/conftest.py, `django_db_setup`): whatever the test committed is gone and
the session's regions are as they were, so the next test finds the database as every test does."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import TransactionTestCase

from core.accounts.models import User
from core.privacy.models import AuditAction, AuditLog
from core.privacy.services import audit_record
from core.regions.models import Region, RegionLevel
from jobs.models import JobPosting
from tests.factories import JobPostingFactory, WorkerFactory
from workers.models import Worker


@pytest.mark.django_db(transaction=True)
def test_a_transactional_tests_rows_are_deleted_and_the_regions_it_changed_are_put_back(regions):
    regions_before = set(Region.objects.values_list("code", "name", "level", "parent_id"))
    permissions_before, content_types_before = Permission.objects.count(), ContentType.objects.count()
    worker = WorkerFactory(home_region=regions.get(code="430181102201"))
    # The audit log refuses DELETE (a trigger): what a test wrote there goes all the same.
    audit_record(actor=worker.user, action=AuditAction.EXPORT, subject="worker", reason="测试")
    JobPostingFactory()
    Region.objects.filter(code="430181").update(name="改过的名字")
    Region.objects.create(code="430181199", name="测试镇", level=RegionLevel.TOWNSHIP, parent_id="430181")
    Region.objects.filter(code="430181102202").delete()
    assert set(Region.objects.values_list("code", "name", "level", "parent_id")) != regions_before

    TransactionTestCase(methodName="__init__")._fixture_teardown()

    assert not User.objects.exists()
    assert not Worker.objects.exists()
    assert not JobPosting.objects.exists()
    assert not AuditLog.objects.exists()
    assert set(Region.objects.values_list("code", "name", "level", "parent_id")) == regions_before
    assert (Permission.objects.count(), ContentType.objects.count()) == (permissions_before, content_types_before)
