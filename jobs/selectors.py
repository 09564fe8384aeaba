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
from datetime import date, datetime, timedelta
from functools import cached_property

from django.db import connection
from django.db.models import Count, F, Min, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from simple_history.models import DeletedObject

from core.accounts.models import Role, User
from core.accounts.scoping import scope_to_user
from core.errors import ApplicationError
from core.regions.models import Region, RegionLevel
from core.regions.selectors import region_path
from jobs.everyday import near_words
from jobs.models import CooperationAgreement, Employer, JobPosting, PostingStatus
from jobs.query import read_query
from jobs.ranking import relevance_tiers, small_search_page, through_the_text_index, tier_rows
from jobs.search import TokenQuery

PAGE_SIZE = 20
SUGGESTIONS = 3
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
    # Place names in `q` are words, not a filter: the one-tap undo of "已按 新化县 筛选".
    words_only: bool = False

    @cached_property
    def read(self):
        """`q` read as a search: its words, place and wage (jobs/query.py)."""
        return read_query(self.q, places=not self.words_only)

    @property
    def _ranks(self):
        return bool(self.read.terms or self.read.boost)

    @property
    def effective_sort(self):
        """The sort asked for, falling back to one that makes sense (relevance needs a query, near a home)."""
        if self.sort == Sort.RELEVANCE and not self._ranks:
            return Sort.NEWEST
        if self.sort == Sort.NEAR and self.home is None:
            return Sort.RELEVANCE if self._ranks else Sort.NEWEST
        return self.sort or (Sort.RELEVANCE if self._ranks else Sort.NEWEST)


class _CappedCount:
    @property
    def count_display(self):
        return f"{COUNT_LIMIT}+" if self.count_is_capped else str(self.count)


@dataclass(frozen=True)
class WiderPlace(_CappedCount):
    """The nearest place above the one searched that has postings for the search, and how many."""

    region: Region
    count: int
    count_is_capped: bool


@dataclass
class PostingPage(_CappedCount):
    postings: list
    next_cursor: str | None
    count: int
    count_is_capped: bool
    place: Region | None = None  # the place read out of the query and applied as a filter
    # When nothing is found: the words the seeker may have meant (word, query), and a wider place with postings.
    suggestions: list = field(default_factory=list)
    wider: WiderPlace | None = None


def postings_visible():
    """Published and still valid: an expired posting is never shown, even before the hourly task marks it; nor one
    held after several reports (jobs.services.reports) until a clerk has looked at it."""
    return JobPosting.objects.filter(
        status=PostingStatus.PUBLISHED, valid_until__gte=timezone.localdate(), held_at__isnull=True
    )


# The application states that take one of a posting's places (placement's SIGNED and ONBOARDED), named by value:
# demand sits below placement and reads its rows only through the `applications` relation.
_PLACE_TAKING_STATES = ("signed", "onboarded")


def full_posting_ids(posting_ids):
    """The ids among `posting_ids` whose every place is taken by a signed or onboarded worker (one query): still
    published, but shown as 已招满 rather than as open."""
    taken = Count("applications", filter=Q(applications__state__in=_PLACE_TAKING_STATES))
    return set(
        JobPosting.objects.filter(id__in=list(posting_ids))
        .order_by()
        .annotate(taken=taken)
        .filter(taken__gte=F("headcount"))
        .values_list("id", flat=True)
    )


def _filtered(filters, *, by_query=True, places=None, exact_only=False):
    """The postings `filters` match; `places` replaces the regions asked for (to count a wider place)."""
    read = filters.read
    postings = postings_visible()
    if read.terms and by_query:
        postings = postings.filter(search_tokens__matches=TokenQuery(read.matches(exact_only=exact_only)))
    for region in places if places is not None else (filters.region, read.place):
        if region is not None:
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


def _tiers(filters, sort):
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


def _capped_count(filters, **places):
    """How many postings match, up to COUNT_LIMIT + 1.

    Unordered: with the model's default order PostgreSQL would walk the date index to find the first 1,001. The
    words as typed are counted first, and are enough when they alone pass the limit (a common word: its related
    words would only make the count dearer). Several words are counted through the text index: PostgreSQL
    multiplies its guesses for each and, guessing far too many, scanned the table for 1,001 rows that were not
    there (600 ms for 保洁 包住 on 200,000 postings under load, 70 ms through the index).
    """
    several_words = len(filters.read.terms) > 1
    for exact_only in (True, False) if any(term.related for term in filters.read.terms) else (False,):
        capped = _filtered(filters, exact_only=exact_only, **places).order_by()[: COUNT_LIMIT + 1]
        with through_the_text_index(capped.db) if several_words else nullcontext():
            count = capped.count()
        if count > COUNT_LIMIT:
            break
    return count


