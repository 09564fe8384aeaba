"""Storing an uploaded demand sheet and running its import: every row checked first, then all written or none."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.accounts.models import User
from core.accounts.scoping import user_can_access_region
from core.errors import ApplicationError
from core.privacy.models import AuditAction
from core.privacy.services import audit_record
from core.regions.models import Region, RegionLevel
from core.spreadsheets import Problems, import_run_to_the_end, read_rows, upload_check
from jobs.imports.columns import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from jobs.imports.rows import EmployerPart, ParsedRow, RowParser, check_employers
from jobs.models import DemandImport, Employer, JobPosting, PostingStatus
from jobs.pagecache import list_cache_invalidate
from jobs.services import posting_lexemes, region_names, user_may_edit_demand
from workers.models import ImportStatus

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


def demand_import_run(*, import_id: int) -> DemandImport:
    """Check and import one uploaded sheet. Idempotent: a finished import is left as it is. Whatever goes wrong,
    the import ends "failed" with a message."""
    return import_run_to_the_end(_checked_and_written, import_id=import_id, fail=_broken_off)


def _broken_off(import_id: int, problems: Problems) -> DemandImport:
    return _finish(import_id, ImportStatus.FAILED, total=None, problems=problems, warnings=Problems())


def _checked_and_written(*, import_id: int) -> DemandImport:
    demand_import = DemandImport.objects.select_related("uploaded_by", "county").get(pk=import_id)
    if demand_import.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
        return demand_import
    DemandImport.objects.filter(pk=import_id).update(status=ImportStatus.RUNNING)
    problems, warnings = Problems(), Problems()
    rows = read_rows(demand_import.content, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS, problems=problems)
    DemandImport.objects.filter(pk=import_id).update(total_rows=len(rows))
    parser = RowParser(county=demand_import.county, problems=problems)
    parsed = []
    for index, (number, cells) in enumerate(rows, start=1):
        parsed.append(parser.parse(number, cells))
        if index % PROGRESS_EVERY_ROWS == 0:
            DemandImport.objects.filter(pk=import_id).update(processed_rows=index)
    employers, existing = check_employers(parsed, problems, warnings)
    if not problems.count and not parsed:
        problems.add(2, "", _("文件中没有数据行。"))
    if problems.count:
        return _finish(import_id, ImportStatus.FAILED, total=len(rows), problems=problems, warnings=warnings)
    try:
        # The postings and the "succeeded" mark commit together: a task redelivered after a crash either finds the
        # import finished or finds nothing written.
        with transaction.atomic():
            created = _write(demand_import, parsed, employers=employers, existing=existing)
            if demand_import.publish:
                transaction.on_commit(list_cache_invalidate)
            return _finish(
                import_id,
                ImportStatus.SUCCEEDED,
                total=len(rows),
                problems=problems,
                warnings=warnings,
                employers_created=created,
                employers_matched=len(existing),
                postings_created=len(parsed),
            )
    except IntegrityError:
        # Someone entered one of these employers between the check and the write.
        problems.add(None, "", _("导入期间有人录入了文件中的单位，未导入任何数据，请重新上传。"))
        return _finish(import_id, ImportStatus.FAILED, total=len(rows), problems=problems, warnings=warnings)


def _finish(
    import_id: int, status: str, *, total: int | None, problems: Problems, warnings: Problems, **counts: int
) -> DemandImport:
    """`total` None leaves the count of rows checked as it stood."""
    DemandImport.objects.filter(pk=import_id).update(
        status=status,
        **({} if total is None else {"processed_rows": total}),
        problems=problems.report(),
        warnings=warnings.report(),
        content=b"",
        finished_at=timezone.now(),
        **counts,
    )
    return DemandImport.objects.get(pk=import_id)


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
