import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from core.identity import make_id_number
from core.privacy.models import AuditAction, AuditLog
from tests.factories import WorkerFactory
from workers.imports.services import ledger_import_create, ledger_import_run
from workers.models import ImportStatus, KeyGroup, Worker

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "手机号", "户籍村代码", "就业状态", "技能", "求职意向", "期望月薪", "重点群体"]


def workbook_bytes(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def number(sequence, year=1985):
    return make_id_number(county_code="430181", birth_date=datetime.date(year, 3, 1), sequence=sequence)


def run_import(user, rows, **kwargs):
    ledger_import = ledger_import_create(
        uploaded_by=user, file_name="大瑶村.xlsx", content=workbook_bytes(rows, **kwargs)
    )
    return ledger_import_run(import_id=ledger_import.pk)


def test_a_good_file_imports_every_row(liuyang_staff, dayao, nanyang):
    result = run_import(
        liuyang_staff,
        [
            ["张一", number(11), "13600000001", dayao.code, "返乡在家", "电工", "电工", 6000, "脱贫人口、退役军人"],
            ["张二", number(12), 13600000002, nanyang.code, "外出务工", None, None, None, None],
        ],
    )
    assert result.status == ImportStatus.SUCCEEDED, result.problems
    assert result.imported_count == 2
    assert result.processed_rows == result.total_rows == 2
    first = Worker.objects.get(full_name="张一")
    assert first.id_number == number(11)
    assert first.user.phone == "13600000001"
    assert first.registered_by == liuyang_staff
    assert set(first.key_groups.values_list("group", flat=True)) == {KeyGroup.POVERTY_ALLEVIATED, KeyGroup.VETERAN}
    assert Worker.objects.get(full_name="张二").status == "working_away"
    assert AuditLog.objects.get(action=AuditAction.IMPORT).detail == {"workers": 2}


def test_a_file_with_bad_rows_imports_nothing_and_reports_each(liuyang_staff, dayao, regions):
    existing = WorkerFactory(home_region=dayao, registered_by=liuyang_staff)
    bad_check_digit = number(13)[:17] + ("1" if number(13)[17] != "1" else "2")
    result = run_import(
        liuyang_staff,
        [
            ["好人", number(14), "13600000004", dayao.code, "求职中", "", "", "", ""],
            ["", bad_check_digit, "123", "999999999999", "躺平", "", "", "很多", "富二代"],
            ["重复者", existing.id_number, "13600000006", dayao.code, "求职中", "", "", "", ""],
            ["同文件重复", number(14), "13600000007", dayao.code, "求职中", "", "", "", ""],
        ],
    )
    assert result.status == ImportStatus.FAILED
    assert not Worker.objects.exclude(pk=existing.pk).exists()
    problems = {(problem["row"], problem["column"]) for problem in result.problems}
    assert {
        (3, "姓名"),
        (3, "身份证号"),
        (3, "手机号"),
        (3, "户籍村代码"),
        (3, "就业状态"),
        (3, "期望月薪"),
        (3, "重点群体"),
    } <= problems
    by_row = {problem["row"]: problem["message"] for problem in result.problems if problem["column"] == "身份证号"}
    assert "校验位" in by_row[3]
    assert "李春花" in by_row[4] or "登记" in by_row[4]
    assert "第2行" in by_row[5]
    assert not AuditLog.objects.filter(action=AuditAction.IMPORT).exists()


def test_villages_outside_the_uploaders_scope_are_refused(dayao_agent, nanyang):
    result = run_import(dayao_agent, [["张一", number(21), "13600000021", nanyang.code, "求职中"]], header=HEADER[:5])
    assert result.status == ImportStatus.FAILED
    assert result.problems[0]["column"] == "户籍村代码"


def test_a_village_agent_imports_the_villagers_of_his_own_village(dayao_agent, dayao):
    result = run_import(dayao_agent, [["张一", number(23), "13600000023", dayao.code, "求职中"]], header=HEADER[:5])
    assert result.status == ImportStatus.SUCCEEDED, result.problems
    assert Worker.objects.get(full_name="张一").home_region == dayao


def test_a_village_agents_template_lists_his_own_village_and_no_other(client, dayao_agent, dayao):
    client.force_login(dayao_agent)
    workbook = load_workbook(io.BytesIO(client.get("/console/workers/import/template.xlsx").content))
    villages = list(workbook["村代码"].iter_rows(min_row=2, values_only=True))
    assert villages == [(dayao.code, "大瑶村", "大瑶镇")]


def test_a_file_without_a_required_column_says_which(liuyang_staff, dayao):
    result = run_import(liuyang_staff, [["张一", number(22), dayao.code]], header=["姓名", "身份证号", "户籍村代码"])
    assert result.status == ImportStatus.FAILED
    assert {problem["column"] for problem in result.problems} == {"手机号", "就业状态"}


def test_the_template_lists_the_columns_and_the_uploaders_villages(client, liuyang_staff, dayao):
    client.force_login(liuyang_staff)
    workbook = load_workbook(io.BytesIO(client.get("/console/workers/import/template.xlsx").content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == HEADER
    village_codes = {row[0] for row in workbook["村代码"].iter_rows(min_row=2, values_only=True)}
    assert dayao.code in village_codes
    assert all(code.startswith("430181") for code in village_codes)


def test_uploading_through_the_console_shows_progress_then_the_result(
    client, liuyang_staff, dayao, django_capture_on_commit_callbacks
):
    client.force_login(liuyang_staff)
    upload = io.BytesIO(workbook_bytes([["张一", number(31), "13600000031", dayao.code, "求职中"]], header=HEADER[:5]))
    upload.name = "ledger.xlsx"
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/console/workers/import/", {"file": upload})
    assert response.status_code == 302
    waiting = client.get(response.url).content.decode()
    assert "<progress" in waiting
    assert 'http-equiv="refresh"' in waiting

    # What the Celery worker on the `imports` queue does with the queued task.
    ledger_import_run(import_id=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    assert len(callbacks) == 1
    page = client.get(response.url).content.decode()
    assert "已导入 1 名务工人员" in page
    assert "<progress" not in page


def test_full_width_digits_and_spaces_in_id_numbers_phones_and_wages_are_imported_as_typed_in_ascii(
    liuyang_staff, dayao
):
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    result = run_import(
        liuyang_staff,
        [
            [
                "张一",
                number(31).translate(full_width),
                "１３６ ０００ ０００３１",
                dayao.code,
                "求职中",
                "",
                "",
                "６，０００",
                "",
            ]
        ],
    )

    assert result.status == ImportStatus.SUCCEEDED, result.problems
    worker = Worker.objects.get(full_name="张一")
    assert worker.id_number == number(31)
    assert worker.user.phone == "13600000031"
    assert worker.expected_wage == 6000


def test_a_full_width_id_number_already_in_the_ledger_is_the_same_person(liuyang_staff, dayao):
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    run_import(liuyang_staff, [["张一", number(32), "13600000032", dayao.code, "求职中"]], header=HEADER[:5])

    again = run_import(
        liuyang_staff,
        [["张一", number(32).translate(full_width), "13600000033", dayao.code, "求职中"]],
        header=HEADER[:5],
    )

    assert again.status == ImportStatus.FAILED
    assert again.problems[0]["column"] == "身份证号"
    assert Worker.objects.count() == 1


def test_circled_and_superscript_digits_never_leave_the_import_running(liuyang_staff, dayao):
    circled = number(33)[:16] + "⑤" + number(33)[17]
    superscript = number(34)[:16] + "³" + number(34)[17]
    result = run_import(
        liuyang_staff,
        [
            ["张一", circled, "13600000034", dayao.code, "求职中", "", "", "²", ""],
            ["张二", superscript, "1360000003⑤", dayao.code, "求职中", "", "", "-5", ""],
        ],
    )

    assert result.status == ImportStatus.FAILED
    assert result.finished_at is not None
    problems = {(problem["row"], problem["column"]) for problem in result.problems}
    assert (3, "期望月薪") in problems
    assert not Worker.objects.exists()


def test_an_id_number_that_excel_stored_as_a_number_is_reported_as_such(liuyang_staff, dayao):
    # What openpyxl reads from a cell that Excel holds as the number 4.30181198801011E+17.
    result = run_import(
        liuyang_staff, [["张一", 4.30181198801011e17, "13600000035", dayao.code, "求职中"]], header=HEADER[:5]
    )

    assert result.status == ImportStatus.FAILED
    assert result.problems == [
        {"row": 2, "column": "身份证号", "message": "Excel 把身份证号存成了数字，请把该列设为文本后重新填写。"}
    ]


def test_an_import_that_breaks_off_for_any_reason_ends_failed_with_a_message(liuyang_staff, dayao, monkeypatch):
    def broken_check(*args, **kwargs):
        raise RuntimeError("a bug in a row check")

    monkeypatch.setattr("workers.imports.rows._parse_row", broken_check)

    result = run_import(liuyang_staff, [["张一", number(36), "13600000036", dayao.code, "求职中"]], header=HEADER[:5])

    assert result.status == ImportStatus.FAILED
    assert result.finished_at is not None
    assert result.content == b""
    assert "导入中途出错，未导入任何数据" in result.problems[0]["message"]
    assert not Worker.objects.exists()
