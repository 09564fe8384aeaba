"""The matching rules in one place: which occupations a worker's words mean, the hard filters as plain Python
(the selectors express the same filters in SQL), and the score of a (worker, posting) pair with its reasons.

Pure functions over small value objects, so that the selectors, the nightly push and the quality benchmark all
rank with exactly the same code.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import Occupation, PostingKind
from workers.models import KeyGroup, WantedArea

# A posting may pay this much below what the worker asked for and still be shown: people name round figures, and
# a shorter commute or lodging is often worth a few hundred yuan to them.
WAGE_TOLERANCE = 500

# What people write in "想做的工作" and "技能", mapped to the posting's fixed occupation list. Substrings: "电子厂普工"
# means both 电子厂 and 普工.
OCCUPATION_KEYWORDS = {
    Occupation.GENERAL_WORKER: ("普工", "操作工", "流水线", "杂工", "包装"),
    Occupation.ELECTRONICS: ("电子",),
    Occupation.SEWING: ("缝纫", "服装", "制衣", "车工", "鞋厂"),
    Occupation.CONSTRUCTION: ("建筑", "砌筑", "瓦工", "泥工", "木工", "钢筋", "装修"),
    Occupation.TECHNICIAN: ("技术工", "电工", "焊工", "钳工", "机修", "数控"),
    Occupation.TEA_PICKING: ("采茶", "茶叶"),
    Occupation.CLEANING: ("保洁", "清洁"),
    Occupation.SECURITY: ("保安",),
    Occupation.COOK: ("厨",),
    Occupation.DRIVER: ("司机", "驾驶", "叉车"),
    Occupation.COURIER: ("快递", "物流", "分拣", "配送"),
    Occupation.DOMESTIC: ("家政", "保姆", "月嫂", "育婴"),
    Occupation.SALES: ("销售", "营业员", "导购"),
    Occupation.PUBLIC_SERVICE: ("公益", "公共服务"),
}


def occupations_in(text):
    """The occupation codes a free-text answer names, in the fixed list's order."""
    text = text or ""
    return [code for code, words in OCCUPATION_KEYWORDS.items() if any(word in text for word in words)]


class PlaceTier:
    """How far a posting is from the worker's home, nearest first; each with its points."""

    COUNTY = "county"
    CITY = "city"
    AGREEMENT = "agreement"
    PROVINCE = "province"
    ELSEWHERE = "elsewhere"


PLACE_POINTS = {
    PlaceTier.COUNTY: 30,
    PlaceTier.CITY: 22,
    # A cooperation-agreement destination has a bus, a labour office and fellow villagers: as good as next door.
    PlaceTier.AGREEMENT: 22,
    PlaceTier.PROVINCE: 14,
    PlaceTier.ELSEWHERE: 4,
}


def county_prefix(code):
    return code[:6]


def city_prefix(code):
    return code[:4]


def province_prefix(code):
    return code[:2]


def place_tier(home_code, work_code, agreement_prefixes=()):
    if work_code.startswith(county_prefix(home_code)):
        return PlaceTier.COUNTY
    if work_code.startswith(city_prefix(home_code)):
        return PlaceTier.CITY
    if any(work_code.startswith(prefix) for prefix in agreement_prefixes):
        return PlaceTier.AGREEMENT
    if work_code.startswith(province_prefix(home_code)):
        return PlaceTier.PROVINCE
    return PlaceTier.ELSEWHERE


def age_on(birth_date, day):
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_reference_day(today):
    """The day matching takes ages on: 1 January of `today`'s year.

    An exact age moves on the birthday, so a posting's candidates watched every day would show the day a worker
    crossed the edge of its age range: the birth date, which masking hides (docs/workers.md, "Masking"). Taken on 1
    January, ages move for a whole birth year at once and tell no more than the year. Nobody under a range's
    minimum (16, the legal one) is ever matched, since an age only grows after 1 January; someone may stay matched
    up to a year past a range's maximum."""
    return date(today.year, 1, 1)


def matching_age(birth_date, today):
    """The age a posting's range is held against (`age_reference_day`)."""
    return age_on(birth_date, age_reference_day(today))


