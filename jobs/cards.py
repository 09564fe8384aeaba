"""What the job list shows of each posting, worked out once in Python rather than by tags and includes per card.

A page of 20 cards rendered through an include, a blocktranslate and a model property each cost more than the
search behind them; the template now only places these ready strings.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jobs.models import Benefit, PostingKind


def place_label(region):
    """Where a job is, in a few words: the region and the place above it (浏阳市 · 大瑶镇, 重庆市 · 云阳县).

    Read with `parent__parent` loaded: a placeholder parent (重庆市's "县", 北京市's "市辖区") is skipped for the one
    above it.
    """
    parent = region.parent
    if parent is not None and parent.is_placeholder:
        parent = parent.parent
    return f"{parent.name} · {region.name}" if parent is not None else region.name


def wage_label(posting):
    if posting.wage_min == posting.wage_max:
        return _("%(wage)s元/月") % {"wage": posting.wage_min}
    return _("%(low)s-%(high)s元/月") % {"low": posting.wage_min, "high": posting.wage_max}


def published_label(published_at, *, today):
    """When a posting went up, as job sites say it: 今天, 昨天, 3天前, then the date."""
    published_on = timezone.localtime(published_at).date()
    days = (today - published_on).days
    if days <= 0:
        return _("今天")
    if days == 1:
        return _("昨天")
    if days <= 30:
        return ngettext("%(days)s天前", "%(days)s天前", days) % {"days": days}
    return _("%(month)s月%(day)s日") % {"month": published_on.month, "day": published_on.day}


def distance_label(work_region_code, home_region_code):
    """How far a job is from the worker's home, in the words a worker uses: 同县, 同市, 省内 or 省外.

    Read off the GB/T 2260 codes alone: the first 6 digits are the county, 4 the city, 2 the province.
    """
    for digits, label in ((6, _("同县")), (4, _("同市")), (2, _("省内"))):
        if work_region_code[:digits] == home_region_code[:digits]:
            return label
    return _("省外")


def headcount_label(headcount):
    return ngettext("招%(count)s人", "招%(count)s人", headcount) % {"count": headcount}


def age_label(posting):
    return _("%(low)s-%(high)s岁") % {"low": posting.age_min, "high": posting.age_max}


@dataclass(frozen=True)
class Tag:
    label: str
    modifier: str = ""


@dataclass(frozen=True)
class PostingCard:
    url: str
    title: str
    wage: str
    employer: str
    is_key_enterprise: bool
    place: str
    tags: list
    headcount: str = ""
    age: str = ""
    published: str = ""
    is_urgent: bool = False
    is_full: bool = False
    distance: str = ""


def posting_cards(postings, *, full_ids=frozenset(), home_region_code=None):
    """Cards for a page of postings read with their employer and `work_region__parent__parent`.

    `full_ids`: the postings whose places are all taken (jobs.selectors.full_posting_ids), marked 已招满 so that they
    never look open; `home_region_code`: the signed-in worker's home, for 同县 / 同市 / 省内 / 省外.
    """
    today = timezone.localdate()
    welfare = Tag(str(PostingKind.PUBLIC_WELFARE.label), "welfare")
    benefits = [(benefit.value, Tag(str(benefit.label))) for benefit in Benefit]
    # A posting's page is the list's address and its id (jobs/urls.py): one `reverse` per page instead of twenty.
    list_url = reverse("jobs:posting-list")
    cards = []
    for posting in postings:
        tags = [welfare] if posting.kind == PostingKind.PUBLIC_WELFARE else []
        tags += [tag for field, tag in benefits if getattr(posting, field)]
        cards.append(
            PostingCard(
                url=f"{list_url}{posting.pk}/",
                title=posting.title,
                wage=wage_label(posting),
                employer=posting.employer.name,
                is_key_enterprise=posting.employer.is_key_enterprise,
                place=place_label(posting.work_region),
                tags=tags,
                headcount=headcount_label(posting.headcount),
                age=age_label(posting),
                published=published_label(posting.published_at, today=today) if posting.published_at else "",
                is_urgent=posting.is_urgent,
                is_full=posting.pk in full_ids,
                distance=distance_label(posting.work_region_id, home_region_code) if home_region_code else "",
            )
        )
    return cards
