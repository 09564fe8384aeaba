"""What the job supermarket reads: public postings, searched, filtered and paged by keyset.

Paging is by keyset (the last row's sort key), never OFFSET, so page 1,000 costs what page 1 costs. Sorts that rank
("relevance": the query in the title first; "near": the seeker's county, city, province, then elsewhere) are a
short list of tiers, each read newest first through the same index; a cursor says which tier it stopped in.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError
from core.regions.models import Region, RegionLevel
from jobs.models import JobPosting, PostingStatus
from jobs.search import TokenQuery, query_tokens, title_lexemes

PAGE_SIZE = 20
# Counting every match of a common word costs more than finding a page of it, so counts stop here ("1000+").
COUNT_LIMIT = 1000


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    WAGE = "wage"
    NEAR = "near"

    CHOICES = [
        (RELEVANCE, gettext_lazy("最相关")),
        (NEWEST, gettext_lazy("最新发布")),
        (WAGE, gettext_lazy("工资最高")),
        (NEAR, gettext_lazy("离家最近")),
    ]


_SORT_KEYS = {Sort.WAGE: ("wage_max", "id")}
_NEWEST_KEY = ("published_at", "id")


@dataclass(frozen=True)
class PostingFilters:
    q: str = ""
    region: Region | None = None
    occupation: str = ""
    wage_min: int | None = None
    benefits: tuple = ()
    key_enterprise: bool = False
    kind: str = ""
    home: Region | None = None
    sort: str = ""

    @property
    def tokens(self):
        return query_tokens(self.q)

    @property
    def effective_sort(self):
        """The sort asked for, falling back to one that makes sense (relevance needs a query, near a home)."""
        if self.sort == Sort.RELEVANCE and not self.tokens:
            return Sort.NEWEST
        if self.sort == Sort.NEAR and self.home is None:
            return Sort.RELEVANCE if self.tokens else Sort.NEWEST
        return self.sort or (Sort.RELEVANCE if self.tokens else Sort.NEWEST)


@dataclass
class PostingPage:
    postings: list
    next_cursor: str | None
    count: int
    count_is_capped: bool

    @property
    def count_display(self):
        return f"{COUNT_LIMIT}+" if self.count_is_capped else str(self.count)


def postings_visible():
    """Published and still valid: an expired posting is never shown, even before the hourly task marks it."""
    return JobPosting.objects.filter(status=PostingStatus.PUBLISHED, valid_until__gte=timezone.localdate())


def _filtered(filters, *, by_query=True):
    postings = postings_visible()
    if filters.tokens and by_query:
        postings = postings.filter(search_tokens__matches=TokenQuery(all_of=filters.tokens))
    if filters.region is not None:
        # A region's primary key is its code: the subtree is a prefix match on the foreign key itself, no join.
        postings = postings.filter(work_region__code__startswith=filters.region.prefix)
    if filters.occupation:
        postings = postings.filter(occupation=filters.occupation)
    if filters.wage_min:
        postings = postings.filter(wage_max__gte=filters.wage_min)
    if filters.benefits:
        postings = postings.filter(**{benefit: True for benefit in filters.benefits})
    if filters.key_enterprise:
        postings = postings.filter(employer__is_key_enterprise=True)
    if filters.kind:
        postings = postings.filter(kind=filters.kind)
    return postings


def _tiers(filters, sort):
    if sort == Sort.RELEVANCE:
        # These tiers carry the query themselves (see TokenQuery); a word in the title is in the text too.
        in_title = title_lexemes(filters.tokens)
        return [
            Q(search_tokens__matches=TokenQuery(all_of=in_title)),
            Q(search_tokens__matches=TokenQuery(all_of=filters.tokens, none_of=in_title)),
        ]
    if sort == Sort.NEAR:
        code = filters.home.code
        county, city, province = (
            Q(work_region_id=code),
            Q(work_region__code__startswith=code[:4]),
            Q(work_region__code__startswith=code[:2]),
        )
        return [county, city & ~county, province & ~city, ~province]
    return [Q()]


def _encode_cursor(sort, tier, values, count):
    """The next page's starting point, and the first page's count so that later pages need not count again."""
    payload = [
        sort,
        tier,
        *(value.isoformat() if isinstance(value, datetime) else value for value in values),
        count,
    ]
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_cursor(cursor, sort, tier_count):
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        cursor_sort, tier, first, last_id, count = raw
        if cursor_sort != sort or not 0 <= tier < tier_count or not all(isinstance(n, int) for n in (last_id, count)):
            raise ValueError(cursor)
        first = int(first) if sort == Sort.WAGE else datetime.fromisoformat(first)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise ApplicationError(
            _("翻页链接已失效，请从第一页重新查看。"), code="invalid_cursor", field="cursor"
        ) from error
    return tier, (first, last_id), count


def _after(key, values):
    """Rows after `values` in the descending order of `key` (a two-column keyset).

    The leading `<=` says the same as the rest once more, in the one form PostgreSQL can start an index scan
    at; without it page 1,000 read the 20,000 rows before it.
    """
    first, second = key
    return Q(**{f"{first}__lte": values[0]}) & (
        Q(**{f"{first}__lt": values[0]}) | Q(**{first: values[0], f"{second}__lt": values[1]})
    )


def posting_search(*, filters, cursor=None, page_size=PAGE_SIZE):
    """One page of public postings for `filters`, with the cursor of the next page and a (capped) count."""
    sort = filters.effective_sort
    key = _SORT_KEYS.get(sort, _NEWEST_KEY)
    tiers = _tiers(filters, sort)
    start_tier, after, count = _decode_cursor(cursor, sort, len(tiers)) if cursor else (0, None, None)
    matching = _filtered(filters, by_query=sort != Sort.RELEVANCE)

    rows = []
    for tier in range(start_tier, len(tiers)):
        postings = matching.filter(tiers[tier])
        if tier == start_tier and after is not None:
            postings = postings.filter(_after(key, after))
        wanted = page_size + 1 - len(rows)
        postings = (
            postings.select_related("employer", "work_region")
            .defer("search_tokens", "description", "requirements")
            .order_by(*(f"-{name}" for name in key))
        )
        rows += [(tier, posting) for posting in postings[:wanted]]
        if len(rows) > page_size:
            break

    if count is None:
        # Unordered: with the model's default order PostgreSQL would walk the date index to find the first 1,001.
        count = _filtered(filters).order_by()[: COUNT_LIMIT + 1].count()
    next_cursor = None
    if len(rows) > page_size:
        tier, last = rows[page_size - 1]
        next_cursor = _encode_cursor(sort, tier, [getattr(last, name) for name in key], count)
    postings = [posting for _tier, posting in rows[:page_size]]
    _attach_cities(postings)
    return PostingPage(
        postings=postings,
        next_cursor=next_cursor,
        count=min(count, COUNT_LIMIT),
        count_is_capped=count > COUNT_LIMIT,
    )


def _attach_cities(postings):
    """Set `work_city` (the city above the county, or None) on each posting, in one query for the page."""
    cities = Region.objects.filter(
        code__in={posting.work_region_id[:4] + "00" for posting in postings}, level=RegionLevel.CITY
    ).in_bulk()
    for posting in postings:
        posting.work_city = cities.get(posting.work_region_id[:4] + "00")


def posting_detail(*, posting_id):
    """A public posting with everything its page shows, or 404 (drafts, closed and expired ones included)."""
    return get_object_or_404(
        postings_visible().select_related("employer", "work_region").defer("search_tokens"), pk=posting_id
    )
