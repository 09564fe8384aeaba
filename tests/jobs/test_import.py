import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from core.accounts.models import Role
from core.errors import ApplicationError
from core.privacy.models import AuditAction, AuditLog
from jobs.imports.columns import ALL_COLUMNS
from jobs.imports.services import demand_import_create, demand_import_run
from jobs.models import DemandImport, Employer, JobPosting, PostingStatus
from jobs.selectors import PostingFilters, posting_search
from tests.factories import EmployerFactory, UserFactory, credit_code
from workers.models import ImportStatus

pytestmark = pytest.mark.django_db

HEADER = [str(column) for column in ALL_COLUMNS]


def good_row(serial=1, **overrides):
    """One posting of employer number `serial`, every column filled as a county staff member would."""
    row = {
        "单位名称": f"浏阳恒信第{serial}电子有限公司",
        "统一社会信用代码": credit_code(serial),
        "行业": "电子制造",
        "所在地区": "浏阳市",
        "地址": "浏阳经开区康万路1号",
        "联系人": "王经理",
        "联系电话": "0731-83612345",
        "是否重点企业": "否",
        "岗位名称": "电子厂普工",
        "工种": "电子厂",
        "招聘人数": 30,
        "月薪下限": 4500,
        "月薪上限": 6500,
        "计薪方式": "计件，保底4000元",
        "工作时间": "长白班",
        "包吃": "是",
        "包住": "是",
        "五险一金": "是",
        "路费报销": "否",
        "返岗专车": "",
        "工作地区": "",
        "工作地址": "康万路1号",
        "年龄下限": 18,
        "年龄上限": 45,
        "任职要求": "身体健康",
        "岗位类型": "普通岗位",
        "有效期至": timezone.localdate() + timedelta(days=60),
        "岗位描述": "手机主板组装",
    }
    row.update(overrides)
    return row


