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

from itertools import combinations

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


def relevance_conditions(read):
    """The tiers' conditions on the lexemes, best first, each excluding those before it."""
    terms = read.terms
    if not terms:
        return [None]
    counted = terms[:_TITLE_WORDS_COUNTED]
    in_title = [
        _at_least_in_title(counted, count, exact_only=exact_only)
        for count in range(len(counted), 0, -1)
        for exact_only in (True, False)
    ]
    exact_anywhere = AllOf(tuple(term.anywhere(exact_only=True) for term in terms))
    match = read.matches()
    conditions, before = [], []
    for condition in [*in_title, exact_anywhere]:
        excluded = (NoneOf(AnyOf(tuple(before))),) if before else ()
        conditions.append(AllOf((match, condition, *excluded)))
        before.append(condition)
    conditions.append(AllOf((match, NoneOf(AnyOf(tuple(before))))))
    return conditions


def relevance_tiers(read):
    """`relevance_conditions` as Q objects, inside the doubtful places first when the query named some."""
    tiers = [
        Q() if condition is None else Q(search_tokens__matches=TokenQuery(condition))
        for condition in relevance_conditions(read)
    ]
    if not read.boost:
        return tiers
    boosted = Q()
    for region in read.boost:
        boosted |= Q(work_region__code__startswith=region.prefix)
    # The places named come first: a seeker who typed 中山 wants 中山's postings before the best words elsewhere.
    return [tier & boosted for tier in tiers] + [tier & ~boosted for tier in tiers]
