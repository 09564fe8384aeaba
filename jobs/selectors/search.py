"""What the job supermarket reads: public postings, searched, filtered and paged by keyset.

Paging is by keyset (the last row's sort key), never OFFSET, so page 1,000 costs what page 1 costs. Sorts that rank
("relevance": the query in the title first; "near": the seeker's county, city, province, then elsewhere) are a
short list of tiers, each read newest first through the same index; a cursor says which tier it stopped in.
"""

import base64
import binascii
import json
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db import connection, router
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError
from core.regions.models import Region, RegionLevel
from core.regions.selectors import region_path
from jobs.everyday import near_words
from jobs.models import JobPosting
from jobs.query import ReadQuery, read_query
from jobs.ranking import relevance_tiers, small_search_page, through_the_text_index, tier_rows, typed_tiers
from jobs.search import AllOf, TokenQuery, place_lexeme
from jobs.selectors.postings import postings_visible

PAGE_SIZE = 20
SUGGESTIONS = 3
# Counting every match of a common word costs more than finding a page of it, so counts stop here ("1000+").
COUNT_LIMIT = 1000
# The wider place only has to say whether trying it is worth a tap ("湖南省内有 100+ 个"); the count it leads to is
# the page's own. Counting to a hundred reads a tenth of the rows: for an empty search in 东莞 the province's count
# was most of the search's time (the words' index entries for 广东 must all be read either way).
WIDER_COUNT_LIMIT = 100


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
    benefits: tuple[str, ...] = ()
    key_enterprise: bool = False
    kind: str = ""
    home: Region | None = None
    sort: str = ""
    # Place names in `q` are words, not a filter: the one-tap undo of "已按 新化县 筛选".
    words_only: bool = False

    @cached_property
    def read(self) -> ReadQuery:
        """`q` read as a search: its words, place and wage (jobs/query.py)."""
        return read_query(self.q, places=not self.words_only)

    @property
    def _ranks(self) -> bool:
        return bool(self.read.terms or self.read.boost)

    @property
    def effective_sort(self) -> str:
        """The sort asked for, falling back to one that makes sense (relevance needs a query, near a home)."""
        if self.sort == Sort.RELEVANCE and not self._ranks:
            return Sort.NEWEST
        if self.sort == Sort.NEAR and self.home is None:
            return Sort.RELEVANCE if self._ranks else Sort.NEWEST
        return self.sort or (Sort.RELEVANCE if self._ranks else Sort.NEWEST)


class _CappedCount:
    count: int
    count_is_capped: bool

    def _limit(self) -> int:
        return COUNT_LIMIT

    @property
    def count_display(self) -> str:
        return f"{self._limit()}+" if self.count_is_capped else str(self.count)


@dataclass(frozen=True)
class WiderPlace(_CappedCount):
    """The nearest place above the one searched that has postings for the search, and how many."""

    region: Region
    count: int
    count_is_capped: bool

    def _limit(self) -> int:
        return WIDER_COUNT_LIMIT


@dataclass
class PostingPage(_CappedCount):
    postings: list[JobPosting]
    next_cursor: str | None
    count: int
    count_is_capped: bool
    place: Region | None = None  # the place read out of the query and applied as a filter
    # When nothing is found: the words the seeker may have meant (word, query), and a wider place with postings.
    suggestions: list[tuple[str, str]] = field(default_factory=list)
    wider: WiderPlace | None = None