@dataclass
class WorkerProfile:
    """What matching reads of a worker (a `Worker` row or a benchmark's generated person)."""

    id: int
    home_code: str
    wanted_area: str
    wanted_occupations: list
    skill_occupations: list
    city_prefixes: list = field(default_factory=list)  # resolved from wanted_cities
    expected_wage: int | None = None
    birth_date: date | None = None
    available_from: date | None = None
    key_groups: list = field(default_factory=list)
    agreement_prefixes: list = field(default_factory=list)  # destinations of agreements from the home region

    @property
    def occupations(self):
        return list(dict.fromkeys([*self.wanted_occupations, *self.skill_occupations]))

    @property
    def area_prefixes(self):
        """Where the worker accepts work, as region-code prefixes; None means anywhere."""
        if self.wanted_area == WantedArea.NEAR_HOME:
            return [county_prefix(self.home_code)]
        if self.wanted_area == WantedArea.IN_PROVINCE:
            return [province_prefix(self.home_code)]
        if self.wanted_area == WantedArea.NAMED_CITIES:
            return self.city_prefixes
        return None


@dataclass
class PostingProfile:
    """What matching reads of a posting."""

    id: int
    occupation: str
    work_code: str
    wage_min: int
    wage_max: int
    age_min: int
    age_max: int
    valid_until: date
    published_at: datetime
    provides_meals: bool = False
    provides_housing: bool = False
    return_shuttle: bool = False
    kind: str = PostingKind.REGULAR
    status: str = "published"

    @classmethod
    def from_row(cls, row):
        return cls(**{name: row[name] for name in POSTING_FIELDS})


# The posting columns the selectors read; `work_code` is `work_region_id`.
POSTING_FIELDS = [
    "id",
    "occupation",
    "work_code",
    "wage_min",
    "wage_max",
    "age_min",
    "age_max",
    "valid_until",
    "published_at",
    "provides_meals",
    "provides_housing",
    "return_shuttle",
    "kind",
    "status",
]


def passes_hard_filters(worker, posting, *, today):
    """The hard filters, one by one; the selectors apply the same ones in SQL."""
    if posting.status != "published" or posting.valid_until < today:
        return False
    if posting.occupation not in worker.occupations:
        return False
    prefixes = worker.area_prefixes
    if prefixes is not None and not any(posting.work_code.startswith(prefix) for prefix in prefixes):
        return False
    if worker.expected_wage and posting.wage_max < worker.expected_wage - WAGE_TOLERANCE:
        return False
    if worker.birth_date and not posting.age_min <= matching_age(worker.birth_date, today) <= posting.age_max:
        return False
    # Postings carry no start date yet: a worker is available in time when they can start before it closes.
    return not (worker.available_from and worker.available_from > posting.valid_until)


@dataclass
class Match:
    worker_id: int
    posting_id: int
    score: float
    reasons: list
    tier: str


def _freshness_points(published_at, now):
    days = max((now - published_at).total_seconds() / 86400, 0)
    return 8 * math.exp(-days / 10)


def _wage_points(worker, posting):
    if not worker.expected_wage:
        return min(max((posting.wage_max - 4000) / 250, 0), 16)
    return min(max(12 + (posting.wage_max - worker.expected_wage) / 100, 0), 20)


def _wage_reason(worker, posting):
    """Compared from the floor of the wage range, which the worker can count on; where only the top reaches the
    expectation, the reason says 最高."""
    if not worker.expected_wage:
        return None
    floor = posting.wage_min - worker.expected_wage
    if floor >= 100:
        return _("月薪比期望高 %(amount)s 元") % {"amount": floor}
    if floor >= 0:
        return _("月薪达到期望")
    top = posting.wage_max - worker.expected_wage
    if top >= 100:
        return _("最高月薪比期望高 %(amount)s 元") % {"amount": top}
    if top >= 0:
        return _("最高月薪达到期望")
    return _("最高月薪比期望低 %(amount)s 元") % {"amount": -top}


def _benefit_points(tier, posting):
    away = tier != PlaceTier.COUNTY
    points = 0.0
    if posting.provides_housing:
        points += 6 if away else 1
    if posting.provides_meals:
        points += 4 if away else 2
    if posting.return_shuttle and tier in (PlaceTier.PROVINCE, PlaceTier.ELSEWHERE, PlaceTier.AGREEMENT):
        points += 4
    return points


def _benefit_reason(posting):
    if posting.provides_meals and posting.provides_housing:
        return _("包吃包住")
    if posting.provides_meals:
        return _("包吃")
    if posting.provides_housing:
        return _("包住")
    return None


def _in_home_township(worker, posting):
    """The posting names a township (9-digit code or below), and it is the worker's own."""
    return len(posting.work_code) >= 9 and worker.home_code[:9] == posting.work_code[:9]


