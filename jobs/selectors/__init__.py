"""Every read of employers, postings and agreements. Split by concern; import from `jobs.selectors`.

- `search`: the job supermarket's search (/jobs/ and the API): filters, relevance tiers, keyset pages, help when empty;
- `postings`: public postings one at a time (a posting's page, its similar postings) and what is visible at all;
- `console`: the staff console's reads, scoped to the user's region, with the reports queue;
- `history`: the change history the console shows.
"""

from jobs.selectors.console import (
    ConsolePostingFilters,
    agreement_postings,
    console_agreement,
    console_agreements,
    console_employer,
    console_employers,
    console_posting,
    console_postings,
    console_reported_posting,
    console_reported_postings,
    liaison_candidates,
)
from jobs.selectors.history import HISTORY_LIMIT, HistoryEntry, history_entries
from jobs.selectors.postings import (
    SIMILAR_POSTINGS,
    full_posting_ids,
    posting_detail,
    posting_is_recruiting,
    posting_once_published,
    postings_visible,
    similar_open_postings,
)
from jobs.selectors.search import (
    COUNT_LIMIT,
    PAGE_SIZE,
    WIDER_COUNT_LIMIT,
    PostingFilters,
    PostingPage,
    Sort,
    WiderPlace,
    posting_search,
)

__all__ = [
    "COUNT_LIMIT",
    "HISTORY_LIMIT",
    "PAGE_SIZE",
    "SIMILAR_POSTINGS",
    "WIDER_COUNT_LIMIT",
    "ConsolePostingFilters",
    "HistoryEntry",
    "PostingFilters",
    "PostingPage",
    "Sort",
    "WiderPlace",
    "agreement_postings",
    "console_agreement",
    "console_agreements",
    "console_employer",
    "console_employers",
    "console_posting",
    "console_postings",
    "console_reported_posting",
    "console_reported_postings",
    "full_posting_ids",
    "history_entries",
    "liaison_candidates",
    "posting_detail",
    "posting_is_recruiting",
    "posting_once_published",
    "posting_search",
    "postings_visible",
    "similar_open_postings",
]
