"""How good the job search's order is: nDCG@10 and recall@20 over the judged queries of benchmarks/relevance/.

    createdb -h 127.0.0.1 -U postgres chunfeng_relevance
    export DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/chunfeng_relevance
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/search_quality.py            # loads the corpus the first time, then judges
    .venv/bin/python benchmarks/search_quality.py --write-judgments   # after changing queries.tsv or corpus.py

The corpus (benchmarks/relevance/corpus.py) is 3,000 generated postings whose truth is known: the job each really
is, its place, wage, benefits and daily pay. Each query of queries.tsv says which jobs a seeker typing it wants
(grade 2: exactly that; 1: would do) and what else must hold (a place, a wage floor, meals, housing, daily pay);
judgments.tsv is that applied to the corpus, one line per relevant posting, so the judged set is in the repository
and never computed from what the search itself finds.

Three orders are judged over the same database:
- newest: today's matching (every word of the query in the posting), newest first;
- today: the same matching, the postings with every word in the title first (the ranking before issue 18; its
  index had no title mark on single characters, which this reproduces by ignoring them);
- new: `jobs.selectors.posting_search`, what /jobs/ and the API answer.

recall@20 is the share of a query's relevant postings in its first 20, out of at most 20 (a query with 150
relevant postings is complete when its first page is all relevant ones).
"""

import argparse
import math
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from benchmarks.relevance import corpus  # noqa: E402
from core.regions.models import Region  # noqa: E402
from core.regions.services import regions_load_divisions  # noqa: E402
from jobs.models import Employer, JobPosting  # noqa: E402
from jobs.search import _HAN, TITLE_MARK, _words, query_tokens  # noqa: E402
from jobs.selectors import PostingFilters, posting_search  # noqa: E402
from jobs.services import posting_lexemes  # noqa: E402

RELEVANCE = ROOT / "benchmarks" / "relevance"
QUERIES = RELEVANCE / "queries.tsv"
JUDGMENTS = RELEVANCE / "judgments.tsv"
TOP = 20
NDCG_AT = 10


def read_queries():
    queries = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, jobs, conditions = line.split("\t")
        grades = {job: int(grade) for job, grade in (part.split(":") for part in jobs.split())}
        queries.append((text, grades, [] if conditions == "-" else conditions.split()))
    return queries


def _holds(truth, condition, prefixes):
    name, _equals, value = condition.partition("=")
    if name == "place":
        return truth.place.startswith(prefixes[value])
    if name == "wage":
        return truth.wage_max >= int(value)
    return getattr(truth, {"meals": "meals", "housing": "housing", "daily": "daily"}[name])


def judge(queries):
    """Each query's relevant postings and their grades, from the corpus's truth."""
    codes = {condition.split("=")[1] for _q, _g, conditions in queries for condition in conditions if "=" in condition}
    prefixes = {region.code: region.prefix for region in Region.objects.filter(code__in=codes)}
    truths = [posting.truth for posting in corpus.corpus()]
    judged = {}
    for text, grades, conditions in queries:
        judged[text] = {
            truth.key: grades.get(truth.job, grades.get("*", 0))
            for truth in truths
            if grades.get(truth.job, grades.get("*", 0)) and all(_holds(truth, c, prefixes) for c in conditions)
        }
    return judged


def write_judgments(judged):
    lines = ["# 查询\t等级\t该等级的语料岗位编号 (written by benchmarks/search_quality.py --write-judgments)"]
    for text, grades in judged.items():
        for grade in sorted(set(grades.values()), reverse=True):
            keys = sorted(key for key, each in grades.items() if each == grade)
            lines.append(f"{text}\t{grade}\t{' '.join(keys)}")
    JUDGMENTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_judgments():
    judged = {}
    for line in JUDGMENTS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        text, grade, keys = line.split("\t")
        judged.setdefault(text, {}).update(dict.fromkeys(keys.split(), int(grade)))
    return judged


