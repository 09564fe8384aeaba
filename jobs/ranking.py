"""The relevance order of the job search, as a short list of tiers, each read newest first through the indexes.

For the words of a query (after its place and wage are taken out, see jobs/query.py), best first:

1. every word in the title, as typed;
2. every word in the title, some through a word it means (做饭 -> 厨师);
3. with several words, all but one of them in the title, then all but two ... then one (新化 保洁 -> 保洁阿姨 before
   a posting that only mentions 保洁 in its description: each word counts for itself);
4. no word in the title, every word in the text as typed;
5. the rest: some word only through a word it means.

A place that may mean several regions (朝阳) splits each tier in two: inside those regions first. Each tier is one
tsquery carrying the whole match and "not in an earlier tier", so PostgreSQL estimates each as one condition and the
GIN index answers it; a tier that has nothing costs one index probe.
"""

from itertools import combinations

from django.db.models import Q

from jobs.search import AllOf, AnyOf, NoneOf, TokenQuery

# Title tiers are counted up to this many words; a longer query ranks its first words' titles only (rare: the
# queries people type have one to three words).
_TITLE_WORDS_COUNTED = 4


def _at_least_in_title(terms, count):
    """At least `count` of `terms` in the title (each word exactly or through a related word)."""
    chosen_sets = combinations(terms, count)
    return AnyOf(tuple(AllOf(tuple(term.anywhere(title=True) for term in chosen)) for chosen in chosen_sets))


def relevance_conditions(read):
    """The tiers' conditions on the lexemes, best first, each excluding those before it."""
    terms = read.terms
    if not terms:
        return [None]
    counted = terms[:_TITLE_WORDS_COUNTED]
    match = read.matches()
    exact_in_title = AllOf(tuple(term.anywhere(title=True, exact_only=True) for term in counted))
    nested = [exact_in_title] + [_at_least_in_title(counted, count) for count in range(len(counted), 0, -1)]
    conditions, before = [], None
    for condition in nested:
        conditions.append(AllOf((match, condition) + ((NoneOf(before),) if before else ())))
        before = condition
    exact_anywhere = AllOf(tuple(term.anywhere(exact_only=True) for term in terms))
    conditions.append(AllOf((match, exact_anywhere, NoneOf(before))))
    conditions.append(AllOf((match, NoneOf(before), NoneOf(exact_anywhere))))
    return conditions


def relevance_tiers(read):
    """`relevance_conditions` as Q objects, each split by the doubtful places when the query named some."""
    tiers = [
        Q() if condition is None else Q(search_tokens__matches=TokenQuery(condition))
        for condition in relevance_conditions(read)
    ]
    if not read.boost:
        return tiers
    boosted = Q()
    for region in read.boost:
        boosted |= Q(work_region__code__startswith=region.prefix)
    return [part for tier in tiers for part in (tier & boosted, tier & ~boosted)]
