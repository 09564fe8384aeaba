import io

import pytest
from openpyxl import load_workbook

from core.accounts.models import Role
from core.exports.models import Export
from core.exports.services import export_run
from core.privacy.models import AuditAction, AuditLog
from tests.exports import export_requested, exported
from tests.factories import UserFactory, WorkerFactory
from workers.models import WorkerStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(regions, dayao, nanyang):
    """Two workers in 大瑶村, one in 南阳村 (same township), one in 宁乡市 (another county)."""
    regions_by_code = regions.in_bulk(["430182"])
    ningxiang_village = regions.create(
        code="430182001201",
        name="玉潭社区",
        level="village",
        parent=regions.get_or_create(
            code="430182001", defaults={"name": "玉潭街道", "level": "township", "parent": regions_by_code["430182"]}
        )[0],
    )
    return {
        "dayao": [
            WorkerFactory(home_region=dayao, full_name="大瑶一"),
            WorkerFactory(home_region=dayao, full_name="大瑶二"),
        ],
        "nanyang": [WorkerFactory(home_region=nanyang, full_name="南阳一", status=WorkerStatus.WORKING_AWAY)],
        "ningxiang": [WorkerFactory(home_region=ningxiang_village, full_name="宁乡一")],
    }


def names_on_the_ledger(client):
    response = client.get("/console/workers/")
    assert response.status_code == 200
    return {worker.full_name for worker in response.context["page"]}


def test_a_village_agent_sees_only_their_village(client, ledger, dayao_agent):
    client.force_login(dayao_agent)
    assert names_on_the_ledger(client) == {"大瑶一", "大瑶二"}
    other = ledger["nanyang"][0]
    assert client.get(f"/console/workers/{other.pk}/").status_code == 404


def test_a_township_agent_sees_the_whole_township(client, ledger, regions):
    agent = UserFactory(role=Role.VILLAGE_AGENT, region=regions.get(code="430181102"))
    client.force_login(agent)
    assert names_on_the_ledger(client) == {"大瑶一", "大瑶二", "南阳一"}


def test_county_staff_see_only_their_county(client, ledger, liuyang_staff):
    client.force_login(liuyang_staff)
    assert names_on_the_ledger(client) == {"大瑶一", "大瑶二", "南阳一"}
    assert client.get(f"/console/workers/{ledger['ningxiang'][0].pk}/").status_code == 404


def test_the_api_ledger_is_scoped_and_masked(client, ledger, dayao_agent):
    client.force_login(dayao_agent)
    body = client.get("/api/v1/workers/").json()
    assert {row["full_name"] for row in body["results"]} == {"大瑶一", "大瑶二"}
    for row in body["results"]:
        assert "********" in row["id_number"]


def test_the_ledger_filters_by_status_and_counts(client, ledger, liuyang_staff):
    client.force_login(liuyang_staff)
    response = client.get("/console/workers/", {"status": WorkerStatus.WORKING_AWAY})
    assert {worker.full_name for worker in response.context["page"]} == {"南阳一"}
    assert response.context["counts"]["total"] == 1


def test_lists_show_masked_numbers_only(client, ledger, liuyang_staff):
    client.force_login(liuyang_staff)
    page = client.get("/console/workers/").content.decode()
    for worker in ledger["dayao"]:
        assert worker.id_number not in page
        assert worker.id_number_masked in page
    detail = client.get(f"/console/workers/{ledger['dayao'][0].pk}/").content.decode()
    assert ledger["dayao"][0].id_number not in detail


def test_unmasking_needs_a_reason_and_is_audited(client, ledger, liuyang_staff):
    worker = ledger["dayao"][0]
    client.force_login(liuyang_staff)
    refused = client.post(f"/console/workers/{worker.pk}/reveal/", {"reason": ""})
    assert worker.id_number not in refused.content.decode()
    assert not AuditLog.objects.exists()

    response = client.post(f"/console/workers/{worker.pk}/reveal/", {"reason": "核对社保补贴"})
    assert worker.id_number in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    entry = AuditLog.objects.get()
    assert (entry.actor, entry.action, entry.subject, entry.reason) == (
        liuyang_staff,
        AuditAction.UNMASKED_VIEW,
        f"worker:{worker.pk}",
        "核对社保补贴",
    )