def _place_reason(tier, *, for_worker):
    if for_worker:
        return {
            PlaceTier.COUNTY: _("同县岗位，离家近"),
            PlaceTier.CITY: _("同市岗位，离家不远"),
            PlaceTier.AGREEMENT: _("劳务协作地区的岗位"),
            PlaceTier.PROVINCE: _("省内岗位"),
            PlaceTier.ELSEWHERE: _("外省岗位"),
        }[tier]
    return {
        PlaceTier.COUNTY: _("户籍在本县，离岗位近"),
        PlaceTier.CITY: _("户籍在本市"),
        PlaceTier.AGREEMENT: _("来自劳务协作地区"),
        PlaceTier.PROVINCE: _("户籍在本省"),
        PlaceTier.ELSEWHERE: _("愿意外出务工"),
    }[tier]


def points(worker, posting, now):
    """The pair's score (higher is better) and place tier, without the reasons: the nightly push scores many
    pairs and words only the few it sends."""
    tier = place_tier(worker.home_code, posting.work_code, worker.agreement_prefixes)
    total = 30 if posting.occupation in worker.wanted_occupations else 18
    total += PLACE_POINTS[tier] + _wage_points(worker, posting) + _benefit_points(tier, posting)
    total += _freshness_points(posting.published_at, now)
    if worker.key_groups:
        total += 14 if posting.kind == PostingKind.PUBLIC_WELFARE else 8
    return round(total, 2), tier


def reasons(worker, posting, tier, now, *, for_worker=True):
    """Why the pair matches, in plain Chinese, most important first.

    `for_worker` words the place reason for the worker ("同县岗位，离家近") or for staff ("户籍在本县，离岗位近").
    """
    occupation_label = Occupation(posting.occupation).label
    if posting.occupation in worker.wanted_occupations:
        said = [_("正是想做的工作（%(occupation)s）") % {"occupation": occupation_label}]
    else:
        said = [_("技能对口（%(occupation)s）") % {"occupation": occupation_label}]
    if tier == PlaceTier.COUNTY and _in_home_township(worker, posting):
        said.append(_("就在本乡镇") if for_worker else _("户籍在本乡镇"))
    else:
        said.append(_place_reason(tier, for_worker=for_worker))
    said.extend(reason for reason in (_wage_reason(worker, posting), _benefit_reason(posting)) if reason is not None)
    if posting.return_shuttle and tier != PlaceTier.COUNTY:
        said.append(_("有返岗专车"))
    if (now - posting.published_at).days < 3:
        said.append(_("3 天内新发布"))
    if worker.key_groups:
        groups = "、".join(str(KeyGroup(group).label) for group in worker.key_groups)
        if posting.kind == PostingKind.PUBLIC_WELFARE:
            said.append(_("公益性岗位，优先安置%(groups)s") % {"groups": groups})
        else:
            said.append(_("重点群体优先（%(groups)s）") % {"groups": groups})
    return said


def score(worker, posting, *, now=None, for_worker=True):
    """The pair's Match: score, place tier and reasons."""
    now = now or timezone.now()
    total, tier = points(worker, posting, now)
    return Match(
        worker_id=worker.id,
        posting_id=posting.id,
        score=total,
        reasons=reasons(worker, posting, tier, now, for_worker=for_worker),
        tier=tier,
    )


def _best(pairs, *, limit, now, for_worker):
    """The best `limit` Matches among (worker, posting) pairs that pass the hard filters, best first; ties go to
    the newer row of the side being ranked."""
    today = timezone.localdate(now)
    ranked_side = 1 if for_worker else 0
    scored = sorted(
        (
            (*points(worker, posting, now), worker, posting)
            for worker, posting in pairs
            if passes_hard_filters(worker, posting, today=today)
        ),
        key=lambda item: (-item[0], -item[2 + ranked_side].id),
    )
    return [
        Match(
            worker_id=worker.id,
            posting_id=posting.id,
            score=total,
            reasons=reasons(worker, posting, tier, now, for_worker=for_worker),
            tier=tier,
        )
        for total, tier, worker, posting in scored[:limit]
    ]


def rank(worker, postings, *, limit, now=None):
    """The best `limit` matches among `postings` for `worker` (hard filters applied first), best first."""
    return _best(((worker, posting) for posting in postings), limit=limit, now=now or timezone.now(), for_worker=True)


def rank_workers(posting, workers, *, limit, now=None):
    """The best `limit` workers among `workers` for `posting` (hard filters first), best first, worded for staff."""
    return _best(((worker, posting) for worker in workers), limit=limit, now=now or timezone.now(), for_worker=False)
