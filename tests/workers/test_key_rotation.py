"""PII key rotation (docs/operations.md, "Key rotation"): several keys, new writes with the newest, reads with any,
and `manage.py rotate_pii_key` moving every ID number over in resumable batches."""

import base64
import datetime
import io
import os

import psycopg2
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from core.errors import ApplicationError
from core.identity import make_id_number
from core.privacy import crypto
from core.privacy.crypto import decrypt_text, encrypt_text, key_id, keyed_hash
from tests.factories import WorkerFactory
from workers.models import ID_NUMBER_PURPOSE, Worker
from workers.services import worker_register

BIRTH = datetime.date(1988, 1, 1)
OLD_KEY = "the-old-pii-key-of-the-county-bureau"
NEW_KEY = "the-new-pii-key-of-the-county-bureau"


@pytest.fixture
def old_key_only(settings):
    settings.PII_KEY, settings.PII_KEYS = OLD_KEY, []


def rotate_to_new_key(settings):
    """What the operator does first: the new key in front, the old one still configured (PII_KEY)."""
    settings.PII_KEYS = [NEW_KEY]


def register(home_region, *, sequence, phone):
    number = make_id_number(county_code="430181", birth_date=BIRTH, sequence=sequence)
    worker = worker_register(
        phone=phone, full_name="李四", id_number=number, home_region=home_region, status="returned", consent_given=True
    )
    return worker, number


def rotate(**options):
    out = io.StringIO()
    call_command("rotate_pii_key", stdout=out, **options)
    return out.getvalue()


@pytest.mark.usefixtures("old_key_only")
def test_a_number_written_under_the_old_key_reads_and_is_found_after_a_new_key_is_put_in_front(settings, regions):
    worker, number = register(regions.get(code="430181102201"), sequence=1, phone="13800000001")
    rotate_to_new_key(settings)

    assert Worker.objects.get(pk=worker.pk).id_number == number
    with pytest.raises(ApplicationError, match="此身份证号已登记"):
        register(regions.get(code="430181102202"), sequence=1, phone="13800000002")


@pytest.mark.usefixtures("old_key_only")
def test_new_writes_use_the_newest_key(settings, regions):
    rotate_to_new_key(settings)
    worker, number = register(regions.get(code="430181102201"), sequence=2, phone="13800000003")

    assert worker.id_number_encrypted.startswith(key_id(NEW_KEY) + ":")
    assert worker.id_number_hash == keyed_hash(number, purpose=ID_NUMBER_PURPOSE)
    settings.PII_KEY, settings.PII_KEYS = NEW_KEY, []
    assert Worker.objects.get(pk=worker.pk).id_number == number


@pytest.mark.usefixtures("old_key_only")
def test_the_rotation_moves_every_number_and_hash_so_the_old_key_can_go(settings, regions):
    village = regions.get(code="430181102201")
    workers = [register(village, sequence=10 + n, phone=f"1380000001{n}") for n in range(5)]
    updated_before = {worker.pk: worker.updated_at for worker, _number in workers}
    rotate_to_new_key(settings)

    output = rotate(batch_size=2)

    assert "5 ID numbers to move" in output
    assert "Every ID number uses key" in output
    settings.PII_KEY, settings.PII_KEYS = NEW_KEY, []  # the old key removed
    for worker, number in workers:
        stored = Worker.objects.get(pk=worker.pk)
        assert stored.id_number == number
        assert stored.id_number_hash == keyed_hash(number, purpose=ID_NUMBER_PURPOSE)
        assert stored.updated_at == updated_before[worker.pk]
    with pytest.raises(ApplicationError, match="此身份证号已登记"):
        register(regions.get(code="430181102202"), sequence=12, phone="13800000020")