def test_a_village_agent_cannot_unmask(client, ledger, dayao_agent):
    worker = ledger["dayao"][0]
    client.force_login(dayao_agent)
    response = client.post(f"/console/workers/{worker.pk}/reveal/", {"reason": "想看看"})
    assert worker.id_number not in response.content.decode()
    assert not AuditLog.objects.exists()


def test_the_record_page_masks_the_phone_for_an_agent_who_neither_registered_nor_serves_the_worker(
    client, ledger, dayao_agent, liuyang_staff
):
    worker = ledger["dayao"][0]
    phone = worker.user.phone

    client.force_login(dayao_agent)
    page = client.get(f"/console/workers/{worker.pk}/").content.decode()
    assert phone not in page
    assert f"{phone[:3]}****{phone[-4:]}" in page

    worker.secretary = dayao_agent
    worker.save(update_fields=["secretary"])
    assert phone in client.get(f"/console/workers/{worker.pk}/").content.decode()

    client.force_login(liuyang_staff)
    assert phone in client.get(f"/console/workers/{worker.pk}/").content.decode()


def read_export(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_is_masked_by_default_scoped_and_audited(client, ledger, dayao_agent):
    client.force_login(dayao_agent)
    response = exported(client, "/console/workers/export/")
    rows = read_export(response)
    assert rows[0][:2] == ["姓名", "身份证号"]
    assert {row[0] for row in rows[1:]} == {"大瑶一", "大瑶二"}
    assert all("********" in row[1] for row in rows[1:])
    assert all("****" in row[4] for row in rows[1:])
    entry = AuditLog.objects.get(subject="workers:ledger")
    assert entry.action == AuditAction.EXPORT
    assert entry.detail["rows"] == 2
    assert entry.detail["unmasked"] is False


def test_an_unmasked_export_needs_the_role_and_a_reason(client, ledger, liuyang_staff, dayao_agent):
    client.force_login(dayao_agent)
    refused = client.post("/console/workers/export/", {"unmasked": "on", "reason": "上报"}, follow=True)
    assert "您的角色不能导出完整身份证号。" in refused.content.decode()
    assert refused.redirect_chain[-1][0] == "/console/workers/"

    client.force_login(liuyang_staff)
    refused = client.post("/console/workers/export/?status=returned", {"unmasked": "on"}, follow=True)
    assert "导出完整身份证号需要填写理由。" in refused.content.decode()
    assert refused.redirect_chain[-1][0] == "/console/workers/?status=returned"
    assert not Export.objects.exists()
    assert not AuditLog.objects.exists()

    response = exported(client, "/console/workers/export/?status=returned", {"unmasked": "on", "reason": "报送省厅"})
    rows = read_export(response)
    assert {row[1] for row in rows[1:]} == {worker.id_number for worker in ledger["dayao"]}
    entry = AuditLog.objects.get(subject="workers:ledger")
    assert entry.reason == "报送省厅"
    assert entry.detail["unmasked"] is True
    assert entry.detail["filters"] == {"status": "returned"}


def test_the_ledger_page_runs_a_constant_number_of_queries(
    client, ledger, liuyang_staff, dayao, django_assert_max_num_queries
):
    client.force_login(liuyang_staff)
    client.get("/console/workers/")
    WorkerFactory.create_batch(20, home_region=dayao, secretary=liuyang_staff)
    with django_assert_max_num_queries(14):
        client.get("/console/workers/")


def test_a_status_change_is_kept_as_history(client, ledger, liuyang_staff):
    worker = ledger["dayao"][0]
    client.force_login(liuyang_staff)
    client.post(
        f"/console/workers/{worker.pk}/status/",
        {"status": WorkerStatus.WORKING_AWAY, "effective_on": worker.status_since.isoformat(), "note": "东莞电子厂"},
    )
    worker.refresh_from_db()
    assert worker.status == WorkerStatus.WORKING_AWAY
    assert [change.note for change in worker.status_changes.all()] == ["东莞电子厂"]


def test_an_agent_registers_a_neighbour_on_the_console(client, dayao_agent, dayao, id_number, monkeypatch):
    client.force_login(dayao_agent)
    response = client.post(
        "/console/workers/new/",
        {
            "full_name": "王五",
            "phone": "13700000009",
            "id_number": id_number,
            "home_region": dayao.code,
            "status": WorkerStatus.RETURNED,
            "wanted_area": "anywhere",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    from workers.models import Worker

    assert Worker.objects.get(full_name="王五").registered_by == dayao_agent


def test_broadcasts_reach_workers_by_region_status_and_key_group(ledger, liuyang_staff, dayao):
    from core.notifications.selectors import broadcast_recipients
    from workers.models import WorkerKeyGroup

    veteran = ledger["dayao"][0]
    WorkerKeyGroup.objects.create(worker=veteran, group="veteran")

    def reached(**filters):
        return {user.first_name for user in broadcast_recipients(actor=liuyang_staff, filters=filters)}

    assert reached(role=Role.JOB_SEEKER) == {"大瑶一", "大瑶二", "南阳一"}
    assert reached(region=dayao.code, role=Role.JOB_SEEKER) == {"大瑶一", "大瑶二"}
    assert reached(worker_status=WorkerStatus.WORKING_AWAY) == {"南阳一"}
    assert reached(key_group="veteran") == {"大瑶一"}


def test_a_city_supervisor_reads_the_whole_city_but_registers_no_one(client, ledger, regions):
    supervisor = UserFactory(role=Role.SUPERVISOR, region=regions.get(code="430100"))
    client.force_login(supervisor)
    assert names_on_the_ledger(client) == {"大瑶一", "大瑶二", "南阳一", "宁乡一"}
    assert "代为登记" not in client.get("/console/workers/").content.decode()


def test_a_dispatcher_cannot_import_workers(regions):
    from core.errors import ApplicationError
    from workers.imports.services import ledger_import_create

    dispatcher = UserFactory(role=Role.DISPATCHER, region=regions.get(code="430181"))
    with pytest.raises(ApplicationError):
        ledger_import_create(uploaded_by=dispatcher, file_name="a.xlsx", content=b"x")


def test_an_unmasked_export_fails_when_the_role_was_lost_before_the_worker_wrote_it(client, ledger, liuyang_staff):
    client.force_login(liuyang_staff)
    export = export_requested(client, "/console/workers/export/", {"unmasked": "on", "reason": "报送省厅"})
    liuyang_staff.role = Role.VILLAGE_AGENT
    liuyang_staff.save(update_fields=["role"])

    export_run(export_id=export.pk)

    export.refresh_from_db()
    assert (export.status, export.message) == ("failed", "您的角色不能导出完整身份证号。")
    assert not AuditLog.objects.exists()


def test_the_export_page_names_the_ledger_filter_and_a_different_filter_is_a_different_export(
    client, ledger, liuyang_staff
):
    client.force_login(liuyang_staff)
    name = liuyang_staff.get_full_name() or liuyang_staff.username
    query = f"?status=returned&has_job_intention=no&secretary={liuyang_staff.pk}&page=2"
    export = export_requested(client, f"/console/workers/export/{query}")
    page = client.get(f"/console/exports/{export.pk}/").content.decode()
    assert f"筛选条件：就业状态 返乡在家；就业秘书 {name}；求职意向 无" in page
    assert export.filters == {"status": "returned", "secretary": str(liuyang_staff.pk), "has_job_intention": "False"}

    # The same filter in another order, or from another page of the list, is the same export...
    same = export_requested(
        client, f"/console/workers/export/?secretary={liuyang_staff.pk}&has_job_intention=no&status=returned"
    )
    assert same.pk == export.pk
    # ...but "no job intention" is a filter, not the absence of one.
    other = export_requested(client, f"/console/workers/export/?status=returned&secretary={liuyang_staff.pk}")
    assert other.pk != export.pk
