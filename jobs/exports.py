"""The console's lists of postings and employers as Excel files, for the staff member's current filter.

Both carry the employers' contact names and phones, which are personal data: every export is written to the audit
log with its filter and size. The posting export uses the demand template's column names, so that a county can
hand last year's export out as this year's sheet to fill in.
"""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.privacy.models import AuditAction
from core.privacy.services import audit_record
from core.spreadsheets import append_row, workbook_bytes
from jobs.imports import columns as c
from jobs.models import Benefit

EXPORT_BATCH = 2000


def _yes_no(value):
    return str(c.YES if value else c.NO)


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _export(*, viewer, sheet_title, header, rows, subject, reason, filters_description):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    append_row(sheet, [str(column) for column in header])
    count = 0
    for row in rows:
        append_row(sheet, row)
        count += 1
    audit_record(
        actor=viewer,
        action=AuditAction.EXPORT,
        subject=subject,
        reason=reason,
        detail={"rows": count, "filters": filters_description},
    )
    return workbook_bytes(workbook)


# Outside a transaction, so that the rows may come from a replica (core/replicas.py); the audit row is one INSERT.
def postings_export_workbook(*, viewer, postings, filters_description):
    """The .xlsx bytes of `postings` (a queryset already scoped to `viewer`), one row each, audited."""
    postings = postings.select_related("employer__region", "work_region", "created_by").defer("search_tokens")
    rows = (
        [
            posting.employer.name,
            posting.employer.credit_code,
            posting.employer.industry,
            posting.employer.region.name,
            posting.employer.address,
            posting.employer.contact_name,
            posting.employer.contact_phone,
            _yes_no(posting.employer.is_key_enterprise),
            posting.title,
            posting.get_occupation_display(),
            posting.headcount,
            posting.wage_min,
            posting.wage_max,
            posting.pay_notes,
            posting.working_hours,
            *(_yes_no(getattr(posting, benefit.value)) for benefit in Benefit),
            posting.work_region.name,
            posting.work_address,
            posting.age_min,
            posting.age_max,
            posting.requirements,
            posting.get_kind_display(),
            posting.valid_until,
            posting.description,
            posting.get_status_display(),
            _local(posting.published_at),
            posting.created_by.get_full_name() or posting.created_by.username if posting.created_by else "",
            _local(posting.created_at),
        ]
        for posting in postings.iterator(chunk_size=EXPORT_BATCH)
    )
    return _export(
        viewer=viewer,
        sheet_title=_("岗位"),
        header=[*c.ALL_COLUMNS, _("状态"), _("发布时间"), _("录入人"), _("录入时间")],
        rows=rows,
        subject="jobs:postings",
        reason=_("导出岗位列表（含单位联系电话）"),
        filters_description=filters_description,
    )


# Outside a transaction, so that the rows may come from a replica (core/replicas.py); the audit row is one INSERT.
def employers_export_workbook(*, viewer, employers, filters_description):
    """The .xlsx bytes of `employers` (a queryset already scoped to `viewer`), one row each, audited."""
    employers = employers.select_related("region", "county", "liaison").annotate(posting_count=Count("postings"))
    rows = (
        [
            employer.name,
            employer.credit_code,
            employer.industry,
            employer.region.name,
            employer.address,
            employer.contact_name,
            employer.contact_phone,
            _yes_no(employer.is_key_enterprise),
            employer.liaison.get_full_name() or employer.liaison.username if employer.liaison else "",
            employer.county.name,
            employer.posting_count,
            _local(employer.created_at),
        ]
        for employer in employers.iterator(chunk_size=EXPORT_BATCH)
    )
    return _export(
        viewer=viewer,
        sheet_title=_("用工单位"),
        header=[*c.EMPLOYER_COLUMNS, _("联络员"), _("录入县"), _("岗位数"), _("录入时间")],
        rows=rows,
        subject="jobs:employers",
        reason=_("导出用工单位列表（含联系电话）"),
        filters_description=filters_description,
    )
