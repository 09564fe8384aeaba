from datetime import timedelta

import pytest
from django.utils import timezone

from core.accounts.models import Role
from core.errors import ApplicationError
from tests.factories import ServiceRecordFactory, UserFactory, WorkerFactory
from workers.models import ServiceKind, Worker
from workers.selectors import ledger_workers, one_three_one_summary, secretary_workers
from workers.services import workers_assign_secretary

pytestmark = pytest.mark.django_db


def serve(worker, kind, times=1, days_ago=0):
    for _ in range(times):
        ServiceRecordFactory(worker=worker, kind=kind, served_on=timezone.localdate() - timedelta(days=days_ago))


def test_one_three_one_counts_each_part_of_the_norm(liuyang_staff, dayao):
    complete, partial, untouched = WorkerFactory.create_batch(3, home_region=dayao, secretary=liuyang_staff)
    serve(complete, ServiceKind.GUIDANCE)
    serve(complete, ServiceKind.RECOMMENDATION, times=3)
    serve(complete, ServiceKind.TRAINING)
    serve(partial, ServiceKind.GUIDANCE)
    serve(partial, ServiceKind.RECOMMENDATION, times=2)
    serve(partial, ServiceKind.PHONE_FOLLOW_UP, times=5)

    summary = one_three_one_summary(secretary_workers(secretary=liuyang_staff))
    assert summary == {"workers": 3, "met": 1, "guidance": 2, "recommendation": 1, "training": 1}
    progress = {worker.pk: worker for worker in secretary_workers(secretary=liuyang_staff)}
    assert progress[partial.pk].recommendation_count == 2
    assert progress[untouched.pk].guidance_count == 0


def test_the_secretary_sees_who_has_not_been_contacted_in_n_days(client, liuyang_staff, dayao):
    recent, stale, never = WorkerFactory.create_batch(3, home_region=dayao, secretary=liuyang_staff)
    serve(recent, ServiceKind.PHONE_FOLLOW_UP, days_ago=3)
    serve(stale, ServiceKind.PHONE_FOLLOW_UP, days_ago=40)
    due = {worker.pk for worker in secretary_workers(secretary=liuyang_staff, not_contacted_days=30)}
    assert due == {stale.pk, never.pk}

    client.force_login(liuyang_staff)
    page = client.get("/console/workers/secretary/", {"days": 30, "due": 1})
    assert {worker.pk for worker, _met in page.context["rows"]} == {stale.pk, never.pk}
    assert page.context["county"]["workers"] == 3


def test_secretaries_are_assigned_in_bulk_from_the_filtered_list(client, liuyang_staff, dayao, nanyang):
    in_dayao = WorkerFactory.create_batch(2, home_region=dayao)
    in_nanyang = WorkerFactory(home_region=nanyang)
    client.force_login(liuyang_staff)
    client.post(f"/console/workers/assign/?region={dayao.code}", {"secretary": liuyang_staff.pk, "all": "1"})
    assert set(Worker.objects.filter(secretary=liuyang_staff)) == set(in_dayao)
    in_nanyang.refresh_from_db()
    assert in_nanyang.secretary is None

    client.post("/console/workers/assign/", {"secretary": liuyang_staff.pk, "worker": [in_nanyang.pk]})
    in_nanyang.refresh_from_db()
    assert in_nanyang.secretary == liuyang_staff


def test_a_secretary_must_be_county_staff_of_the_workers_county(liuyang_staff, dayao, regions, dayao_agent):
    worker = WorkerFactory(home_region=dayao)
    with pytest.raises(ApplicationError):
        workers_assign_secretary(actor=liuyang_staff, workers=Worker.objects.all(), secretary=dayao_agent)
    xinhua_staff = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="431322"))
    with pytest.raises(ApplicationError):
        workers_assign_secretary(actor=liuyang_staff, workers=Worker.objects.all(), secretary=xinhua_staff)
    admin = UserFactory(role=Role.ADMIN, is_superuser=True)
    assert workers_assign_secretary(actor=admin, workers=Worker.objects.all(), secretary=xinhua_staff) == 0
    worker.refresh_from_db()
    assert worker.secretary is None


def test_a_service_record_is_added_on_the_record_page(client, liuyang_staff, dayao):
    worker = WorkerFactory(home_region=dayao, secretary=liuyang_staff)
    client.force_login(liuyang_staff)
    response = client.post(
        f"/console/workers/{worker.pk}/service/",
        {"kind": ServiceKind.RECOMMENDATION, "served_on": timezone.localdate().isoformat(), "notes": "推荐比亚迪普工"},
    )
    assert response.status_code == 302
    assert worker.service_records.get().notes == "推荐比亚迪普工"
    assert ledger_workers(user=liuyang_staff).count() == 1


def test_the_worker_sees_their_secretary_and_how_to_reach_them(client, liuyang_staff, dayao):
    liuyang_staff.phone = "13100000001"
    liuyang_staff.save()
    worker = WorkerFactory(home_region=dayao, secretary=liuyang_staff)
    client.force_login(worker.user)
    page = client.get("/me/").content.decode()
    assert "李春花" in page
    assert "tel:13100000001" in page
