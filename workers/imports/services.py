"""Storing an uploaded ledger file and running its import with core's runner (core/imports.py): every row checked
first, then all written or none."""

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.accounts.models import Role, User
from core.errors import ApplicationError
from core.imports import ImportKind, import_run
from core.privacy.models import AuditAction
from core.privacy.services import audit_record
from core.spreadsheets import Problems, upload_check
from workers.imports.columns import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from workers.imports.rows import BATCH_SIZE, ParsedRow, duplicates_check, row_parser
from workers.models import (
    LedgerImport,
    StatusChange,
    WantedArea,
    Worker,
    WorkerKeyGroup,
)
from workers.services import (
    user_may_register_workers,
    worker_build,
)

PROGRESS_EVERY_ROWS = 5000


# 100,000 rows in the template's columns take about 5 MB.
MAX_FILE_BYTES = 30 * 2**20


@transaction.atomic
def ledger_import_create(*, uploaded_by: User, file_name: str, content: bytes) -> LedgerImport:
    """Store an uploaded file for `ledger_import_run` (the caller queues the task)."""
    if not user_may_register_workers(uploaded_by):
        raise ApplicationError(_("只有劳务经纪人和县人社局工作人员可以导入台账。"), code="permission_denied")
    upload_check(file_name=file_name, content=content, max_bytes=MAX_FILE_BYTES)
    return LedgerImport.objects.create(uploaded_by=uploaded_by, file_name=file_name[:200], content=content)


def _checked_duplicates(
    ledger_import: LedgerImport, parsed: list[ParsedRow], problems: Problems, warnings: Problems
) -> None:
    duplicates_check(parsed, problems, uploader=ledger_import.uploaded_by)


def _written(ledger_import: LedgerImport, parsed: list[ParsedRow], checked: None) -> dict[str, int]:
    _write_workers(parsed, uploader=ledger_import.uploaded_by, import_id=ledger_import.pk)
    return {"imported_count": len(parsed)}


LEDGER_IMPORT = ImportKind(
    model=LedgerImport,
    required_columns=REQUIRED_COLUMNS,
    optional_columns=OPTIONAL_COLUMNS,
    row_parser=row_parser,
    check=_checked_duplicates,
    write=_written,
    # Someone registered one of these people (or phones) between the check and the write.
    changed_meanwhile=gettext_lazy("导入期间有人登记了文件中的身份证号或手机号，未导入任何数据，请重新上传。"),
    progress_every_rows=PROGRESS_EVERY_ROWS,
    related=("uploaded_by__region",),
)


def ledger_import_run(*, import_id: int) -> LedgerImport:
    """Validate and import one uploaded file (core.imports.import_run: idempotent, all rows or none, and whatever
    goes wrong the import ends "failed" with a message)."""
    return import_run(LEDGER_IMPORT, import_id=import_id)


def _write_workers(parsed: list[ParsedRow], *, uploader: User, import_id: int) -> None:
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
