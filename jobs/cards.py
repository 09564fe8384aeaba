"""What the job list shows of each posting, worked out once in Python rather than by tags and includes per card.

A page of 20 cards rendered through an include, a blocktranslate and a model property each cost more than the
search behind them; the template now only places these ready strings.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

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


def posting_cards(postings):
    """Cards for a page of postings read with their employer and `work_region__parent__parent`."""
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
            )
        )
    return cards
