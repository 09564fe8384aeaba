"""Importing a village's or county's Excel ledger: every row is checked first, then all are imported or none.

The template (`ledger_template_workbook`) has one header row with the column names below; the order of the columns
does not matter and unknown columns are ignored. Every problem is reported with its row number, column and a
Chinese message, duplicates included (twice in the file, or already in the ledger and registered by whom).
"""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from core.accounts.models import Role, User
from core.accounts.scoping import scope_regions_to_user
from core.batching import chunked
from core.errors import ApplicationError
from core.privacy.models import AuditAction
from core.privacy.services import audit_record
from core.regions.models import Region, RegionLevel
from core.spreadsheets import Problems, append_row, import_run_to_the_end, read_rows, upload_check, workbook_bytes
from core.typed_input import normalize_phone, parse_whole_number
from workers.models import (
    MAX_EXPECTED_WAGE,
    ImportStatus,
    KeyGroup,
    LedgerImport,
    StatusChange,
    WantedArea,
    Worker,
    WorkerKeyGroup,
    WorkerStatus,
)
from workers.services import (
    already_registered_message,
    identity_from_id_number,
    user_may_register_workers,
    worker_build,
)

NAME = gettext_lazy("姓名")
ID_NUMBER = gettext_lazy("身份证号")
PHONE = gettext_lazy("手机号")
VILLAGE = gettext_lazy("户籍村代码")
STATUS = gettext_lazy("就业状态")
SKILLS = gettext_lazy("技能")
OCCUPATIONS = gettext_lazy("求职意向")
WAGE = gettext_lazy("期望月薪")
KEY_GROUPS = gettext_lazy("重点群体")
REQUIRED_COLUMNS = (NAME, ID_NUMBER, PHONE, VILLAGE, STATUS)
OPTIONAL_COLUMNS = (SKILLS, OCCUPATIONS, WAGE, KEY_GROUPS)

PROGRESS_EVERY_ROWS = 5000
# 100,000 rows in the template's columns take about 5 MB.
MAX_FILE_BYTES = 30 * 2**20
BATCH_SIZE = 5000


@dataclass
class ParsedRow:
    row: int
    full_name: str
    identity: object
    phone: str
    village_code: str
    status: str
    skills: str
    wanted_occupations: str
    expected_wage: int | None
    key_groups: list = field(default_factory=list)


def _villages_of(user):
    """The villages whose people the user may register: every village in their region, their own if a village."""
    return scope_regions_to_user(user, Region.objects.filter(level=RegionLevel.VILLAGE)).order_by("code")


