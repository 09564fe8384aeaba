"""What a posting is found by: its words, its employer's and its place's, kept as search lexemes on the row."""

from django.db import transaction

from core.batching import chunked
from core.regions.models import Region
from core.regions.names import region_short_name
from core.regions.selectors import region_path
from jobs.models import Employer, JobPosting
from jobs.pagecache import list_cache_invalidate
from jobs.search import document_lexemes

_REINDEX_BATCH = 500


def region_names(region: Region) -> list[str]:
    """The names a place is searched by: 湖南省 长沙市 浏阳市 and 湖南 长沙 浏阳."""
    # Whole and without the suffix too, so that 浏阳 finds 浏阳市 and 新化 finds 新化县.
    names = []
    for ancestor in region_path(region):
        names.append(ancestor.name)
        if region_short_name(ancestor.name) != ancestor.name:
            names.append(region_short_name(ancestor.name))
    return names


def posting_lexemes(posting: JobPosting, *, place_names: list[str]) -> list[str]:
    employer = posting.employer
    return document_lexemes(
        title=posting.title,
        texts=[
            posting.get_occupation_display(),
            posting.description,
            posting.requirements,
            posting.pay_notes,
            employer.name,
            employer.industry,
            " ".join(posting.benefits),
            "包吃包住" if posting.provides_meals and posting.provides_housing else "",
            posting.get_kind_display(),
            *place_names,
        ],
    )


def posting_index(posting: JobPosting) -> None:
    """Set the posting's search lexemes from its current fields (not saved)."""
    posting.search_tokens = posting_lexemes(posting, place_names=region_names(posting.work_region))


def employer_postings_reindex(employer: Employer) -> None:
    """Re-index every posting of `employer` after its name or industry changed, and drop the cached lists.

    Only the lexemes change, so the postings' history gains no entry: it records what staff changed.
    """
    places = {}
    postings = JobPosting.objects.filter(employer=employer).select_related("work_region").order_by("pk")
    for batch in chunked(postings.iterator(chunk_size=_REINDEX_BATCH), _REINDEX_BATCH):
        for posting in batch:
            posting.employer = employer
            if posting.work_region_id not in places:
                places[posting.work_region_id] = region_names(posting.work_region)
            posting.search_tokens = posting_lexemes(posting, place_names=places[posting.work_region_id])
        JobPosting.objects.bulk_update(batch, ["search_tokens"])
    transaction.on_commit(list_cache_invalidate)