@pytest.mark.usefixtures("old_key_only")
def test_an_interrupted_rotation_keeps_every_number_readable_and_the_next_run_finishes_it(
    settings, regions, monkeypatch
):
    village = regions.get(code="430181102201")
    workers = [register(village, sequence=30 + n, phone=f"1380000003{n}") for n in range(5)]
    rotate_to_new_key(settings)
    from workers.management.commands import rotate_pii_key

    real_batch = rotate_pii_key.identities_rotate_batch
    calls = []

    def killed_after_the_first_batch(**kwargs):
        if calls:
            raise KeyboardInterrupt
        calls.append(kwargs)
        return real_batch(**kwargs)

    monkeypatch.setattr(rotate_pii_key, "identities_rotate_batch", killed_after_the_first_batch)
    with pytest.raises(KeyboardInterrupt):
        rotate(batch_size=2)

    moved = [w for w, _ in workers if Worker.objects.get(pk=w.pk).id_number_encrypted.startswith(key_id(NEW_KEY))]
    assert len(moved) == 2
    assert [Worker.objects.get(pk=w.pk).id_number for w, _ in workers] == [number for _, number in workers]

    monkeypatch.setattr(rotate_pii_key, "identities_rotate_batch", real_batch)
    output = rotate(batch_size=2)

    assert "3 ID numbers to move" in output
    assert "3/3 moved" in output
    settings.PII_KEY, settings.PII_KEYS = NEW_KEY, []
    assert [Worker.objects.get(pk=w.pk).id_number for w, _ in workers] == [number for _, number in workers]


def test_a_number_encrypted_before_values_named_their_key_still_reads_and_is_rotated(settings, regions):
    settings.PII_KEY, settings.PII_KEYS = OLD_KEY, []
    number = make_id_number(county_code="430181", birth_date=BIRTH, sequence=40)
    nonce = os.urandom(12)
    sealed = AESGCM(crypto._derived_key(OLD_KEY, f"encrypt:{ID_NUMBER_PURPOSE}")).encrypt(
        nonce, number.encode(), ID_NUMBER_PURPOSE.encode()
    )
    unnamed = base64.b64encode(nonce + sealed).decode()
    worker = WorkerFactory(home_region=regions.get(code="430181102201"), id_number_encrypted=unnamed)
    rotate_to_new_key(settings)

    assert Worker.objects.get(pk=worker.pk).id_number == number
    rotate()
    assert Worker.objects.get(pk=worker.pk).id_number_encrypted.startswith(key_id(NEW_KEY) + ":")


def test_a_value_under_a_key_that_is_no_longer_configured_says_which_key_is_missing(settings):
    settings.PII_KEY, settings.PII_KEYS = OLD_KEY, []
    token = encrypt_text("430181198801011235", purpose="test")
    settings.PII_KEY = NEW_KEY

    with pytest.raises(ImproperlyConfigured, match=key_id(OLD_KEY)):
        decrypt_text(token, purpose="test")


def test_anonymised_workers_have_nothing_to_rotate(settings, regions, old_key_only):
    WorkerFactory(
        home_region=regions.get(code="430181102201"),
        id_number_encrypted="",
        id_number_hash=None,
        birth_date=None,
        anonymised_at="2026-01-01T00:00:00+08:00",
    )
    rotate_to_new_key(settings)

    assert "0 ID numbers to move" in rotate()


@pytest.mark.django_db(transaction=True)
def test_a_row_someone_is_saving_is_left_for_later_instead_of_waited_for(settings, regions):
    """No downtime: the rotation never waits on a row a person holds locked; it reports it and a rerun takes it."""
    settings.PII_KEY, settings.PII_KEYS = OLD_KEY, []
    village = regions.get(code="430181102201")
    busy, _ = register(village, sequence=50, phone="13800000050")
    register(village, sequence=51, phone="13800000051")
    rotate_to_new_key(settings)

    database = connection.settings_dict
    other = psycopg2.connect(
        dbname=database["NAME"], user=database["USER"], host=database["HOST"], port=database["PORT"] or 5432
    )
    try:
        with other.cursor() as cursor:  # someone saving the worker: their transaction holds the row
            cursor.execute("SELECT id FROM workers_worker WHERE id = %s FOR UPDATE", [busy.pk])
            output = rotate()
        assert "1/2 moved" in output
        assert "1 ID numbers are still under an older key" in output
    finally:
        other.rollback()
        other.close()

    assert "Every ID number uses key" in rotate()