def _filtered(
    filters: PostingFilters,
    *,
    by_query: bool = True,
    places: list[Region] | None = None,
    exact_only: bool = False,
) -> QuerySet[JobPosting]:
    """The postings `filters` match; `places` replaces the regions asked for (to count a wider place)."""
    read = filters.read
    postings = postings_visible()
    regions = [region for region in (places if places is not None else (filters.region, read.place)) if region]
    words = read.matches(exact_only=exact_only) if read.terms and by_query else None
    # With words, a province or a city is a lexeme of the same text query (jobs.search.place_lexemes): the index
    # meets a common word's long list only where the place's allows. As a separate condition PostgreSQL built the
    # words' whole bitmap first (117,124 rows for 普工 & 包吃包住) to count 1,001 of 广东's 41,528 postings: 130 ms
    # against 50 on a loaded machine. A county's few hundred postings are found faster by their own index.
    broad = [region for region in regions if words and region.level in (RegionLevel.PROVINCE, RegionLevel.CITY)]
    if words:
        postings = postings.filter(
            search_tokens__matches=TokenQuery(AllOf((words, *(place_lexeme(region) for region in broad))))
        )
    for region in regions:
        if region not in broad:
            # A region's primary key is its code: the subtree is a prefix match on the foreign key itself, no join.
            postings = postings.filter(work_region__code__startswith=region.prefix)
    if filters.occupation:
        postings = postings.filter(occupation=filters.occupation)
    wage_floor = max(filters.wage_min or 0, read.wage_floor or 0)
    if wage_floor:
        postings = postings.filter(wage_max__gte=wage_floor)
    if filters.benefits:
        postings = postings.filter(**{benefit: True for benefit in filters.benefits})
    if filters.key_enterprise:
        postings = postings.filter(employer__is_key_enterprise=True)
    if filters.kind:
        postings = postings.filter(kind=filters.kind)
    return postings


def _tiers(filters: PostingFilters, sort: str) -> list[Any]:
    if sort == Sort.RELEVANCE:
        # These tiers carry the query themselves (see jobs/ranking.py).
        return relevance_tiers(filters.read)
    if sort == Sort.NEAR:
        code = filters.home.code
        county, city, province = (
            Q(work_region_id=code),
            Q(work_region__code__startswith=code[:4]),
            Q(work_region__code__startswith=code[:2]),
        )
        return [county, city & ~county, province & ~city, ~province]
    return [Q()]


def _encode_cursor(sort: str, tier: int, values: list[Any], count: int) -> str:
    """The next page's starting point, and the first page's count so that later pages need not count again."""
    payload = [
        sort,
        tier,
        *(value.isoformat() if isinstance(value, datetime) else value for value in values),
        count,
    ]
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str, tier_count: int) -> tuple[int, tuple[Any, int], int]:
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


def _after(key: tuple[str, str], values: tuple[Any, int]) -> Q:
    """Rows after `values` in the descending order of `key` (a two-column keyset).

    The leading `<=` says the same as the rest once more, in the one form PostgreSQL can start an index scan
    at; without it page 1,000 read the 20,000 rows before it.
    """
    first, second = key
    return Q(**{f"{first}__lte": values[0]}) & (
        Q(**{f"{first}__lt": values[0]}) | Q(**{first: values[0], f"{second}__lt": values[1]})
    )


@dataclass(frozen=True)
class _Counts:
    """How many postings match, and how many hold every word as typed, each up to COUNT_LIMIT + 1 (the second only
    when it was counted: None on later pages, whose count comes from the cursor)."""

    matching: int
    as_typed: int | None = None


def _capped_counts(filters: PostingFilters, *, limit: int, places: list[Region] | None = None) -> _Counts:
    """How many postings match, up to `limit` + 1, and how many of them with every word as typed.

    Unordered: with the model's default order PostgreSQL would walk the date index to find the first 1,001. The
    words as typed are counted first, and are enough when they alone pass the limit (a common word: its related
    words would only make the count dearer). Several words are counted through the text index: PostgreSQL
    multiplies its guesses for each and, guessing far too many, scanned the table for 1,001 rows that were not
    there (600 ms for 保洁 包住 on 200,000 postings under load, 70 ms through the index).
    """
    several_words = len(filters.read.terms) > 1
    as_typed = None
    # One transaction for both counts: each opened its own (BEGIN, the planner settings, COMMIT: three round trips).
    with through_the_text_index(router.db_for_read(JobPosting)) if several_words else nullcontext():
        for exact_only in (True, False) if any(term.related for term in filters.read.terms) else (False,):
            count = _filtered(filters, exact_only=exact_only, places=places).order_by()[: limit + 1].count()
            if exact_only:
                as_typed = count
            if count > limit:
                break
    return _Counts(matching=count, as_typed=count if as_typed is None else as_typed)


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _for_cards(postings: QuerySet[JobPosting]) -> QuerySet[JobPosting]:
    return postings.select_related("employer", "work_region__parent__parent").defer(
        "search_tokens", "description", "requirements"
    )


