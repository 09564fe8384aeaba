import pytest
from django.core.management import call_command

from core.identity import parse_id_number
from workers.models import ServiceRecord, Worker

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_few_hundred_workers_with_valid_numbers_and_secretaries(regions, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    workers = list(Worker.objects.select_related("user", "secretary"))
    assert 200 <= len(workers) <= 1000
    for worker in workers:
        assert parse_id_number(worker.id_number).birth_date == worker.birth_date
        assert worker.user.phone.startswith("199")
    assert {worker.secretary.username for worker in workers if worker.secretary} == {
        "liuyang_staff", "ningxiang_staff", "xinhua_staff", "guzhang_staff"
    }  # fmt: skip
    assert ServiceRecord.objects.exists()
    assert any(worker.id_number.startswith("430123") for worker in workers)

    call_command("seed_demo")
    assert Worker.objects.count() == len(workers)
