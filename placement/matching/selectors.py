"""Reads for matching: postings ranked for a worker, workers ranked for a posting, a secretary's workers with their
best jobs.

Both directions work the same way. The hard filters are one SQL WHERE clause; the candidates are fetched tier by
tier (home county, home city, cooperation-agreement regions, home province, elsewhere), each tier a prefix range
on the region code that an index answers, each capped, so that at most a few hundred rows ever leave the database
whatever the table sizes. `scoring.rank` then scores that bounded set and words the reasons.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Substr
from django.utils import timezone

from core.accounts.models import User
from core.regions.models import Region, RegionLevel
from core.regions.names import REGION_NAME_SUFFIXES, region_short_name
from jobs.cards import place_label
from jobs.models import CooperationAgreement, JobPosting, PostingStatus
from jobs.selectors import console_posting
from placement.matching import scoring
from placement.matching.scoring import (
    OCCUPATION_KEYWORDS,
    POSTING_FIELDS,
    WAGE_TOLERANCE,
    PostingProfile,
    WorkerProfile,
    age_reference_day,
    city_prefix,
    county_prefix,
    matching_age,
    occupations_in,
    province_prefix,
)
from workers.models import SEEKING_STATUSES, WantedArea, Worker, WorkerKeyGroup

# Rows fetched per place tier: near tiers are small anyway, far ones are cut to their newest rows. Enough to
# fill a page of 50 candidates from one tier; more only costs Python time (see docs/matching.md).
TIER_LIMIT = 60
# Workers who named a place, read from the GIN index before deciding how to find the fitting ones among them.
NAMED_PROBE = 200
# Region-code prefixes of a province, a city and a county.
REGION_PREFIX_LENGTHS = (2, 4, 6)
JOBS_FOR_YOU = 20
CANDIDATES = 50
SECRETARY_JOBS_PER_WORKER = 3

WORKER_FIELDS = (
    "id",
    "home_region_id",
    "wanted_area",
    "wanted_occupations",
    "skills",
    "wanted_cities",
    "expected_wage",
    "birth_date",
    "available_from",
)


# --- Profiles -----------------------------------------------------------------------------------------------------


# How "指定城市" answers are split into names; the same in SQL (its expression index) and in Python.
PLACE_SEPARATORS = ",，、 ;；/"
WANTED_CITIES_SPLIT = f"regexp_split_to_array(wanted_cities, '[{PLACE_SEPARATORS}]+')"
# The SQL function (matching/0003_worker_occupation_indexes) that maps what a worker typed to occupation codes.
WORKER_OCCUPATIONS_SQL = "matching_occupations(wanted_occupations, skills)"


def _split_places(text: str) -> list[str]:
    for separator in PLACE_SEPARATORS:
        text = text.replace(separator, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def resolve_cities(texts: Iterable[str]) -> dict[str, list[str]]:
    """{text: [region-code prefixes]} for the "指定城市" answers: city names give a city prefix (4 digits), names of
    county-level cities a county prefix (6 digits). One query for all the texts."""
    wanted = {text: [region_short_name(place) for place in _split_places(text)] for text in texts if text}
    names = {name for places in wanted.values() for name in places}
    candidates = {name + suffix for name in names for suffix in ("", *REGION_NAME_SUFFIXES)}
    by_short: dict[str, list[str]] = {}
    for region in Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY], name__in=candidates):
        prefix = city_prefix(region.code) if region.level == RegionLevel.CITY else county_prefix(region.code)
        by_short.setdefault(region_short_name(region.name), []).append(prefix)
    return {
        text: sorted({prefix for name in places for prefix in by_short.get(name, [])})
        for text, places in wanted.items()
    }


@dataclass(frozen=True)
class Agreements:
    """The cooperation agreements in force, as (sending prefix, receiving prefix) pairs, read once per request."""

    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def in_force(cls, day: date | None = None) -> "Agreements":
        day = day or timezone.localdate()
        rows = CooperationAgreement.objects.filter(term_start__lte=day, term_end__gte=day).select_related(
            "sending_region", "receiving_region"
        )
        return cls(tuple((row.sending_region.prefix, row.receiving_region.prefix) for row in rows))

    def destinations_from(self, home_code: str) -> list[str]:
        return sorted({receiving for sending, receiving in self.pairs if home_code.startswith(sending)})

    def origins_towards(self, work_code: str) -> list[str]:
        return sorted({sending for sending, receiving in self.pairs if work_code.startswith(receiving)})


def worker_profiles(rows: Iterable[dict[str, Any]], *, agreements: Agreements) -> list[WorkerProfile]:
    """WorkerProfiles for worker rows (dicts of WORKER_FIELDS), with key groups and cities in two queries."""
    rows = list(rows)
    ids = [row["id"] for row in rows]
    groups: dict[int, list[str]] = {}
    for worker_id, group in WorkerKeyGroup.objects.filter(worker_id__in=ids).values_list("worker_id", "group"):
        groups.setdefault(worker_id, []).append(group)
    cities = resolve_cities({row["wanted_cities"] for row in rows if row["wanted_area"] == WantedArea.NAMED_CITIES})
    return [
        WorkerProfile(
            id=row["id"],
            home_code=row["home_region_id"],
            wanted_area=row["wanted_area"],
            wanted_occupations=occupations_in(row["wanted_occupations"]),
            skill_occupations=occupations_in(row["skills"]),
            city_prefixes=cities.get(row["wanted_cities"], []),
            expected_wage=row["expected_wage"],
            birth_date=row["birth_date"],
            available_from=row["available_from"],
            key_groups=sorted(groups.get(row["id"], [])),
            agreement_prefixes=agreements.destinations_from(row["home_region_id"]),
        )
        for row in rows
    ]


def worker_profile(worker: Worker, *, agreements: Agreements | None = None) -> WorkerProfile:
    agreements = agreements or Agreements.in_force()
    row = {name: getattr(worker, name) for name in WORKER_FIELDS}
    return worker_profiles([row], agreements=agreements)[0]


def _posting_values(queryset: QuerySet[JobPosting]) -> QuerySet[JobPosting, dict[str, Any]]:
    return queryset.annotate(work_code=F("work_region_id")).values(*POSTING_FIELDS)


# --- Postings for a worker ------------------------------------------------------------------------------------------


def _posting_filter(profile: WorkerProfile, today: date) -> Q:
    """The hard filters on the posting side, in SQL."""
    condition = Q(status=PostingStatus.PUBLISHED, valid_until__gte=today)
    if profile.expected_wage:
        condition &= Q(wage_max__gte=profile.expected_wage - WAGE_TOLERANCE)
    if profile.birth_date:
        age = matching_age(profile.birth_date, today)
        condition &= Q(age_min__lte=age, age_max__gte=age)
    if profile.available_from:
        condition &= Q(valid_until__gte=profile.available_from)
    return condition


def _posting_tiers(profile: WorkerProfile) -> list[str]:
    """The region-code prefixes to fetch from, nearest first; "" is everywhere else."""
    home = profile.home_code
    if profile.wanted_area == WantedArea.NEAR_HOME:
        return [county_prefix(home)]
    if profile.wanted_area == WantedArea.NAMED_CITIES:
        return profile.city_prefixes
    near = [county_prefix(home), city_prefix(home)]
    if profile.wanted_area == WantedArea.IN_PROVINCE:
        return [*near, province_prefix(home)]
    return [*near, *profile.agreement_prefixes, province_prefix(home), ""]


def _in_region(queryset: QuerySet[JobPosting], prefix: str) -> QuerySet[JobPosting]:
    """Postings whose work region lies under `prefix`. A province, city or county prefix is an equality on the
    code's first 2, 4 or 6 characters, which matching's expression indexes answer newest first
    (matching/0002_posting_match_indexes); other lengths (a township's 9) fall back to a prefix match."""
    if len(prefix) in REGION_PREFIX_LENGTHS:
        return queryset.annotate(area=Substr("work_region_id", 1, len(prefix))).filter(area=prefix)
    return queryset.filter(work_region__code__startswith=prefix)


def posting_candidates(profile: WorkerProfile, *, today: date) -> list[PostingProfile]:
    """The bounded candidate set for one worker: per tier and occupation the newest TIER_LIMIT postings that pass
    the hard filters. One query per occupation, so that each reads one index range newest first and stops.
    Deduplicated PostingProfiles."""
    condition = _posting_filter(profile, today)
    found: dict[int, PostingProfile] = {}
    for prefix in _posting_tiers(profile):
        for occupation in profile.occupations:
            postings = JobPosting.objects.filter(condition, occupation=occupation)
            if prefix:
                postings = _in_region(postings, prefix)
            for row in _posting_values(postings.order_by("-published_at")[:TIER_LIMIT]):
                found.setdefault(row["id"], PostingProfile.from_row(row))
    return list(found.values())


@dataclass
class PostingMatch:
    posting: JobPosting
    score: float
    reasons: list[str]

    @property
    def place(self) -> str:
        return place_label(self.posting.work_region)


def _with_postings(match_lists: list[list[scoring.Match]]) -> list[list[PostingMatch]]:
    """Each list of Matches as PostingMatches carrying their posting, all postings read in one query."""
    postings = (
        JobPosting.objects.select_related("employer", "work_region__parent__parent")
        .defer("search_tokens")
        .in_bulk([match.posting_id for matches in match_lists for match in matches])
    )
    return [
        [
            PostingMatch(posting=postings[match.posting_id], score=match.score, reasons=match.reasons)
            for match in matches
        ]
        for matches in match_lists
    ]


def jobs_for_worker(*, worker: Worker, limit: int = JOBS_FOR_YOU) -> list[PostingMatch]:
    """The postings ranked for one worker, best first, each with its reasons ([] if they named no occupation)."""
    now = timezone.now()
    profile = worker_profile(worker)
    matches = scoring.rank(profile, posting_candidates(profile, today=timezone.localdate(now)), limit=limit, now=now)
    return _with_postings([matches])[0]


# --- Workers for a posting ------------------------------------------------------------------------------------------


def _birth_date_bounds(today: date, age_min: int, age_max: int) -> tuple[date, date]:
    """Born on or before the first date, after the second: aged age_min to age_max as matching counts ages today
    (on 1 January of its year, `scoring.age_reference_day`)."""
    new_year = age_reference_day(today)
    return new_year.replace(year=new_year.year - age_min), new_year.replace(year=new_year.year - age_max - 1)


def _named_cities_include(names: list[str]) -> Q:
    """The worker's "指定城市" answer names one of `names` (short names: 东莞, 浏阳).

    On PostgreSQL the answer split into names is GIN-indexed (workers/0003_worker_named_cities_index), so this is an
    index probe rather than a LIKE over every worker who named cities; the split is `_split_places`' in SQL.
    """
    if not names:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        variants = sorted({name + suffix for name in names for suffix in ("", *REGION_NAME_SUFFIXES)})
        return Q(RawSQL(f"{WANTED_CITIES_SPLIT} && %s::text[]", [variants], output_field=BooleanField()))
    condition = Q()
    for name in names:
        condition |= Q(wanted_cities__contains=name)
    return condition


def _place_names(work_code: str) -> list[str]:
    """What a worker would write in "指定城市" for this place: the city's and the county's short names."""
    codes = {city_prefix(work_code) + "00", county_prefix(work_code)}
    names = Region.objects.filter(code__in=codes).values_list("name", flat=True)
    return sorted({region_short_name(name) for name in names})


def matchable_workers() -> QuerySet[Worker]:
    """Workers matching works for: looking for work, not anonymised, not leaving."""
    return Worker.objects.filter(
        status__in=SEEKING_STATUSES, anonymised_at__isnull=True, deletion_requested_at__isnull=True
    )


def _wants_occupation(occupation: str) -> Q:
    """The worker named the occupation or a skill for it. On PostgreSQL through `matching_occupations()`, the SQL
    twin of `scoring.occupations_in` whose per-occupation partial indexes (matching/0003) keep this an index
    read; elsewhere a LIKE per keyword."""
    if connection.vendor == "postgresql":
        if occupation not in OCCUPATION_KEYWORDS:
            return Q(pk__in=[])
        sql = f"{WORKER_OCCUPATIONS_SQL} @> ARRAY['{occupation}']"
        return Q(RawSQL(sql, [], output_field=BooleanField()))
    condition = Q()
    for word in OCCUPATION_KEYWORDS[occupation]:
        condition |= Q(wanted_occupations__contains=word) | Q(skills__contains=word)
    return condition


def _worker_filter(posting: PostingProfile, today: date) -> Q:
    """The hard filters on the worker side for one posting, in SQL, except the place (which depends on the tier)."""
    born_by, born_after = _birth_date_bounds(today, posting.age_min, posting.age_max)
    return (
        _wants_occupation(posting.occupation)
        & (Q(expected_wage__isnull=True) | Q(expected_wage__lte=posting.wage_max + WAGE_TOLERANCE))
        & (Q(birth_date__isnull=True) | Q(birth_date__lte=born_by, birth_date__gt=born_after))
        & (Q(available_from__isnull=True) | Q(available_from__lte=posting.valid_until))
    )


def _home_under(prefix: str) -> Q:
    """Workers whose home lies under `prefix`, as a range of codes: the per-occupation partial indexes on
    `home_region_id` (matching/0003) use the database's collation, which answers a range but not LIKE 'prefix%'
    (only the generic varchar_pattern_ops index does, and reading every occupation's workers through it cost tens
    of milliseconds a tier). Codes are digits, which sort alike in every collation."""
    upper = str(int(prefix) + 1).zfill(len(prefix))
    if len(upper) > len(prefix):  # "99...": nothing sorts after it at that length
        return Q(home_region_id__gte=prefix)
    return Q(home_region_id__gte=prefix, home_region_id__lt=upper)


def worker_candidates(posting: PostingProfile, *, today: date, agreements: Agreements) -> list[WorkerProfile]:
    """The bounded candidate set for one posting: per tier of the workers' home (the posting's county, city,
    agreement origins, province) those who accept the place, then those from anywhere who said 不限 (newest first)
    or named the city; at most TIER_LIMIT from each."""
    work = posting.work_code
    condition = _worker_filter(posting, today)
    names = _place_names(work)
    named = Q(_named_cities_include(names), wanted_area=WantedArea.NAMED_CITIES)
    accepts_from_near = (
        Q(wanted_area=WantedArea.ANYWHERE)
        | Q(wanted_area=WantedArea.NEAR_HOME, home_region__code__startswith=county_prefix(work))
        | Q(wanted_area=WantedArea.IN_PROVINCE, home_region__code__startswith=province_prefix(work))
        | named
    )
    tiers = [county_prefix(work), city_prefix(work), *agreements.origins_towards(work), province_prefix(work)]
    found: dict[int, dict[str, Any]] = {}

    def take(workers: QuerySet[Worker]) -> None:
        for row in workers.values(*WORKER_FIELDS)[:TIER_LIMIT]:
            found.setdefault(row["id"], row)

    # Near tiers in index order: when one holds more than TIER_LIMIT fitting workers, any of them scores alike on
    # place, and sorting a province of workers would cost more than scoring them.
    for prefix in tiers:
        take(matchable_workers().filter(condition, accepts_from_near, _home_under(prefix)).order_by())
    take(matchable_workers().filter(condition, wanted_area=WantedArea.ANYWHERE).order_by("-registered_at"))
    take(_named_the_place(condition, named))
    return worker_profiles(found.values(), agreements=agreements)


def _named_the_place(condition: Q, named: Q) -> QuerySet[Worker]:
    """The fitting workers who named the posting's city, newest first. Most places are named by few people: their
    ids come from the named-cities GIN index first, and only those are checked. For a place many name (东莞), the
    occupation's newest workers who named any city, which meets enough of them at once; read that way, a place
    nobody named meant reading every such worker of the occupation (20-30 ms on the benchmark)."""
    # Unordered: any order would let the planner walk an ordered index past every worker who named a city.
    named_ids = list(matchable_workers().filter(named).order_by().values_list("id", flat=True)[:NAMED_PROBE])
    workers = matchable_workers().filter(condition, named)
    if len(named_ids) < NAMED_PROBE:
        workers = workers.filter(pk__in=named_ids)
    return workers.order_by("-registered_at")


@dataclass
class WorkerMatch:
    worker: Worker
    score: float
    reasons: list[str]


def posting_profile(posting: JobPosting) -> PostingProfile:
    return PostingProfile(
        **{name: getattr(posting, name) for name in POSTING_FIELDS if name != "work_code"},
        work_code=posting.work_region_id,
    )


def candidates_for_posting(
    *, user: User, posting_id: int, limit: int = CANDIDATES
) -> tuple[JobPosting, list[WorkerMatch]]:
    """The posting (scoped to the staff user's region, 404 outside it) and its best candidates with reasons."""
    posting = console_posting(user=user, posting_id=posting_id)
    now = timezone.now()
    profile = posting_profile(posting)
    candidates = worker_candidates(profile, today=timezone.localdate(now), agreements=Agreements.in_force())
    matches = scoring.rank_workers(profile, candidates, limit=limit, now=now)
    workers = Worker.objects.select_related("user", "home_region").in_bulk([match.worker_id for match in matches])
    return posting, [
        WorkerMatch(worker=workers[match.worker_id], score=match.score, reasons=match.reasons) for match in matches
    ]


# --- The secretary's page -------------------------------------------------------------------------------------------


def secretary_workers_to_match(*, secretary: User) -> QuerySet[Worker]:
    """The secretary's own workers who are looking for work (the page paginates them)."""
    return (
        matchable_workers()
        .filter(secretary=secretary)
        .select_related("user", "home_region")
        .order_by("full_name", "id")
    )


def best_jobs_for(
    workers: Iterable[Worker], *, per_worker: int = SECRETARY_JOBS_PER_WORKER
) -> list[tuple[Worker, list[PostingMatch]]]:
    """[(worker, [PostingMatch])] for a page of workers."""
    now = timezone.now()
    today: date = timezone.localdate(now)
    workers = list(workers)
    profiles = worker_profiles(
        [{name: getattr(worker, name) for name in WORKER_FIELDS} for worker in workers],
        agreements=Agreements.in_force(today),
    )
    ranked = {
        profile.id: scoring.rank(profile, posting_candidates(profile, today=today), limit=per_worker, now=now)
        for profile in profiles
    }
    return list(zip(workers, _with_postings([ranked[worker.pk] for worker in workers]), strict=True))
