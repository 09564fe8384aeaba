"""Masked means nothing shown together gives the number back: no birth date beside a masked ID number, on the record
page, in the API or in a masked export, for every role; the whole number only after an audited reveal."""

import datetime
import importlib
import io
import re

import pytest
from django.apps import apps
from openpyxl import load_workbook

from core.accounts.models import Role
from core.identity import make_id_number
from core.privacy.models import AuditLog
from tests.exports import exported
from tests.factories import UserFactory, WorkerFactory
from workers.models import Worker
from workers.services import identity_from_id_number

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1988, 6, 14)
MASKED_ID_NUMBER = re.compile(r"^43\*{15}[0-9X]$")


@pytest.fixture
def worker(dayao):
    number = make_id_number(county_code="430181", birth_date=BIRTH, sequence=239)
    return WorkerFactory(home_region=dayao, full_name="欧阳春", identity=identity_from_id_number(number))


def birth_date_traces(worker):
    """Every way the page could give the date of birth away, and the old mask that sat beside it."""
    number = worker.id_number
    return [number, number[6:14], "1988-06-14", "1988年6月14日", "1988/06/14", number[:6] + "********"]


@pytest.fixture(params=["village_agent", "dispatcher", "supervisor", "county_staff"])
def viewer(request, regions, dayao):
    """Everyone who opens the record page without revealing: three roles may never unmask, one may."""
    return {
        "village_agent": lambda: UserFactory(role=Role.VILLAGE_AGENT, region=dayao),
        "dispatcher": lambda: UserFactory(role=Role.DISPATCHER, region=regions.get(code="430181")),
        "supervisor": lambda: UserFactory(role=Role.SUPERVISOR, region=regions.get(code="430100")),
        "county_staff": lambda: UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181")),
    }[request.param]()


def test_the_record_page_shows_the_mask_and_an_age_band_never_the_birth_date(client, worker, viewer):
    client.force_login(viewer)
    page = client.get(f"/console/workers/{worker.pk}/").content.decode()

    assert "欧阳春" in page
    assert worker.id_number_masked in page
    assert MASKED_ID_NUMBER.match(worker.id_number_masked)
    assert "80后" in page
    for trace in birth_date_traces(worker):
        assert trace not in page


def test_the_ledger_page_shows_the_new_mask(client, worker, viewer):
    client.force_login(viewer)
    page = client.get("/console/workers/").content.decode()
    assert "欧阳春" in page
    assert worker.id_number_masked in page
    for trace in birth_date_traces(worker):
        assert trace not in page


def test_after_an_audited_reveal_the_record_page_shows_the_whole_number_and_the_birth_date(
    client, worker, liuyang_staff
):
    client.force_login(liuyang_staff)
    page = client.post(f"/console/workers/{worker.pk}/reveal/", {"reason": "核对社保补贴"}).content.decode()
    assert worker.id_number in page
    assert "1988-06-14" in page
    assert AuditLog.objects.get().subject == f"worker:{worker.pk}"


def test_the_api_gives_staff_an_age_band_instead_of_the_birth_date(client, worker, viewer):
    client.force_login(viewer)
    one = client.get(f"/api/v1/workers/{worker.pk}/")
    listed = client.get("/api/v1/workers/")

    assert one.status_code == 200
    body = one.json()
    assert body["full_name"] == "欧阳春"
    assert MASKED_ID_NUMBER.match(body["id_number"])
    assert body["age_band"].startswith("80后")
    assert "birth_date" not in body
    assert [row["age_band"] for row in listed.json()["results"]] == [body["age_band"]]
    for trace in birth_date_traces(worker):
        assert trace not in one.content.decode()
        assert trace not in listed.content.decode()


def test_a_job_seeker_still_reads_their_own_birth_date_over_the_api(client, worker):
    client.force_login(worker.user)
    body = client.get("/api/v1/me/").json()
    assert body["birth_date"] == "1988-06-14"
    assert MASKED_ID_NUMBER.match(body["id_number"])


def export_rows(response):
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = sheet.iter_rows(values_only=True)
    return list(header), [dict(zip(header, row, strict=True)) for row in rows]


def test_a_masked_export_gives_an_age_band_and_no_birth_date(client, worker, viewer):
    client.force_login(viewer)
    header, rows = export_rows(exported(client, "/console/workers/export/"))

    assert "出生日期" not in header
    assert [(row["姓名"], row["年龄段"][:3]) for row in rows] == [("欧阳春", "80后")]
    assert MASKED_ID_NUMBER.match(rows[0]["身份证号"])
    cells = [str(value) for value in rows[0].values()]
    for trace in [*birth_date_traces(worker), "1988-06-14 00:00:00"]:
        assert trace not in cells
    entry = AuditLog.objects.get(subject="workers:ledger")
    assert entry.reason == "导出实名制台账（已脱敏）"
    assert entry.detail["unmasked"] is False


def test_an_unmasked_export_keeps_the_whole_number_and_the_birth_date(client, worker, liuyang_staff):
    client.force_login(liuyang_staff)
    header, rows = export_rows(exported(client, "/console/workers/export/", {"unmasked": "on", "reason": "报送省厅"}))
    assert "年龄段" not in header
    assert rows[0]["身份证号"] == worker.id_number
    assert rows[0]["出生日期"].date() == BIRTH


def test_the_migration_remasks_numbers_stored_with_the_old_mask(worker):
    old_mask = worker.id_number[:6] + "********" + worker.id_number[-4:]
    Worker.objects.filter(pk=worker.pk).update(id_number_masked=old_mask)
    migration = importlib.import_module("workers.migrations.0004_id_number_masked_keeps_province_and_check_character")

    migration.remask_id_numbers(apps, schema_editor=None)

    worker.refresh_from_db()
    assert worker.id_number_masked == worker.id_number[:2] + "*" * 15 + worker.id_number[-1]
