import io

import pytest
from openpyxl import load_workbook

from core.accounts.models import Role
from core.privacy.models import AuditAction, AuditLog
from jobs.imports.columns import ALL_COLUMNS, EMPLOYER_COLUMNS
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


def test_the_postings_export_holds_the_filtered_list_of_the_staff_members_county(client, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    header, rows = rows_of(client.post("/console/jobs/export/postings.xlsx?status=published&q=焊"))
    assert list(header[: len(ALL_COLUMNS)]) == [str(column) for column in ALL_COLUMNS]
    assert [row["岗位名称"] for row in rows] == ["焊工"]
    assert rows[0]["单位名称"] == "浏阳恒信电子"
    assert rows[0]["联系电话"] == "13907310001"
    assert rows[0]["工种"] == "技术工"
    assert rows[0]["状态"] == "招聘中"

    _header, everything = rows_of(client.post("/console/jobs/export/postings.xlsx"))
    assert {row["岗位名称"] for row in everything} == {"焊工", "仓管"}


def test_every_export_is_written_to_the_audit_log_with_its_filter_and_size(client, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    client.post("/console/jobs/export/postings.xlsx?status=draft")
    client.post("/console/jobs/export/employers.xlsx?q=恒信")
    postings_entry, employers_entry = AuditLog.objects.filter(action=AuditAction.EXPORT).order_by("id")
    assert postings_entry.actor == liuyang_staff
    assert postings_entry.subject == "jobs:postings"
    assert postings_entry.detail == {"rows": 1, "filters": {"status": "draft"}}
    assert employers_entry.subject == "jobs:employers"
    assert employers_entry.detail == {"rows": 1, "filters": {"q": "恒信"}}


def test_the_employers_export_lists_the_countys_employers_with_their_contacts(client, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    header, rows = rows_of(client.post("/console/jobs/export/employers.xlsx"))
    assert list(header[: len(EMPLOYER_COLUMNS)]) == [str(column) for column in EMPLOYER_COLUMNS]
    assert [(row["单位名称"], row["联系电话"], row["岗位数"]) for row in rows] == [("浏阳恒信电子", "13907310001", 2)]


def test_an_export_is_a_post_so_that_a_link_or_a_prefetch_never_writes_one(client, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    assert client.get("/console/jobs/export/postings.xlsx").status_code == 405
    assert not AuditLog.objects.exists()


def test_job_seekers_cannot_export(client, postings):
    seeker = UserFactory(role=Role.JOB_SEEKER, region=None, phone="13800000001")
    client.force_login(seeker)
    assert client.post("/console/jobs/export/postings.xlsx").status_code == 403


def test_the_postings_export_answers_at_once_with_its_state_page_not_a_workbook(client, liuyang_staff, postings):
    client.force_login(liuyang_staff)
    response = client.post("/console/jobs/export/postings.xlsx?status=published")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "排队中" in page
    assert not AuditLog.objects.exists()  # nothing has left the system yet
