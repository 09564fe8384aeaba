"""Storing an uploaded demand sheet and running its import: every row checked first, then all written or none."""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from core.accounts.models import User
from core.accounts.scoping import user_can_access_region
from core.errors import ApplicationError
from core.imports import ImportKind, import_run
from core.privacy.models import AuditAction
from core.privacy.services import audit_record
from core.regions.models import Region, RegionLevel
from core.spreadsheets import Problems, upload_check
from jobs.imports.columns import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from jobs.imports.rows import EmployerPart, ParsedRow, RowParser, check_employers
from jobs.models import DemandImport, Employer, JobPosting, PostingStatus
from jobs.pagecache import list_cache_invalidate
from jobs.services import posting_lexemes, region_names, user_may_edit_demand

PROGRESS_EVERY_ROWS = 500
# 10,000 postings in the template's columns take about 1 MB.
MAX_FILE_BYTES = 20 * 2**20
BATCH_SIZE = 2000


@transaction.atomic
def demand_import_create(
    *, uploaded_by: User, county: Region, file_name: str, content: bytes, publish: bool = False
) -> DemandImport:
    """Store an uploaded sheet for `demand_import_run` (the caller queues the task); its postings are imported as
    drafts unless `publish`."""
    if not user_may_edit_demand(uploaded_by):
        raise ApplicationError(_("只有县人社局工作人员可以导入用工需求。"), code="permission_denied")
    if county.level != RegionLevel.COUNTY or not user_can_access_region(uploaded_by, county.code):
        raise ApplicationError(_("只能导入到本县。"), field="county", code="permission_denied")
    upload_check(file_name=file_name, content=content, max_bytes=MAX_FILE_BYTES)
    return DemandImport.objects.create(
        uploaded_by=uploaded_by, county=county, file_name=file_name[:200], content=content, publish=publish
    )


def _row_parser(demand_import: DemandImport, problems: Problems, warnings: Problems) -> Callable[..., ParsedRow]:
    return RowParser(county=demand_import.county, problems=problems).parse


def _checked_employers(
    demand_import: DemandImport, parsed: list[ParsedRow], problems: Problems, warnings: Problems
) -> tuple[dict[str, EmployerPart], dict[str, Employer]]:
    return check_employers(parsed, problems, warnings)


def _written(demand_import: DemandImport, parsed: list[ParsedRow], checked: tuple) -> dict[str, int]:
    employers, existing = checked
    created = _write(demand_import, parsed, employers=employers, existing=existing)
    if demand_import.publish:
        transaction.on_commit(list_cache_invalidate)
    return {"employers_created": created, "employers_matched": len(existing), "postings_created": len(parsed)}


DEMAND_IMPORT = ImportKind(
    model=DemandImport,
    required_columns=REQUIRED_COLUMNS,
    optional_columns=OPTIONAL_COLUMNS,
    row_parser=_row_parser,
    check=_checked_employers,
    write=_written,
    # Someone entered one of these employers between the check and the write.
    changed_meanwhile=gettext_lazy("导入期间有人录入了文件中的单位，未导入任何数据，请重新上传。"),
    progress_every_rows=PROGRESS_EVERY_ROWS,
    related=("uploaded_by", "county"),
    keeps_warnings=True,
)


def demand_import_run(*, import_id: int) -> DemandImport:
    """Check and import one uploaded sheet (core.imports.import_run: idempotent, all rows or none, and whatever goes
    wrong the import ends "failed" with a message)."""
    return import_run(DEMAND_IMPORT, import_id=import_id)


def _write(
    demand_import: DemandImport,
    parsed: list[ParsedRow],
    *,
    employers: dict[str, EmployerPart],
    existing: dict[str, Employer],
) -> int:
    """The new employers and every posting, in batches, inside the caller's transaction; returns how many
    employers were created."""
    county_id, uploader = demand_import.county_id, demand_import.uploaded_by
    # Each new row gets its "created" history entry, naming the uploader and the file.
    history = {
        "batch_size": BATCH_SIZE,
        "default_user": uploader,
        "default_change_reason": _("表格导入：%(file)s") % {"file": demand_import.file_name[:80]},
    }
    created = bulk_create_with_history(
        [
            Employer(county_id=county_id, created_by=uploader, **vars(employer))
            for code, employer in employers.items()
            if code not in existing
        ],
        Employer,
        **history,
    )
    employer_of = {**existing, **{employer.credit_code: employer for employer in created}}
    # One path query per distinct place rather than per row: a county's sheet names a few dozen places.
    work_regions = Region.objects.in_bulk({row.posting.work_region_id for row in parsed})
    place_names = {code: region_names(region) for code, region in work_regions.items()}
    now = timezone.now()
    postings = []
    for row in parsed:
        details = vars(row.posting).copy()
        benefits = details.pop("benefits")
        posting = JobPosting(
            employer=employer_of[row.employer.credit_code],
            county_id=county_id,
            created_by=uploader,
            status=PostingStatus.PUBLISHED if demand_import.publish else PostingStatus.DRAFT,
            published_at=now if demand_import.publish else None,
            **benefits,
            **details,
        )
        posting.search_tokens = posting_lexemes(posting, place_names=place_names[posting.work_region_id])
        postings.append(posting)
    bulk_create_with_history(postings, JobPosting, **history)
    audit_record(
        actor=uploader,
        action=AuditAction.IMPORT,
        subject=f"demand-import:{demand_import.pk}",
        reason=_("导入用工需求（含单位联系人电话）"),
        detail={"employers_created": len(created), "employers_matched": len(existing), "postings": len(postings)},
    )
    return len(created)