def _on_postgresql():
    return connection.vendor == "postgresql"


def _for_cards(postings):
    return postings.select_related("employer", "work_region__parent__parent").defer(
        "search_tokens", "description", "requirements"
    )


def posting_search(*, filters, cursor=None, page_size=PAGE_SIZE):
    """One page of public postings for `filters`, with the cursor of the next page and a (capped) count."""
    sort = filters.effective_sort
    key = _SORT_KEYS.get(sort, _NEWEST_KEY)
    tiers = _tiers(filters, sort)
    start_tier, after, count = _decode_cursor(cursor, sort, len(tiers)) if cursor else (0, None, None)
    matching = _filtered(filters, by_query=sort != Sort.RELEVANCE)

    if count is None:
        count = _capped_count(filters)
    order = [f"-{name}" for name in key]
    rows = []
    small = count <= COUNT_LIMIT
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
                search_is_small=small,
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


def _suggestions(filters):
    """Known words near the query's words (保结 -> 保洁) that would find something, in its place and filters."""
    found = []
    for term in filters.read.terms:
        for word in near_words(term.word):
            q = filters.q.replace(term.word, word) if term.word in filters.q else word
            if _filtered(replace(filters, q=q)).exists():
                found.append((word, q))
            if len(found) == SUGGESTIONS:
                return found
    return found


def _wider_place(filters):
    """The nearest place above the one searched (its city, then its province) with postings, and how many."""
    place = filters.read.place or filters.region
    if place is None:
        return None
    for ancestor in reversed(region_path(place)[:-1]):
        if ancestor.level in (RegionLevel.CITY, RegionLevel.PROVINCE) and not ancestor.is_placeholder:
            count = _capped_count(filters, places=[ancestor])
            if count:
                return WiderPlace(region=ancestor, count=min(count, COUNT_LIMIT), count_is_capped=count > COUNT_LIMIT)
    return None


SIMILAR_POSTINGS = 5


def posting_once_published(*, posting_id):
    """A posting as a link shared in a WeChat group opens it, even after it stopped recruiting (a draft is 404)."""
    return get_object_or_404(
        JobPosting.objects.exclude(status=PostingStatus.DRAFT)
        .select_related("employer", "work_region")
        .defer("search_tokens"),
        pk=posting_id,
    )


def posting_is_recruiting(posting):
    return posting.status == PostingStatus.PUBLISHED and posting.valid_until >= timezone.localdate()


def similar_open_postings(*, posting, limit=SIMILAR_POSTINGS):
    """Open postings of the same occupation, nearest to the posting's place first (its county, city, province),
    newest first within each."""
    code = posting.work_region_id
    candidates = (
        postings_visible()
        .filter(occupation=posting.occupation)
        .exclude(pk=posting.pk)
        .select_related("employer", "work_region__parent__parent")
        .defer("search_tokens", "description", "requirements")
        .order_by("-published_at", "-id")
    )
    found = []
    for prefix in (code[:6], code[:4], code[:2]):
        nearby = candidates.filter(work_region__code__startswith=prefix).exclude(pk__in=[row.pk for row in found])
        found += nearby[: limit - len(found)]
        if len(found) == limit:
            break
    return found


def posting_detail(*, posting_id):
    """A public posting with everything its page shows, or 404 (drafts, closed and expired ones included)."""
    return get_object_or_404(
        postings_visible().select_related("employer", "work_region").defer("search_tokens"), pk=posting_id
    )


# --- The staff console: every read scoped to the user's region -------------------------------------------------

_CONSOLE_EXPIRING_DAYS = 7


def console_employers(*, user, q=""):
    """The employers entered by a county in the user's region, found by part of the name or the credit code."""
    employers = scope_to_user(user, Employer.objects.select_related("county", "liaison"), region_field="county")
    q = q.strip()
    if q:
        employers = employers.filter(Q(name__icontains=q) | Q(credit_code__startswith=q.upper()))
    return employers.order_by("name", "id")


def console_employer(*, user, employer_id):
    employers = scope_to_user(user, Employer.objects.all(), region_field="county")
    return get_object_or_404(
        employers.select_related("county", "region", "liaison", "created_by").prefetch_related("contacts"),
        pk=employer_id,
    )


def liaison_candidates(county):
    """Who may be a key enterprise's liaison: the county bureau's active staff."""
    return User.objects.filter(role=Role.COUNTY_STAFF, is_active=True, region=county).order_by("first_name", "pk")


