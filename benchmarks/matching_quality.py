"""Matching quality on a generated population whose true preferences the ranking never sees.

    flock /tmp/chunfeng-benchmark.lock .venv/bin/python benchmarks/matching_quality.py

Each worker has hidden preferences: the work they can and like to do, a reservation wage, what each step away from
home costs them, and what lodging and meals are worth to them. Their true utility for a posting is

    pay - distance cost + lodging value + meals value + liking of the occupation + noise

and they would take the posting when that is at least their reservation wage. Every employer has requirements of
its own (an age range, and a worker who can do the work). A posting is *relevant* to a worker when both hold.

What the portal sees is only the profile a person fills in, partial and rounded: one or two of the occupations
they like (not always all), a skill or none, the area they say they accept (derived from their distance cost, one
in five says something else), an expected wage rounded to 500 with noise, or none. The scorer's weights were set
before this benchmark existed and it shares no formula with the generator.

Three rankings over the same postings, each giving ten per worker:
- the matcher (`placement.matching.scoring.rank`, the code behind "jobs for you");
- newest first (what the job supermarket shows without a query);
- keyword search on the worker's wanted occupation, newest first.

It reports precision@10 (relevant postings among the ten, /10) and reciprocity (the share of recommended pairs in
which both sides' hard requirements hold: the worker's true area, reservation wage and abilities, the employer's
age range). It needs no database; Django is set up only for the translations the reasons use.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.utils import timezone  # noqa: E402

from jobs.models import Occupation  # noqa: E402
from placement.matching import scoring  # noqa: E402
from placement.matching.scoring import PostingProfile, WorkerProfile, age_on, occupations_in, place_tier  # noqa: E402

# The everyday words people use for each occupation, as a worker would type them.
WORDS = {
    "general_worker": "普工",
    "electronics": "电子厂",
    "sewing": "服装厂",
    "construction": "建筑工",
    "technician": "电工",
    "tea_picking": "采茶",
    "cleaning": "保洁",
    "security": "保安",
    "cook": "厨师",
    "driver": "司机",
    "courier": "物流分拣",
    "domestic": "家政",
    "sales": "销售",
    "public_service": "公益岗",
}
TIER_STEPS = {"county": 0, "city": 1, "agreement": 1, "province": 2, "elsewhere": 3}


class Region:
    """Synthetic codes shaped like GB/T 2260: 12 provinces, 4 cities each, 4 counties each."""

    def __init__(self, rng):
        self.counties = [f"{11 + p:02d}{1 + c:02d}{1 + k:02d}" for p in range(12) for c in range(4) for k in range(4)]
        # Work is concentrated in a few provinces, people in others, as in the labour-transfer seeds.
        self.work_weights = [6 if code[:2] in ("11", "12", "13") else 1 for code in self.counties]
        self.home_weights = [5 if code[:2] in ("18", "19", "20", "21") else 1 for code in self.counties]
        self.rng = rng

    def work_place(self):
        return self.rng.choices(self.counties, self.work_weights)[0]

    def home(self):
        return self.rng.choices(self.counties, self.home_weights)[0]


def make_postings(rng, regions, count, now):
    postings = []
    occupations = list(WORDS)
    for serial in range(1, count + 1):
        occupation = rng.choice(occupations)
        wage_min = rng.randrange(3500, 6500, 100)
        published_at = now - timedelta(hours=rng.uniform(0, 40 * 24))
        postings.append(
            PostingProfile(
                id=serial,
                occupation=occupation,
                work_code=regions.work_place(),
                wage_min=wage_min,
                wage_max=wage_min + rng.randrange(0, 2500, 100),
                age_min=rng.choice([16, 18, 18, 20]),
                age_max=rng.choice([40, 45, 50, 55, 60]),
                valid_until=(now + timedelta(days=rng.randrange(10, 90))).date(),
                published_at=published_at,
                provides_meals=rng.random() < 0.5,
                provides_housing=rng.random() < 0.45,
                return_shuttle=rng.random() < 0.1,
            )
        )
    return postings


class Person:
    """The hidden truth about a worker, and the partial profile they fill in."""

    def __init__(self, rng, regions, serial, today):
        occupations = list(WORDS)
        self.liked = rng.sample(occupations, rng.choice([1, 2, 2, 3]))
        self.able = set(self.liked) | set(rng.sample(occupations, 1))
        self.reservation = rng.gauss(5200, 700)
        self.step_cost = rng.choice([250, 500, 900, 1500])
        self.lodging_value = rng.uniform(0, 1200)
        self.meals_value = rng.uniform(0, 600)
        self.home = regions.home()
        self.birth_date = today - timedelta(days=rng.randrange(18 * 365, 58 * 365))
        # The furthest they would really go: people who mind distance stay near.
        self.max_steps = {1500: 0, 900: 1, 500: 2, 250: 3}[self.step_cost]

        said = [occupation for occupation in self.liked if rng.random() < 0.75] or self.liked[:1]
        skill = rng.choice(sorted(self.able)) if rng.random() < 0.4 else None
        area = {0: "near_home", 1: "in_province", 2: "in_province", 3: "anywhere"}[self.max_steps]
        if rng.random() < 0.2:
            area = rng.choice(["near_home", "in_province", "anywhere"])
        expected = None if rng.random() < 0.2 else int(round((self.reservation + rng.gauss(0, 300)) / 500) * 500)
        self.profile = WorkerProfile(
            id=serial,
            home_code=self.home,
            wanted_area=area,
            wanted_occupations=occupations_in("".join(WORDS[occupation] for occupation in said)),
            skill_occupations=occupations_in(WORDS[skill]) if skill else [],
            expected_wage=expected,
            birth_date=self.birth_date,
        )
        self.wanted_text = "".join(WORDS[occupation] for occupation in said)
        self.noise = random.Random(serial * 7919)

    def utility(self, posting):
        steps = TIER_STEPS[place_tier(self.home, posting.work_code)]
        value = (posting.wage_min + posting.wage_max) / 2 - steps * self.step_cost
        if steps:
            value += self.lodging_value * posting.provides_housing + self.meals_value * posting.provides_meals
        value += 800 if posting.occupation in self.liked else -1500
        return value + self.noise.gauss(0, 400)

    def worker_accepts(self, posting):
        steps = TIER_STEPS[place_tier(self.home, posting.work_code)]
        return posting.occupation in self.able and steps <= self.max_steps and posting.wage_max >= self.reservation

    def employer_accepts(self, posting, today):
        return posting.occupation in self.able and posting.age_min <= age_on(self.birth_date, today) <= posting.age_max


def evaluate(people, postings, *, now, k):
    today = timezone.localdate(now)
    live = [posting for posting in postings if posting.valid_until >= today]
    newest = sorted(live, key=lambda posting: posting.published_at, reverse=True)
    by_occupation = {}
    for posting in newest:
        by_occupation.setdefault(posting.occupation, []).append(posting)
    results = {"matcher": ([], []), "newest first": ([], []), "keyword search": ([], [])}
    for person in people:
        relevant = {
            posting.id
            for posting in live
            if person.employer_accepts(posting, today)
            and person.worker_accepts(posting)
            and person.utility(posting) >= person.reservation
        }
        # The matcher sees what the SQL candidate query would give it: the worker's named occupations.
        candidates = [p for occupation in person.profile.occupations for p in by_occupation.get(occupation, [])]
        matcher = [match.posting_id for match in scoring.rank(person.profile, candidates, limit=k, now=now)]
        keywords = occupations_in(person.wanted_text)
        keyword = [posting.id for posting in newest if posting.occupation in keywords][:k]
        newest_ids = [posting.id for posting in newest[:k]]
        by_id = {posting.id: posting for posting in live}
        for name, ids in (("matcher", matcher), ("newest first", newest_ids), ("keyword search", keyword)):
            precision, reciprocal = results[name]
            precision.append(len(relevant.intersection(ids)) / k)
            reciprocal.extend(
                person.worker_accepts(by_id[posting_id]) and person.employer_accepts(by_id[posting_id], today)
                for posting_id in ids
            )
    return {
        name: (statistics.mean(precision), sum(reciprocal) / len(reciprocal) if reciprocal else 0.0)
        for name, (precision, reciprocal) in results.items()
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2000)
    parser.add_argument("--postings", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--k", type=int, default=10)
    options = parser.parse_args()
    started = time.monotonic()
    rng = random.Random(options.seed)
    now = timezone.now()
    today = timezone.localdate(now)
    regions = Region(rng)
    postings = make_postings(rng, regions, options.postings, now)
    people = [Person(rng, regions, serial, today) for serial in range(1, options.workers + 1)]
    results = evaluate(people, postings, now=now, k=options.k)
    print(f"{options.workers:,} workers, {options.postings:,} postings, seed {options.seed}, k={options.k}")
    print(f"| ranking | precision@{options.k} | reciprocity |")
    print("|---|---:|---:|")
    for name, (precision, reciprocity) in results.items():
        print(f"| {name} | {precision:.3f} | {reciprocity:.1%} |")
    print(f"({time.monotonic() - started:.0f} s; occupations: {len(Occupation.values)})")


if __name__ == "__main__":
    main()
