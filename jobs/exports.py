"""The console's lists of postings and employers as Excel files, for the staff member's current filter: two kinds of
export (core.exports), registered in `JobsConfig.ready()`, written by the `imports` worker and downloaded by the
one who asked.

Both carry the employers' contact names and phones, which are personal data: every export is written to the audit
log with its filter and size (core.exports), and each download again. The posting export uses the demand
template's column names, so that a county can hand last year's export out as this year's sheet to fill in.
"""

from django.db.models import Count
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports.kinds import ExportKind, ExportRows
from jobs import selectors
from jobs.forms import EmployerSearchForm, PostingFilterForm
from jobs.imports import columns as c
from jobs.models import Benefit

EXPORT_BATCH = 2000


def _yes_no(value):
    return str(c.YES if value else c.NO)


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def postings_export_rows(export):
    """The postings list under the export's filter (its query string, read by the list's own form), scoped to the
    one who asked, one row each."""
    form = PostingFilterForm(QueryDict(export.query))
    postings = selectors.console_postings(user=export.requested_by, filters=form.filters())
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
    return ExportRows(
        header=[*c.ALL_COLUMNS, _("状态"), _("发布时间"), _("录入人"), _("录入时间")],
        rows=rows,
        reason=_("导出岗位列表（含单位联系电话）"),
    )


def employers_export_rows(export):
    """The employers list under the export's search, scoped to the one who asked, one row each."""
    form = EmployerSearchForm(QueryDict(export.query))
    q = form.cleaned_data["q"] if form.is_valid() else ""
    employers = selectors.console_employers(user=export.requested_by, q=q)
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
    return ExportRows(
        header=[*c.EMPLOYER_COLUMNS, _("联络员"), _("录入县"), _("岗位数"), _("录入时间")],
        rows=rows,
        reason=_("导出用工单位列表（含联系电话）"),
    )


POSTINGS_EXPORT = ExportKind(
    name="jobs.postings",
    label=gettext_lazy("岗位列表"),
    sheet_title=gettext_lazy("岗位"),
    file_prefix="postings",
    subject="jobs:postings",
    list_url="jobs_console:postings",
    rows=postings_export_rows,
)

EMPLOYERS_EXPORT = ExportKind(
    name="jobs.employers",
    label=gettext_lazy("用工单位列表"),
    sheet_title=gettext_lazy("用工单位"),
    file_prefix="employers",
    subject="jobs:employers",
    list_url="jobs_console:employers",
    rows=employers_export_rows,
)
