"""The relevance order of the job search, as a short list of tiers, each read newest first through the indexes.

For the words of a query (after its place and wage are taken out, see jobs/query.py), best first:

1. every word in the title, as typed;
2. every word in the title, some through a word it means (做饭 -> 厨师);
3. with several words, all but one of them in the title (as typed, then through related words), then all but two
   ... then one (保洁 包住 -> 保洁员 before a posting that only mentions 保洁 in its description: each word counts
   for itself);
4. no word in the title, every word in the text as typed;
5. the rest: some word only through a word it means.

A place that may mean several regions (朝阳, 中山) ranks them first: every tier inside those regions, then every tier
outside. Each tier is one
tsquery carrying the whole match and "not in an earlier tier", so PostgreSQL estimates each as one condition and the
GIN index answers it; a tier that has nothing costs one index probe.
"""

from contextlib import contextmanager
from itertools import combinations

from django.db import connection, connections, transaction
from django.db.models import Q

from jobs.search import AllOf, AnyOf, NoneOf, TokenQuery

# Title tiers are counted up to this many words; a longer query ranks its first words' titles only (rare: the
# queries people type have one to three words).
_TITLE_WORDS_COUNTED = 4


def _at_least_in_title(terms, count, *, exact_only):
    """At least `count` of `terms` in the title (as typed with `exact_only`, else also through a related word)."""
    chosen_sets = combinations(terms, count)
    return AnyOf(
        tuple(
            AllOf(tuple(term.anywhere(title=True, exact_only=exact_only) for term in chosen)) for chosen in chosen_sets
        )
    )


def _ladder(terms):
    """What each tier asks beyond the match, best first (the last tier asks nothing more)."""
    counted = terms[:_TITLE_WORDS_COUNTED]
    in_title = [
        _at_least_in_title(counted, count, exact_only=exact_only)
        for count in range(len(counted), 0, -1)
        for exact_only in (True, False)
    ]
    return [*in_title, AllOf(tuple(term.anywhere(exact_only=True) for term in terms))]


def relevance_conditions(read):
    """The tiers' conditions on the lexemes, best first, each excluding those before it."""
    if not read.terms:
        return [None]
    match = read.matches()
    conditions, before = [], []
    for condition in _ladder(read.terms):
        excluded = (NoneOf(AnyOf(tuple(before))),) if before else ()
        conditions.append(AllOf((match, condition, *excluded)))
        before.append(condition)
    conditions.append(AllOf((match, NoneOf(AnyOf(tuple(before))))))
    return conditions


def relevance_tiers(read):
    """The tiers as (a condition on the place, a condition on the lexemes or None), best first: inside the doubtful
    places first when the query named some."""
    conditions = relevance_conditions(read)
    if not read.boost:
        return [(Q(), condition) for condition in conditions]
    boosted = Q()
    for region in read.boost:
        boosted |= Q(work_region__code__startswith=region.prefix)
    # The places named come first: a seeker who typed 中山 wants 中山's postings before the best words elsewhere.
    return [(boosted, condition) for condition in conditions] + [(~boosted, condition) for condition in conditions]


def typed_tiers(read):
    """For each of `relevance_tiers(read)`: whether it holds only postings with every word as typed (every word in
    the title as typed, and every word in the text as typed), so is no larger than the search of those words."""
    if not read.terms:
        return [False]
    steps = len(_ladder(read.terms))
    per_place = [step in (0, steps - 1) for step in range(steps)] + [False]
    return per_place * (2 if read.boost else 1)


# How many of the newest postings (after the other filters and the cursor) a tier is looked for in first.
WINDOW = 2_000