def posting_search(*, filters: PostingFilters, cursor: str | None = None, page_size: int = PAGE_SIZE) -> PostingPage:
    """One page of public postings for `filters`, with the cursor of the next page and a (capped) count."""
    sort = filters.effective_sort
    key = _SORT_KEYS.get(sort, _NEWEST_KEY)
    tiers = _tiers(filters, sort)
    start_tier, after, count = 0, None, None
    if cursor:
        start_tier, after, count = _decode_cursor(cursor, sort, len(tiers))
    matching = _filtered(filters, by_query=sort != Sort.RELEVANCE)

    counts = _Counts(matching=count) if count is not None else _capped_counts(filters, limit=COUNT_LIMIT)
    count = counts.matching
    order = [f"-{name}" for name in key]
    rows: list[tuple[int, JobPosting]] = []
    small = count <= COUNT_LIMIT
    # A tier of every word as typed is no larger than their count: when that is small, it is read through the text
    # index at once, not first looked for among the newest (做饭 in a title: 2,000 rows read to find none).
    small_tiers = typed_tiers(filters.read) if counts.as_typed is not None and counts.as_typed <= COUNT_LIMIT else []
    if count > 0 and small and sort == Sort.RELEVANCE and after is None and filters.read.terms and _on_postgresql():
        rows = small_search_page(matching, filters.read, wanted=page_size + 1, load=_for_cards)
        tiers = []  # all read
    for tier in range(start_tier, len(tiers) if count else 0):
        after_cursor = _after(key, after) if tier == start_tier and after is not None else Q()
        wanted = page_size + 1 - len(rows)
        if sort == Sort.RELEVANCE:
            place, condition = tiers[tier]
            found = tier_rows(
                matching.filter(place, after_cursor),
                condition,
                order=order,
                wanted=wanted,
                search_is_small=small or (tier < len(small_tiers) and small_tiers[tier]),
                load=_for_cards,
            )
        else:
            found = _for_cards(matching.filter(tiers[tier], after_cursor).order_by(*order))[:wanted]
        rows += [(tier, posting) for posting in found]
        if len(rows) > page_size:
            break

    next_cursor = None
    if len(rows) > page_size:
        tier, last = rows[page_size - 1]
        next_cursor = _encode_cursor(sort, tier, [getattr(last, name) for name in key], count)
    postings = [posting for _tier, posting in rows[:page_size]]
    page = PostingPage(
        postings=postings,
        next_cursor=next_cursor,
        count=min(count, COUNT_LIMIT),
        count_is_capped=count > COUNT_LIMIT,
        place=filters.read.place,
    )
    if count == 0:
        page.suggestions = _suggestions(filters)
        page.wider = _wider_place(filters)
    return page


def _suggestions(filters: PostingFilters) -> list[tuple[str, str]]:
    """Known words near the query's words (保结 -> 保洁) that would find something, in its place and filters."""
    found: list[tuple[str, str]] = []
    if not _filtered(filters, by_query=False).exists():
        # Nothing at all in the place with these filters (东莞 in the generated postings): no word can find anything,
        # and asking the text index word by word had cost up to 170 ms for each common word found nowhere.
        return found
    for term in filters.read.terms:
        for word in near_words(term.word):
            q = filters.q.replace(term.word, word) if term.word in filters.q else word
            suggested = replace(filters, q=q)
            # A near word that reads as a place (普工 -> 普宁) would search somewhere else than the seeker asked.
            if (suggested.read.place, suggested.read.boost) != (filters.read.place, filters.read.boost):
                continue
            if _filtered(suggested).exists():
                found.append((word, q))
            if len(found) == SUGGESTIONS:
                return found
    return found


def _wider_place(filters: PostingFilters) -> WiderPlace | None:
    """The nearest place above the one searched (its city, then its province) with postings, and how many."""
    place = filters.read.place or filters.region
    if place is None:
        return None
    for ancestor in reversed(region_path(place)[:-1]):
        if ancestor.level in (RegionLevel.CITY, RegionLevel.PROVINCE) and not ancestor.is_placeholder:
            count = _capped_counts(filters, places=[ancestor], limit=WIDER_COUNT_LIMIT).matching
            if count:
                return WiderPlace(
                    region=ancestor, count=min(count, WIDER_COUNT_LIMIT), count_is_capped=count > WIDER_COUNT_LIMIT
                )
    return None
