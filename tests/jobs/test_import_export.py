import io

import pytest
from openpyxl import load_workbook

from core.accounts.models import Role
from core.exports.models import Export, ExportStatus
from core.exports.services import export_run
from core.privacy.models import AuditAction, AuditLog
from jobs.imports.columns import ALL_COLUMNS, EMPLOYER_COLUMNS
from tests.exports import export_requested, exported
from tests.factories import EmployerFactory, JobPostingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def liuyang_staff(regions):
    return UserFactory(username="liuyang_staff", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))


@pytest.fixture
def postings(regions):
    """Two postings of 浏阳市 (one a draft) and one entered by 新化县."""
    employer = EmployerFactory(name="浏阳恒信电子", contact_phone="13907310001")
    return {
        "welder": JobPostingFactory(employer=employer, title="焊工", occupation="technician"),
        "draft": JobPostingFactory(employer=employer, title="仓管", status="draft", published_at=None),
        "xinhua": JobPostingFactory(
            title="新化保洁",
            employer=EmployerFactory(county_id="431322", region_id="431322"),
            county_id="431322",
            work_region_id="431322",
        ),
    }


def rows_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, *rows = sheet.iter_rows(values_only=True)
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def test_the_postings_export_answers_at_once_with_its_state_page_not_a_workbook(client, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    response = client.post("/console/jobs/export/postings.xlsx?status=published&q=焊")
    assert response.status_code == 302
    export = Export.objects.get()
    assert response.url == f"/console/exports/{export.pk}/"
    assert (export.kind, export.status, export.requested_by) == ("jobs.postings", ExportStatus.PENDING, liuyang_staff)
    assert export.filters == {"q": "焊", "status": "published"}
    page = client.get(response.url).content.decode()
    assert "导出岗位列表" in page
    assert "排队中" in page
    assert "筛选条件：岗位或单位名称 焊；状态 招聘中" in page
    assert '<meta http-equiv="refresh"' in page  # the page looks again by itself
    assert "/download/" not in page
    assert not AuditLog.objects.exists()  # nothing has left the system yet


def test_the_worker_writes_the_postings_export_and_its_owner_downloads_the_filtered_list(
    client, liuyang_staff, postings
):
    client.force_login(liuyang_staff)
    export = export_requested(client, "/console/jobs/export/postings.xlsx?status=published&q=焊")
    export_run(export_id=export.pk)  # what the `imports` worker does with the queued task

    page = client.get(f"/console/exports/{export.pk}/").content.decode()
    assert "可下载" in page
    assert "共 1 行。" in page
    assert f'href="/console/exports/{export.pk}/download/"' in page
    assert '<meta http-equiv="refresh"' not in page
    response = client.get(f"/console/exports/{export.pk}/download/")
    assert response["Content-Disposition"].startswith('attachment; filename="postings-')
    header, rows = rows_of(response)
    assert list(header[: len(ALL_COLUMNS)]) == [str(column) for column in ALL_COLUMNS]
    assert [row["岗位名称"] for row in rows] == ["焊工"]
    assert rows[0]["单位名称"] == "浏阳恒信电子"
    assert rows[0]["联系电话"] == "13907310001"
    assert rows[0]["工种"] == "技术工"
    assert rows[0]["状态"] == "招聘中"

    _header, everything = rows_of(exported(client, "/console/jobs/export/postings.xlsx"))
    assert {row["岗位名称"] for row in everything} == {"焊工", "仓管"}


def test_every_export_and_every_download_is_written_to_the_audit_log(client, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    exported(client, "/console/jobs/export/postings.xlsx?status=draft")
    employers = export_requested(client, "/console/jobs/export/employers.xlsx?q=恒信")
    export_run(export_id=employers.pk)
    postings_entry, download_entry, employers_entry = AuditLog.objects.filter(action=AuditAction.EXPORT).order_by("id")
    postings_export = Export.objects.get(kind="jobs.postings")
    assert postings_entry.actor == liuyang_staff
    assert postings_entry.subject == "jobs:postings"
    assert postings_entry.detail == {"rows": 1, "filters": {"status": "draft"}, "export": postings_export.pk}
    assert download_entry.actor == liuyang_staff
    assert download_entry.subject == f"export:{postings_export.pk}"
    assert download_entry.reason == "下载导出文件：岗位列表"
    assert download_entry.detail["rows"] == 1
    assert employers_entry.subject == "jobs:employers"
    assert employers_entry.detail == {"rows": 1, "filters": {"q": "恒信"}, "export": employers.pk}

    client.get(f"/console/exports/{employers.pk}/download/")
    client.get(f"/console/exports/{employers.pk}/download/")
    assert AuditLog.objects.filter(subject=f"export:{employers.pk}").count() == 2


def test_the_employers_export_lists_the_countys_employers_with_their_contacts(client, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    header, rows = rows_of(exported(client, "/console/jobs/export/employers.xlsx"))
    assert list(header[: len(EMPLOYER_COLUMNS)]) == [str(column) for column in EMPLOYER_COLUMNS]
    assert [(row["单位名称"], row["联系电话"], row["岗位数"]) for row in rows] == [("浏阳恒信电子", "13907310001", 2)]


def test_an_export_is_a_post_so_that_a_link_or_a_prefetch_never_writes_one(client, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    assert client.get("/console/jobs/export/postings.xlsx").status_code == 405
    assert not Export.objects.exists()
    assert not AuditLog.objects.exists()


def test_job_seekers_cannot_export(client, postings):
    seeker = UserFactory(role=Role.JOB_SEEKER, region=None, phone="13800000001")
    client.force_login(seeker)
    assert client.post("/console/jobs/export/postings.xlsx").status_code == 403
    assert not Export.objects.exists()