@dataclass(frozen=True)
class ConsolePostingFilters:
    q: str = ""
    status: str = ""
    occupation: str = ""
    employer_id: int | None = None
    agreement_id: int | None = None
    expiring: bool = False


def console_postings(*, user, filters=ConsolePostingFilters()):
    """The postings entered by a county in the user's region that match `filters`, newest first."""
    postings = scope_to_user(
        user,
        JobPosting.objects.select_related("employer", "work_region").defer("search_tokens"),
        region_field="county",
    )
    if filters.q.strip():
        q = filters.q.strip()
        postings = postings.filter(Q(title__icontains=q) | Q(employer__name__icontains=q))
    if filters.status:
        postings = postings.filter(status=filters.status)
    if filters.occupation:
        postings = postings.filter(occupation=filters.occupation)
    if filters.employer_id:
        postings = postings.filter(employer_id=filters.employer_id)
    if filters.agreement_id:
        postings = postings.filter(agreement_id=filters.agreement_id)
    if filters.expiring:
        postings = postings.filter(
            status=PostingStatus.PUBLISHED,
            valid_until__lte=timezone.localdate() + timedelta(days=_CONSOLE_EXPIRING_DAYS),
        )
    return postings.order_by("-created_at", "-id")


def console_posting(*, user, posting_id):
    postings = scope_to_user(user, JobPosting.objects.all(), region_field="county")
    return get_object_or_404(
        postings.select_related("employer", "work_region", "county", "agreement", "created_by").defer("search_tokens"),
        pk=posting_id,
    )


def console_agreements(*, user):
    """The agreements whose sending or receiving region lies in the user's region: both parties follow them."""
    agreements = CooperationAgreement.objects.select_related("sending_region", "receiving_region")
    scoped = scope_to_user(user, agreements, region_field="sending_region") | scope_to_user(
        user, agreements, region_field="receiving_region"
    )
    return scoped.order_by("-signed_on", "-id")


def console_agreement(*, user, agreement_id):
    return get_object_or_404(console_agreements(user=user).select_related("created_by"), pk=agreement_id)


def agreement_postings(*, agreement):
    """Every posting attributed to the agreement, whoever entered it, newest first."""
    return (
        JobPosting.objects.filter(agreement=agreement)
        .select_related("employer", "work_region")
        .defer("search_tokens")
        .order_by("-created_at", "-id")
    )


# --- History ----------------------------------------------------------------------------------------------------

HISTORY_LIMIT = 50


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    action: str
    changes: list  # (field label, old value, new value)
    reason: str = ""


def _history_value(field, value):
    if isinstance(value, DeletedObject):
        # simple-history's stand-in for a foreign key that was empty (pk None) or whose row is gone.
        return "—" if value.pk is None else _("（已删除）")
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, User):
        return value.get_full_name() or value.username
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def history_entries(instance, *, limit=HISTORY_LIMIT):
    """Who changed what and when on a tracked row, newest first, each change with the field's Chinese name."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    model = type(instance)
    actions = {"+": pgettext("history", "新建"), "~": pgettext("history", "修改"), "-": pgettext("history", "删除")}
    entries = []
    for newer, older in zip(records[:limit], [*records[1:], None], strict=False):
        changes = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, foreign_keys_are_objs=True)
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                changes.append(
                    (str(field.verbose_name), _history_value(field, change.old), _history_value(field, change.new))
                )
            if not changes:
                continue
        user = newer.history_user
        entries.append(
            HistoryEntry(
                when=newer.history_date,
                who=(user.get_full_name() or user.username) if user else _("系统"),
                action=actions.get(newer.history_type, newer.history_type),
                changes=changes,
                reason=newer.history_change_reason or "",
            )
        )
    return entries


# --- Reports (举报): the owning county's queue --------------------------------------------------------------------


def console_reported_postings(*, user):
    """Postings entered in the user's region with reports nobody has looked at: held ones first, then the most
    reported, then the oldest report."""
    postings = scope_to_user(user, JobPosting.objects.all(), region_field="county")
    open_reports = Q(reports__reviewed_at__isnull=True)
    return (
        postings.filter(open_reports)
        .select_related("employer")
        .defer("search_tokens", "description", "requirements")
        .annotate(open_reports=Count("reports", filter=open_reports), first_report=Min("reports__created_at"))
        .order_by(F("held_at").desc(nulls_last=True), "-open_reports", "first_report", "id")
    )


def console_reported_posting(*, user, posting_id):
    """A posting of the user's region with its open reports (`.open_report_list`), or 404."""
    posting = console_posting(user=user, posting_id=posting_id)
    posting.open_report_list = list(
        posting.reports.filter(reviewed_at__isnull=True).select_related("reporter").order_by("created_at", "id")
    )
    return posting
