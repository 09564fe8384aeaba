"""Every change to employers, postings and cooperation agreements. Split by noun; import from `jobs.services`."""

from jobs.services.access import user_may_edit_demand
from jobs.services.agreements import agreement_create, agreement_problems, agreement_update
from jobs.services.employers import employer_create, employer_update
from jobs.services.indexing import (
    employer_postings_reindex,
    posting_index,
    posting_lexemes,
    postings_reindex,
    region_names,
)
from jobs.services.postings import (
    MAX_AGE,
    MAX_EXTEND_DAYS,
    MAX_HEADCOUNT,
    MAX_WAGE,
    MIN_WORKING_AGE,
    BulkOutcome,
    posting_close,
    posting_create,
    posting_extend,
    posting_mark_filled,
    posting_problems,
    posting_publish,
    posting_update,
    postings_bulk_close,
    postings_bulk_extend,
    postings_bulk_publish,
    postings_expire_due,
)
from jobs.services.reports import REPORTS_TO_HOLD, posting_report, posting_reports_review

__all__ = [
    "MAX_AGE",
    "MAX_EXTEND_DAYS",
    "MAX_HEADCOUNT",
    "MAX_WAGE",
    "MIN_WORKING_AGE",
    "REPORTS_TO_HOLD",
    "BulkOutcome",
    "agreement_create",
    "agreement_problems",
    "agreement_update",
    "employer_create",
    "employer_postings_reindex",
    "employer_update",
    "posting_close",
    "posting_create",
    "posting_extend",
    "posting_index",
    "posting_lexemes",
    "posting_mark_filled",
    "posting_problems",
    "posting_publish",
    "posting_report",
    "posting_reports_review",
    "posting_update",
    "postings_bulk_close",
    "postings_bulk_extend",
    "postings_bulk_publish",
    "postings_expire_due",
    "postings_reindex",
    "region_names",
    "user_may_edit_demand",
]
