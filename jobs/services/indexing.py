"""What a posting is found by: its words, its employer's and its place's, kept as search lexemes on the row."""

from django.db import transaction

from core.batching import chunked
from jobs.models import Employer, JobPosting
from jobs.pagecache import list_cache_invalidate
from jobs.places import region_names
from jobs.search import document_lexemes, place_lexemes

_REINDEX_BATCH = 500
_INDEXED_FIELDS = (
    "title",
    "occupation",
    "description",
    "requirements",
    "pay_notes",
    "kind",
    "search_tokens",
    "provides_meals",
    "provides_housing",
    "social_insurance",
    "travel_refund",
    "return_shuttle",
    "employer__name",
    "employer__industry",
    "work_region__code",
    "work_region__name",
    "work_region__level",
)


def posting_lexemes(posting: JobPosting, *, place_names: list[str]) -> list[str]:
    employer = posting.employer
    words = document_lexemes(
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
    return sorted([*words, *place_lexemes(posting.work_region_id)])


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


def postings_reindex(*, batch_size: int = 2_000) -> int:
    """Re-index every posting after the indexing itself changed (a migration runs it), one batch a transaction.

    Batches go by primary key (never OFFSET), each committed on its own, so a table of millions is re-indexed
    without one long transaction or lock: the search keeps answering, from old lexemes and new ones side by side.
    """
    places, last_pk, done = {}, 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                JobPosting.objects.filter(pk__gt=last_pk)
                .select_related("employer", "work_region")
                # Only what the lexemes are made of, so that a migration added later cannot break this one.
                .only(*_INDEXED_FIELDS)
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            for posting in batch:
                if posting.work_region_id not in places:
                    places[posting.work_region_id] = region_names(posting.work_region)
                posting.search_tokens = posting_lexemes(posting, place_names=places[posting.work_region_id])
            JobPosting.objects.bulk_update(batch, ["search_tokens"])
        last_pk, done = batch[-1].pk, done + len(batch)
    transaction.on_commit(list_cache_invalidate)
    return done