def ensure_corpus(replace):
    if not Region.objects.exists():
        regions_load_divisions()
    postings = JobPosting.objects.filter(work_address__startswith=corpus.KEY_PREFIX)
    if postings.count() == corpus.SIZE and not replace:
        return
    if JobPosting.objects.exclude(work_address__startswith=corpus.KEY_PREFIX).exists():
        raise SystemExit("this database holds other postings: point DATABASE_URL at a scratch database")
    JobPosting.objects.all().delete()
    Employer.objects.all().delete()
    corpus.load(now=timezone.now())


class Legacy:
    """The search before issue 18, over the corpus in memory: its lexemes, matching and two tiers."""

    def __init__(self):
        self.rows = []
        postings = JobPosting.objects.filter(work_address__startswith=corpus.KEY_PREFIX).select_related(
            "employer", "work_region"
        )
        from jobs.services import region_names

        for posting in postings:
            lexemes = set(posting_lexemes(posting, place_names=region_names(posting.work_region)))
            title_words = set(_words(posting.title, for_search=True))
            # The old index marked the title's words only, not its single characters.
            lexemes -= {TITLE_MARK + char for char in _HAN.findall(posting.title) if char not in title_words}
            key = posting.work_address.removeprefix(corpus.KEY_PREFIX)
            self.rows.append((posting.published_at, posting.pk, key, lexemes))
        self.rows.sort(reverse=True)

    def search(self, q, *, tiers):
        tokens = query_tokens(q)
        matching = [row for row in self.rows if all(token in row[3] for token in tokens)]
        if tiers and tokens:
            in_title = [row for row in matching if all(TITLE_MARK + token in row[3] for token in tokens)]
            matching = in_title + [row for row in matching if row not in in_title]
        return [row[2] for row in matching[:TOP]]


def new_search(q):
    page = posting_search(filters=PostingFilters(q=q), page_size=TOP)
    return [posting.work_address.removeprefix(corpus.KEY_PREFIX) for posting in page.postings]


def ndcg(found, grades):
    gain = sum((2 ** grades.get(key, 0) - 1) / math.log2(rank + 2) for rank, key in enumerate(found[:NDCG_AT]))
    ideal = sorted(grades.values(), reverse=True)[:NDCG_AT]
    best = sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    return gain / best if best else 0.0


def recall(found, grades):
    return len(set(found[:TOP]) & set(grades)) / min(TOP, len(grades)) if grades else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-judgments", action="store_true", help="(re)write judgments.tsv from queries.tsv")
    parser.add_argument("--replace", action="store_true", help="reload the corpus even if it is there")
    parser.add_argument("--worst", type=int, default=15, help="list this many of the new order's worst queries")
    args = parser.parse_args()

    ensure_corpus(args.replace)
    queries = read_queries()
    if args.write_judgments:
        write_judgments(judge(queries))
    judged = read_judgments()
    empty = [text for text, _grades, _conditions in queries if not judged.get(text)]
    if empty:
        raise SystemExit(f"queries without a relevant posting in the corpus: {empty}")

    legacy = Legacy()
    orders = {
        "newest first (today's matching)": lambda q: legacy.search(q, tiers=False),
        "today's ranking (title tier)": lambda q: legacy.search(q, tiers=True),
        "new ranking (posting_search)": new_search,
    }
    scores = {}
    for name, search in orders.items():
        scores[name] = [
            (text, ndcg(found, judged[text]), recall(found, judged[text]))
            for text in judged
            for found in [search(text)]
        ]

    print(f"{len(judged)} queries, {corpus.SIZE} postings, {sum(map(len, judged.values()))} judgments\n")
    print(f"| order | nDCG@{NDCG_AT} | recall@{TOP} | queries with nothing relevant in the first {TOP} |")
    print("|---|---:|---:|---:|")
    for name, rows in scores.items():
        print(
            f"| {name} | {statistics.mean(r[1] for r in rows):.3f} | {statistics.mean(r[2] for r in rows):.3f} "
            f"| {sum(1 for r in rows if r[2] == 0)} |"
        )
    print(f"\nThe new order's {args.worst} worst queries (nDCG@{NDCG_AT}, recall@{TOP}):")
    for text, score, found in sorted(scores["new ranking (posting_search)"], key=lambda r: (r[1], r[2]))[: args.worst]:
        print(f"  {text}: {score:.2f} {found:.2f}")


if __name__ == "__main__":
    main()