def sheet_bytes(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(user, rows, *, county=None, publish=False, **kwargs):
    demand_import = demand_import_create(
        uploaded_by=user,
        county=county or user.region,
        file_name="需求.xlsx",
        content=sheet_bytes(rows, **kwargs),
        publish=publish,
    )
    return demand_import_run(import_id=demand_import.pk)


@pytest.fixture
def liuyang(regions):
    return regions.get(code="430181")


@pytest.fixture
def xinhua(regions):
    return regions.get(code="431322")


@pytest.fixture
def liuyang_staff(liuyang):
    return UserFactory(username="liuyang_staff", first_name="李春花", role=Role.COUNTY_STAFF, region=liuyang)


@pytest.fixture
def xinhua_staff(xinhua):
    return UserFactory(username="xinhua_staff", first_name="罗建国", role=Role.COUNTY_STAFF, region=xinhua)


def test_the_downloaded_template_round_trips_through_the_console(
    client, liuyang_staff, django_capture_on_commit_callbacks
):
    client.force_login(liuyang_staff)
    template = load_workbook(io.BytesIO(client.get("/console/jobs/import/template.xlsx").content))
    sheet = template.worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert "电子厂" in next(v.formula1 for v in sheet.data_validations.dataValidation if "J2" in str(v.sqref))
    assert "填写说明" in template.sheetnames
    assert ("430181", "浏阳市") in {row[:2] for row in template["地区代码"].iter_rows(min_row=2, values_only=True)}
    for row in (good_row(1), good_row(1, 岗位名称="仓库管理员", 工种="普工"), good_row(2, 所在地区="430181")):
        sheet.append([row[column] for column in HEADER])
    upload = io.BytesIO()
    template.save(upload)
    upload.seek(0)
    upload.name = "2027年春风行动需求.xlsx"

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/console/jobs/import/", {"file": upload, "county": "430181"})
    assert response.status_code == 302
    assert len(callbacks) == 1  # the task, queued once the upload is stored
    # What the Celery worker on the `imports` queue does with the queued task.
    demand_import_run(import_id=DemandImport.objects.get().pk)

    demand_import = DemandImport.objects.get()
    assert demand_import.status == ImportStatus.SUCCEEDED, demand_import.problems
    assert (demand_import.employers_created, demand_import.employers_matched) == (2, 0)
    assert demand_import.postings_created == 3
    assert client.get(f"/console/jobs/import/{demand_import.pk}/progress/").json() == {
        "status": "succeeded",
        "percent": 100,
        "processed_rows": 3,
        "total_rows": 3,
        "finished": True,
    }
    assert "已导入 3 个岗位" in client.get(response.url).content.decode()
    posting = JobPosting.objects.get(title="仓库管理员")
    assert posting.status == PostingStatus.DRAFT
    assert posting.occupation == "general_worker"
    assert (posting.provides_meals, posting.provides_housing, posting.return_shuttle) == (True, True, False)
    assert posting.work_region_id == "430181"
    assert posting.created_by == liuyang_staff
    assert posting.history.get().history_user == liuyang_staff
    employer = Employer.objects.get(credit_code=credit_code(1))
    assert (employer.county_id, employer.contact_phone, employer.created_by) == (
        "430181",
        "0731-83612345",
        liuyang_staff,
    )


def test_the_upload_page_shows_a_progress_bar_until_the_task_has_run(
    client, liuyang_staff, django_capture_on_commit_callbacks
):
    client.force_login(liuyang_staff)
    upload = io.BytesIO(sheet_bytes([good_row()]))
    upload.name = "需求.xlsx"
    # The callbacks are captured, not run: the task waits as it would for a busy `imports` queue.
    with django_capture_on_commit_callbacks():
        response = client.post("/console/jobs/import/", {"file": upload, "county": "430181", "publish": "on"})
    assert DemandImport.objects.get().publish is True
    waiting = client.get(response.url).content.decode()
    assert "<progress" in waiting
    assert "导入后直接发布" in waiting
    assert "js/import-progress.js" in waiting
    progress_url = response.url + "progress/"
    assert client.get(progress_url).json()["finished"] is False

    demand_import_run(import_id=DemandImport.objects.get().pk)
    assert client.get(progress_url).json()["finished"] is True
    assert "<progress" not in client.get(response.url).content.decode()


def test_a_sheet_with_bad_rows_imports_nothing_and_reports_each_problem(liuyang_staff):
    yesterday = timezone.localdate() - timedelta(days=1)
    result = run_import(
        liuyang_staff,
        [
            good_row(1),
            good_row(2, 统一社会信用代码=credit_code(2)[:17] + ("0" if credit_code(2)[17] != "0" else "1")),
            good_row(3, 工种="码农", 招聘人数=0, 月薪下限=7000, 月薪上限=5000, 有效期至=yesterday),
            good_row(4, 单位名称="", 所在地区="火星市", 联系电话="12345", 包吃="也许", 岗位类型="临时工"),
            good_row(5, 年龄下限=50, 年龄上限=30, 有效期至="下个月", 招聘人数="三十"),
            good_row(6, 所在地区="长沙市", 工作地区="长沙"),
        ],
    )
    assert result.status == ImportStatus.FAILED
    assert not JobPosting.objects.exists()
    assert not Employer.objects.exists()
    assert not AuditLog.objects.filter(action=AuditAction.IMPORT).exists()
    problems = {(problem["row"], problem["column"]): problem["message"] for problem in result.problems}
    assert set(problems) == {
        (3, "统一社会信用代码"),
        (4, "工种"),
        (4, "招聘人数"),
        (4, "月薪下限"),
        (4, "有效期至"),
        (5, "单位名称"),
        (5, "所在地区"),
        (5, "联系电话"),
        (5, "包吃"),
        (5, "岗位类型"),
        (6, "年龄上限"),
        (6, "有效期至"),
        (6, "招聘人数"),
        (7, "所在地区"),
        (7, "工作地区"),
    }
    assert "校验位" in problems[3, "统一社会信用代码"]
    assert "普工" in problems[4, "工种"]
    assert "下限不能高于上限" in problems[4, "月薪下限"]
    assert "火星市" in problems[5, "所在地区"]
    assert "“是”或“否”" in problems[5, "包吃"]
    assert "请填写到县" in problems[7, "所在地区"]
    assert "有多个地区" in problems[7, "工作地区"]
    assert result.postings_created == 0


def test_the_detail_page_lists_each_problem_with_its_row_and_column(client, liuyang_staff):
    result = run_import(liuyang_staff, [good_row(1, 工种="码农")])
    client.force_login(liuyang_staff)
    page = client.get(f"/console/jobs/import/{result.pk}/").content.decode()
    assert "<td>2</td><td>工种</td>" in page
    assert "未导入任何数据" in page


def test_a_sheet_without_a_required_column_names_it(liuyang_staff):
    header = [column for column in HEADER if column not in ("工种", "有效期至")]
    result = run_import(liuyang_staff, [good_row()], header=header)
    assert result.status == ImportStatus.FAILED
    assert {(problem["row"], problem["column"]) for problem in result.problems} == {(1, "工种"), (1, "有效期至")}


def test_a_sheet_of_1000_good_rows_imports_exactly_those(liuyang_staff):
    rows = [good_row(index // 5, 岗位名称=f"普工{index}号") for index in range(1000)]
    result = run_import(liuyang_staff, rows, publish=True)
    assert result.status == ImportStatus.SUCCEEDED, result.problems[:5]
    assert (result.postings_created, result.employers_created, result.total_rows) == (1000, 200, 1000)
    assert JobPosting.objects.count() == 1000
    assert set(JobPosting.objects.values_list("title", flat=True)) == {f"普工{index}号" for index in range(1000)}
    assert Employer.objects.count() == 200
    assert not JobPosting.objects.filter(search_tokens=[]).exists()
    assert AuditLog.objects.get(action=AuditAction.IMPORT).detail["postings"] == 1000


def test_published_imports_are_found_on_the_job_supermarket_at_once(
    client, liuyang_staff, django_capture_on_commit_callbacks
):
    # A visitor's cached list from before the import must not hide the new postings.
    assert "电子厂普工" not in client.get("/jobs/", {"q": "电子厂"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run_import(liuyang_staff, [good_row(1)], publish=True)
    assert len(callbacks) == 1  # the list cache, dropped once for the whole file
    posting = JobPosting.objects.get()
    assert posting.status == PostingStatus.PUBLISHED
    assert posting.published_at is not None
    assert [found.pk for found in posting_search(filters=PostingFilters(q="浏阳 电子厂")).postings] == [posting.pk]
    assert "电子厂普工" in client.get("/jobs/", {"q": "电子厂"}).content.decode()


def test_drafts_stay_off_the_job_supermarket(liuyang_staff):
    run_import(liuyang_staff, [good_row(1)])
    assert JobPosting.objects.get().status == PostingStatus.DRAFT
    assert not posting_search(filters=PostingFilters(q="电子厂")).postings


def test_an_employer_entered_by_another_county_is_matched_by_credit_code_not_duplicated(liuyang_staff, xinhua):
    existing = EmployerFactory(name="新化恒信", credit_code=credit_code(7), county=xinhua, region=xinhua)
    result = run_import(
        liuyang_staff,
        [
            good_row(7, 单位名称="新化恒信"),
            good_row(7, 单位名称="新化恒信", 岗位名称="焊工", 工种="技术工"),
            good_row(8),
        ],
    )
    assert result.status == ImportStatus.SUCCEEDED, result.problems
    assert (result.employers_created, result.employers_matched, result.postings_created) == (1, 1, 3)
    assert Employer.objects.filter(credit_code=credit_code(7)).get() == existing
    assert existing.postings.count() == 2
    assert set(existing.postings.values_list("county_id", flat=True)) == {"430181"}


def test_a_credit_code_in_lower_case_matches_the_same_employer(liuyang_staff):
    code = credit_code(9)
    result = run_import(liuyang_staff, [good_row(9, 统一社会信用代码=f" {code.lower()} ")])
    assert result.status == ImportStatus.SUCCEEDED, result.problems
    assert Employer.objects.get().credit_code == code


def test_rows_of_one_employer_must_agree_on_its_columns(liuyang_staff):
    result = run_import(
        liuyang_staff,
        [good_row(1), good_row(1, 岗位名称="焊工"), good_row(1, 联系电话="13800000000", 单位名称="别的名字")],
    )
    assert result.status == ImportStatus.FAILED
    problems = {(problem["row"], problem["column"]): problem["message"] for problem in result.problems}
    assert set(problems) == {(4, "联系电话"), (4, "单位名称")}
    assert "第2行" in problems[4, "联系电话"]


def test_a_place_named_without_its_suffix_is_found_and_an_unknown_code_refused(liuyang_staff):
    result = run_import(
        liuyang_staff, [good_row(1, 所在地区="浏阳", 工作地区="新化县"), good_row(2, 工作地区="999999")]
    )
    assert result.status == ImportStatus.FAILED
    assert [(problem["row"], problem["column"]) for problem in result.problems] == [(3, "工作地区")]
    result = run_import(liuyang_staff, [good_row(1, 所在地区="浏阳", 工作地区="新化县")])
    assert JobPosting.objects.get().work_region_id == "431322"
    assert Employer.objects.get().region_id == "430181"


def test_a_staff_member_cannot_import_into_another_county(liuyang_staff, xinhua):
    with pytest.raises(ApplicationError) as refused:
        run_import(liuyang_staff, [good_row()], county=xinhua)
    assert refused.value.field == "county"
    assert not DemandImport.objects.exists()


def test_the_upload_form_does_not_accept_another_county(client, liuyang_staff):
    client.force_login(liuyang_staff)
    upload = io.BytesIO(sheet_bytes([good_row()]))
    upload.name = "需求.xlsx"
    response = client.post("/console/jobs/import/", {"file": upload, "county": "431322"})
    assert response.status_code == 200
    assert "只能导入到本县" in response.content.decode()
    assert not DemandImport.objects.exists()


def test_supervisors_cannot_import(client, regions):
    supervisor = UserFactory(role=Role.SUPERVISOR, region=regions.get(code="430100"))
    with pytest.raises(ApplicationError):
        demand_import_create(
            uploaded_by=supervisor, county=regions.get(code="430181"), file_name="a.xlsx", content=sheet_bytes([])
        )
    client.force_login(supervisor)
    assert client.get("/console/jobs/import/").status_code == 403


def test_a_system_admin_chooses_the_county(client, regions, xinhua):
    admin = UserFactory(role=Role.ADMIN, region=None)
    result = run_import(admin, [good_row()], county=xinhua)
    assert result.status == ImportStatus.SUCCEEDED
    assert JobPosting.objects.get().county_id == "431322"
    client.force_login(admin)
    assert 'name="county__county"' in client.get("/console/jobs/import/").content.decode()


def test_another_countys_import_is_not_found(client, liuyang_staff, xinhua_staff):
    result = run_import(liuyang_staff, [good_row()])
    client.force_login(xinhua_staff)
    assert client.get(f"/console/jobs/import/{result.pk}/").status_code == 404
    assert client.get(f"/console/jobs/import/{result.pk}/progress/").status_code == 404


def test_a_file_that_is_not_a_workbook_is_refused(liuyang_staff):
    demand_import = demand_import_create(
        uploaded_by=liuyang_staff, county=liuyang_staff.region, file_name="需求.xlsx", content=b"not a workbook"
    )
    result = demand_import_run(import_id=demand_import.pk)
    assert result.status == ImportStatus.FAILED
    assert "无法读取" in result.problems[0]["message"]
    with pytest.raises(ApplicationError):
        demand_import_create(uploaded_by=liuyang_staff, county=liuyang_staff.region, file_name="需求.xls", content=b"x")


def test_running_a_finished_import_again_changes_nothing(liuyang_staff):
    result = run_import(liuyang_staff, [good_row()])
    again = demand_import_run(import_id=result.pk)
    assert again.status == ImportStatus.SUCCEEDED
    assert JobPosting.objects.count() == 1


def test_full_width_credit_codes_phones_and_numbers_are_imported_in_ascii(liuyang_staff):
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    row = good_row(
        41,
        统一社会信用代码=credit_code(41).lower().translate(full_width),
        联系电话="０７３１－８３６１ ２３４５",
        招聘人数="３０人",
        月薪下限="４，５００",
        月薪上限="6,500元",
        所在地区="４３０１８１",
        工作地区="431 322",
    )

    result = run_import(liuyang_staff, [row])

    assert result.status == ImportStatus.SUCCEEDED, result.problems
    employer = Employer.objects.get(credit_code=credit_code(41))
    assert employer.contact_phone == "0731-83612345"
    posting = JobPosting.objects.get(employer=employer)
    assert (posting.headcount, posting.wage_min, posting.wage_max) == (30, 4500, 6500)
    assert (employer.region_id, posting.work_region_id) == ("430181", "431322")


@pytest.mark.parametrize(
    ("column", "typed"),
    [("招聘人数", "⑩⓪⓪⓪⓪⓪"), ("招聘人数", "-5"), ("月薪上限", "9" * 30), ("月薪下限", "😀"), ("联系电话", "²")],
)
def test_strange_numbers_are_reported_on_their_row_and_the_import_ends(liuyang_staff, column, typed):
    result = run_import(liuyang_staff, [good_row(42, **{column: typed})])

    assert result.status == ImportStatus.FAILED
    assert result.finished_at is not None
    assert (2, column) in {(problem["row"], problem["column"]) for problem in result.problems}
    assert not JobPosting.objects.exists()


def test_a_demand_import_that_breaks_off_for_any_reason_ends_failed_with_a_message(liuyang_staff, monkeypatch):
    def broken_write(*args, **kwargs):
        raise RuntimeError("the database went away mid-write")

    monkeypatch.setattr("jobs.imports.services._write", broken_write)

    result = run_import(liuyang_staff, [good_row(43)])

    assert result.status == ImportStatus.FAILED
    assert result.finished_at is not None
    assert "导入中途出错，未导入任何数据" in result.problems[0]["message"]
    assert not Employer.objects.exists()