def ledger_template_workbook(*, user):
    """The template to fill in: the header, one example row, the status choices and the user's village codes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("台账")
    columns = [str(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)]
    append_row(sheet, columns)
    villages = list(_villages_of(user).values_list("code", "name", "parent__name"))
    example_village = villages[0][0] if villages else "430181102201"
    append_row(
        sheet,
        ["张三", "430181198801011235", "13800000000", example_village, str(WorkerStatus.RETURNED.label), "电工",
         "电工、焊工", 6000, str(KeyGroup.POVERTY_ALLEVIATED.label)]
    )  # fmt: skip
    statuses = DataValidation(type="list", formula1='"' + ",".join(str(label) for label in WorkerStatus.labels) + '"')
    sheet.add_data_validation(statuses)
    statuses.add("E2:E200000")
    for column in ("B", "C", "D"):
        sheet.column_dimensions[column].width = 22
    codes = workbook.create_sheet(_("村代码"))
    append_row(codes, [str(_("村代码")), str(_("村（社区）")), str(_("乡镇（街道）"))])
    for village in villages:
        append_row(codes, village)
    notes = workbook.create_sheet(_("填写说明"))
    for line in (
        _("第一行是列名，列的顺序可以调整；姓名、身份证号、手机号、户籍村代码、就业状态必须填写。"),
        _("就业状态填：%(statuses)s。") % {"statuses": "、".join(str(label) for label in WorkerStatus.labels)},
        _("重点群体可填多个，用顿号分隔：%(groups)s。")
        % {"groups": "、".join(str(label) for label in KeyGroup.labels)},
        _("户籍村代码是12位数字，见“村代码”表。期望月薪填整数（元）。"),
        _("任何一行有错误时整个文件都不会导入，系统会列出每个错误的行号、列名和原因。"),
    ):
        append_row(notes, [line])
    return workbook_bytes(workbook)


@transaction.atomic
def ledger_import_create(*, uploaded_by, file_name, content):
    """Store an uploaded file for `ledger_import_run` (the caller queues the task)."""
    if not user_may_register_workers(uploaded_by):
        raise ApplicationError(_("只有劳务经纪人和县人社局工作人员可以导入台账。"), code="permission_denied")
    upload_check(file_name=file_name, content=content, max_bytes=MAX_FILE_BYTES)
    return LedgerImport.objects.create(uploaded_by=uploaded_by, file_name=file_name[:200], content=content)


def _parse_row(number, cells, *, villages, statuses_by_label, key_groups_by_label, problems):
    """One row checked field by field; every problem is recorded, and None returned when there was one."""
    found = problems.count
    full_name = cells[str(NAME)]
    if not full_name:
        problems.add(number, NAME, _("姓名不能为空。"))
    identity = None
    try:
        identity = identity_from_id_number(cells[str(ID_NUMBER)])
    except ApplicationError as error:
        problems.add(number, ID_NUMBER, error.message)
    phone = ""
    try:
        phone = normalize_phone(cells[str(PHONE)])
    except ApplicationError as error:
        problems.add(number, PHONE, error.message)
    village_code = cells[str(VILLAGE)]
    if village_code not in villages:
        problems.add(number, VILLAGE, _("“%(code)s”不是您辖区内的村（社区）代码。") % {"code": village_code})
    status = statuses_by_label.get(cells[str(STATUS)])
    if status is None:
        problems.add(number, STATUS, _("就业状态应填：%(statuses)s。") % {"statuses": "、".join(statuses_by_label)})
    wage = None
    wage_text = cells.get(str(WAGE), "")
    if wage_text:
        try:
            wage = parse_whole_number(wage_text.removesuffix("元"), lowest=0, highest=MAX_EXPECTED_WAGE)
        except ApplicationError:
            problems.add(number, WAGE, _("期望月薪应是整数（元）。"))
    groups = []
    for label in _split_list(cells.get(str(KEY_GROUPS), "")):
        group = key_groups_by_label.get(label)
        if group is None:
            problems.add(number, KEY_GROUPS, _("“%(label)s”不是重点群体。") % {"label": label})
        else:
            groups.append(group)
    if problems.count > found:
        return None
    return ParsedRow(
        row=number,
        full_name=full_name[:50],
        identity=identity,
        phone=phone,
        village_code=village_code,
        status=status,
        skills=cells.get(str(SKILLS), "")[:200],
        wanted_occupations=cells.get(str(OCCUPATIONS), "")[:200],
        expected_wage=wage,
        key_groups=groups,
    )


def _split_list(text):
    for separator in "，,;；/ ":
        text = text.replace(separator, "、")
    return [part for part in (piece.strip() for piece in text.split("、")) if part]


def _statuses_by_label():
    """Built per file rather than at import time: the labels follow the language that is active."""
    return {str(label): value for value, label in WorkerStatus.choices}


def _key_groups_by_label():
    return {str(label): value for value, label in KeyGroup.choices}


def _check_duplicates(parsed, problems, *, uploader):
    """Duplicates inside the file and against the ledger and the accounts, each reported on its row."""
    first_row_of = {}
    first_row_of_phone = {}
    for row in parsed:
        if row.identity.hash in first_row_of:
            problems.add(
                row.row, ID_NUMBER, _("与第%(row)d行的身份证号重复。") % {"row": first_row_of[row.identity.hash]}
            )
        else:
            first_row_of[row.identity.hash] = row.row
        if row.phone in first_row_of_phone:
            problems.add(row.row, PHONE, _("与第%(row)d行的手机号重复。") % {"row": first_row_of_phone[row.phone]})
        else:
            first_row_of_phone[row.phone] = row.row
    # While PII keys rotate, a registered person's row holds the hash under an old key or the newest one.
    row_of_lookup_hash = {
        lookup_hash: row.row
        for row in parsed
        if first_row_of[row.identity.hash] == row.row
        for lookup_hash in row.identity.lookup_hashes
    }
    for chunk in chunked(row_of_lookup_hash, BATCH_SIZE):
        for worker in Worker.objects.filter(id_number_hash__in=chunk).select_related("registered_by__region", "user"):
            message = already_registered_message(worker, viewer=uploader)
            problems.add(row_of_lookup_hash[worker.id_number_hash], ID_NUMBER, message)
    for chunk in chunked(first_row_of_phone, BATCH_SIZE):
        for phone in User.objects.filter(phone__in=chunk).values_list("phone", flat=True):
            problems.add(first_row_of_phone[phone], PHONE, _("手机号 %(phone)s 已被其他人使用。") % {"phone": phone})


def _progress(ledger_import, processed):
    LedgerImport.objects.filter(pk=ledger_import.pk).update(processed_rows=processed)


def ledger_import_run(*, import_id):
    """Validate and import one uploaded file. Idempotent: a finished import is left as it is. Whatever goes wrong,
    the import ends "failed" with a message."""
    return import_run_to_the_end(_checked_and_written, import_id=import_id, fail=_broken_off)


def _broken_off(import_id, problems):
    return _finish(import_id, ImportStatus.FAILED, total=None, problems=problems)


def _checked_and_written(*, import_id):
    ledger_import = LedgerImport.objects.select_related("uploaded_by__region").get(pk=import_id)
    if ledger_import.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
        return ledger_import
    uploader = ledger_import.uploaded_by
    ledger_import.status = ImportStatus.RUNNING
    ledger_import.save(update_fields=["status"])
    problems = Problems()
    villages = set(_villages_of(uploader).values_list("code", flat=True))
    statuses_by_label, key_groups_by_label = _statuses_by_label(), _key_groups_by_label()
    parsed = []
    rows = read_rows(ledger_import.content, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS, problems=problems)
    LedgerImport.objects.filter(pk=import_id).update(total_rows=len(rows))
    for index, (number, cells) in enumerate(rows, start=1):
        row = _parse_row(
            number,
            cells,
            villages=villages,
            statuses_by_label=statuses_by_label,
            key_groups_by_label=key_groups_by_label,
            problems=problems,
        )
        if row is not None:
            parsed.append(row)
        if index % PROGRESS_EVERY_ROWS == 0:
            _progress(ledger_import, index)
    _check_duplicates(parsed, problems, uploader=uploader)
    if not problems.count and not parsed:
        problems.add(2, "", _("文件中没有数据行。"))
    if problems.count:
        return _finish(import_id, ImportStatus.FAILED, total=len(rows), problems=problems)
    try:
        # The workers and the "succeeded" mark commit together: a task redelivered after a crash either finds the
        # import finished or finds nothing written.
        with transaction.atomic():
            _write_workers(parsed, uploader=uploader, import_id=import_id)
            return _finish(import_id, ImportStatus.SUCCEEDED, total=len(rows), imported=len(parsed), problems=problems)
    except IntegrityError:
        # Someone registered one of these people (or phones) between the check and the write.
        problems.add(None, "", _("导入期间有人登记了文件中的身份证号或手机号，未导入任何数据，请重新上传。"))
        return _finish(import_id, ImportStatus.FAILED, total=len(rows), problems=problems)


def _finish(import_id, status, *, total, problems, imported=0):
    """`total` None leaves the count of rows checked as it stood."""
    LedgerImport.objects.filter(pk=import_id).update(
        status=status,
        **({} if total is None else {"processed_rows": total}),
        imported_count=imported,
        problems=problems.report(),
        content=b"",
        finished_at=timezone.now(),
    )
    return LedgerImport.objects.get(pk=import_id)


def _write_workers(parsed, *, uploader, import_id):
    """Every row, in batches, inside the caller's transaction: the accounts, workers, first status, key groups."""
    today = timezone.localdate()
    # One unusable password shared by every imported account: it can never match, and hashing 100,000 of them
    # would take most of the import's time. Job seekers sign in with SMS codes.
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                username=row.phone,
                phone=row.phone,
                role=Role.JOB_SEEKER,
                first_name=row.full_name,
                region_id=row.village_code,
                password=unusable,
            )
            for row in parsed
        ],
        batch_size=BATCH_SIZE,
    )
    workers = Worker.objects.bulk_create(
        [
            worker_build(
                user=user,
                identity=row.identity,
                full_name=row.full_name,
                home_region_id=row.village_code,
                status=row.status,
                status_since=today,
                skills=row.skills,
                wanted_occupations=row.wanted_occupations,
                wanted_area=WantedArea.ANYWHERE,
                expected_wage=row.expected_wage,
                registered_by=uploader,
            )
            for user, row in zip(users, parsed, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )
    StatusChange.objects.bulk_create(
        [
            StatusChange(worker=worker, status=worker.status, effective_on=today, changed_by=uploader)
            for worker in workers
        ],
        batch_size=BATCH_SIZE,
    )
    WorkerKeyGroup.objects.bulk_create(
        [
            WorkerKeyGroup(worker=worker, group=group)
            for worker, row in zip(workers, parsed, strict=True)
            for group in set(row.key_groups)
        ],
        batch_size=BATCH_SIZE,
    )
    audit_record(
        actor=uploader,
        action=AuditAction.IMPORT,
        subject=f"ledger-import:{import_id}",
        reason=_("导入实名制台账"),
        detail={"workers": len(workers)},
    )