@contextmanager
def through_the_text_index(using):
    """Plan the statements inside, on the database `using` (where the search reads: the primary or a replica, see
    core/replicas.py), without index walks or table scans: through the GIN index (a bitmap), sorted.

    For a tier known to be small. PostgreSQL can only guess the row count of a long tsquery of alternatives and
    exclusions; guessing thousands where there were none, it walked the date index for 21 rows that never came
    (3.5 s on 200,000 postings for the last tier of 采茶). LOCAL to the transaction: reset at its end, or, inside
    an outer one, here.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    nested = connection.in_atomic_block
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)")
        yield
        if nested:
            cursor.execute(
                "SELECT set_config('enable_indexscan', 'on', true), set_config('enable_seqscan', 'on', true)"
            )


def _ids_in_window(candidates, condition, *, order, wanted):
    """The ids of up to `wanted` rows holding `condition` among the newest `WINDOW` of `candidates`, in order.

    Written as a subquery in FROM, so that PostgreSQL walks `candidates` in order and stops at the page's end: the
    cost is bounded by the window whatever it guesses of the tsquery.
    """
    window = candidates.order_by(*order).values("id", "published_at", "search_tokens")[:WINDOW]
    inner_sql, inner_params = window.query.sql_with_params()
    with connections[window.db].cursor() as cursor:
        cursor.execute(
            # The window's own order, which PostgreSQL keeps without sorting again, so the LIMIT still stops early.
            f"SELECT id FROM ({inner_sql}) recent WHERE search_tokens @@ %s::tsquery"
            " ORDER BY published_at DESC, id DESC LIMIT %s",
            [*inner_params, condition.tsquery(), wanted],
        )
        return [row[0] for row in cursor.fetchall()]


def tier_rows(candidates, condition, *, order, wanted, search_is_small, load):
    """Up to `wanted` rows of one relevance tier (`candidates` holding `condition`), newest first, via `load`.

    Never left to PostgreSQL's guess of the tier's size: a search known to be small (its capped count) is read
    through the text index and sorted; otherwise the tier is looked for among the newest `WINDOW` candidates, and
    only when it has fewer rows there than the page wants is it read through the text index (it is small then).
    """
    if condition is None:  # no words, only places to rank first: an ordinary filter
        return list(load(candidates.order_by(*order))[:wanted])
    tier = candidates.filter(search_tokens__matches=TokenQuery(condition)).order_by(*order)
    ids = None
    if connection.vendor == "postgresql" and not search_is_small:
        ids = _ids_in_window(candidates, condition, order=order, wanted=wanted)
        if len(ids) < wanted:
            ids = None
    if ids is None:
        with through_the_text_index(tier.db):
            ids = list(tier.values_list("id", flat=True)[:wanted])
    found = {posting.pk: posting for posting in load(candidates.model.objects.filter(pk__in=ids))}
    return [found[pk] for pk in ids]


def small_search_page(candidates, read, *, wanted, load):
    """The first `wanted` (tier, posting) pairs of a search of at most `COUNT_LIMIT` postings, in one statement.

    Every match is read through the text index with its tier worked out in SQL (a CASE over what each tier asks,
    the first that holds), then sorted here: at most a thousand rows, whatever PostgreSQL would guess of them.
    """
    ladder = _ladder(read.terms)
    boost_prefixes = tuple(region.prefix for region in read.boost)
    match = read.matches()
    source = candidates.filter(search_tokens__matches=TokenQuery(match)).order_by()
    inner_sql, inner_params = source.values(
        "id", "published_at", "work_region_id", "search_tokens"
    ).query.sql_with_params()
    cases = " ".join(f"WHEN search_tokens @@ %s::tsquery THEN {step}" for step in range(len(ladder)))
    sql = f"SELECT id, published_at, work_region_id, CASE {cases} ELSE {len(ladder)} END FROM ({inner_sql}) matching"
    with through_the_text_index(source.db), connections[source.db].cursor() as cursor:
        cursor.execute(sql, [*(condition.tsquery() for condition in ladder), *inner_params])
        found = cursor.fetchall()
    steps = len(ladder) + 1

    def rank(row):
        pk, published_at, region_code, step = row
        outside = bool(boost_prefixes) and not region_code.startswith(boost_prefixes)
        return (step + steps * outside, -published_at.timestamp(), -pk)

    picked = [(rank(row)[0], row[0]) for row in sorted(found, key=rank)[:wanted]]
    rows = {posting.pk: posting for posting in load(candidates.model.objects.filter(pk__in=[pk for _t, pk in picked]))}
    return [(tier, rows[pk]) for tier, pk in picked]
