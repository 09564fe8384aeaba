import importlib
from datetime import date, timedelta

import pytest
from django.utils import timezone

from jobs.models import CooperationAgreement
from placement.matching import scoring, selectors
from placement.matching.scoring import occupations_in
from placement.matching.selectors import Agreements, jobs_for_worker, posting_profile, worker_candidates
from tests.factories import WorkerFactory
from tests.placement.matching.conftest import years_ago
from workers.models import WorkerKeyGroup

pytestmark = [pytest.mark.django_db, pytest.mark.twins]


def ranked_ids(worker):
    return [match.posting.pk for match in jobs_for_worker(worker=worker)]


def candidate_ids(posting):
    profile = posting_profile(posting)
    found = worker_candidates(profile, today=timezone.localdate(), agreements=Agreements.in_force())
    return {match.worker_id for match in scoring.rank_workers(profile, found, limit=50)}


EXCLUDED = {
    "another occupation": {"occupation": "cook", "title": "厨师"},
    "outside the area the worker accepts": {"work_region_id": "440300"},
    "pay below the expectation less the tolerance": {"wage_min": 3000, "wage_max": 4400},
    "an age range the worker is outside": {"age_min": 18, "age_max": 30},
    "a posting no longer published": {"status": "closed"},
    "a posting past its date": {"valid_until": timezone.localdate() - timedelta(days=1)},
    "a posting closing before the worker is free": {"valid_until": timezone.localdate() + timedelta(days=5)},
}


@pytest.mark.parametrize("why", list(EXCLUDED))
def test_each_hard_filter_excludes_its_postings_in_both_directions(why, seeker, make_posting):
    seeker.available_from = timezone.localdate() + timedelta(days=10)
    seeker.save()
    fitting = make_posting()
    excluded = make_posting(**EXCLUDED[why])

    assert ranked_ids(seeker) == [fitting.pk]
    assert seeker.pk in candidate_ids(fitting)
    assert seeker.pk not in candidate_ids(excluded)


def test_pay_within_the_tolerance_still_matches(seeker, make_posting):
    posting = make_posting(wage_min=4000, wage_max=4600)
    assert ranked_ids(seeker) == [posting.pk]


def test_a_skill_matches_when_the_occupation_is_not_named(dayao, make_posting):
    welder = WorkerFactory(home_region=dayao, wanted_occupations="", skills="焊工", birth_date=years_ago(30))
    technician = make_posting(occupation="technician", title="焊工")
    make_posting(occupation="cook", title="厨师")
    [match] = jobs_for_worker(worker=welder)
    assert match.posting == technician
    assert "技能对口（技术工）" in match.reasons


def test_a_worker_who_named_no_work_gets_no_ranking(dayao, make_posting):
    make_posting()
    idle = WorkerFactory(home_region=dayao, wanted_occupations="", skills="", birth_date=years_ago(30))
    assert jobs_for_worker(worker=idle) == []


def test_free_text_intentions_map_to_occupations():
    assert occupations_in("电子厂普工") == ["general_worker", "electronics"]
    assert occupations_in("服装厂、物流分拣") == ["sewing", "courier"]
    assert occupations_in("随便") == []


def test_reasons_say_why_in_plain_chinese(seeker, make_posting):
    make_posting(wage_max=5800, provides_meals=True, provides_housing=True)
    [match] = jobs_for_worker(worker=seeker)
    assert match.reasons[:4] == ["正是想做的工作（普工）", "同县岗位，离家近", "最高月薪比期望高 800 元", "包吃包住"]
    assert "3 天内新发布" in match.reasons


def test_a_closer_posting_ranks_first_and_says_so(dayao, make_posting):
    anywhere = WorkerFactory(
        home_region=dayao, wanted_occupations="普工", wanted_area="anywhere", birth_date=years_ago(30)
    )
    far = make_posting(work_region_id="440300", wage_max=6000)
    same_city = make_posting(work_region_id="430102", wage_max=6000)
    same_county = make_posting(wage_max=6000)
    matches = jobs_for_worker(worker=anywhere)
    assert [match.posting for match in matches] == [same_county, same_city, far]
    assert "同市岗位，离家不远" in matches[1].reasons
    assert "外省岗位" in matches[2].reasons


def test_cooperation_agreement_destinations_count_as_close(regions, liuyang_staff, make_posting):
    today = timezone.localdate()
    CooperationAgreement.objects.create(
        title="新化—东莞劳务协作",
        sending_region=regions.get(code="431322"),
        receiving_region=regions.get(code="441900"),
        signed_on=today,
        term_start=today,
        term_end=today + timedelta(days=365),
        target_people=100,
    )
    xinhua = WorkerFactory(
        home_region=regions.get(code="431322"),
        wanted_occupations="普工",
        wanted_area="anywhere",
        birth_date=years_ago(30),
    )
    shenzhen = make_posting(work_region_id="440300", wage_max=6000)
    dongguan = make_posting(work_region_id="441900", wage_max=5600)
    matches = jobs_for_worker(worker=xinhua)
    assert [match.posting for match in matches] == [dongguan, shenzhen]
    assert "劳务协作地区的岗位" in matches[0].reasons


def test_named_cities_are_the_only_places_offered(dayao, make_posting):
    dongguan_only = WorkerFactory(
        home_region=dayao,
        wanted_occupations="普工",
        wanted_area="named_cities",
        wanted_cities="东莞、深圳",
        birth_date=years_ago(30),
    )
    home = make_posting()
    shenzhen = make_posting(work_region_id="440300")
    assert ranked_ids(dongguan_only) == [shenzhen.pk]
    assert dongguan_only.pk in candidate_ids(shenzhen)
    assert dongguan_only.pk not in candidate_ids(home)


def test_key_groups_come_first_among_equal_candidates(dayao, make_posting):
    posting = make_posting()
    plain = WorkerFactory(home_region=dayao, wanted_occupations="普工", birth_date=years_ago(30))
    priority = WorkerFactory(home_region=dayao, wanted_occupations="普工", birth_date=years_ago(30))
    WorkerKeyGroup.objects.create(worker=priority, group="poverty_alleviated")
    profile = posting_profile(posting)
    found = worker_candidates(profile, today=timezone.localdate(), agreements=Agreements.in_force())
    ranked = scoring.rank_workers(profile, found, limit=10)
    assert [match.worker_id for match in ranked] == [priority.pk, plain.pk]
    assert "重点群体优先（脱贫人口）" in ranked[0].reasons
    assert "户籍在本县，离岗位近" in ranked[0].reasons


def test_the_sql_occupation_map_is_the_one_the_scorer_uses():
    migration = importlib.import_module("placement.matching.migrations.0003_worker_occupation_indexes")
    assert {str(code): words for code, words in scoring.OCCUPATION_KEYWORDS.items()} == migration.KEYWORDS


def test_near_candidates_are_read_by_home_code_range_without_crossing_into_the_next_code(regions, make_posting):
    """浏阳市 430181 and 宁乡市 430182 are neighbouring codes: a 家门口 worker of one is no candidate in the other."""
    posting = make_posting()  # in 浏阳市

    def worker(code, area):
        return WorkerFactory(
            home_region=regions.get(code=code), wanted_occupations="普工", wanted_area=area, birth_date=years_ago(30)
        )

    liuyang = worker("430181102201", "near_home")
    ningxiang = worker("430182", "near_home")
    in_province = worker("431322", "in_province")
    other_province = worker("440304", "in_province")
    found = candidate_ids(posting)
    assert {liuyang.pk, in_province.pk} <= found
    assert not {ningxiang.pk, other_province.pk} & found


@pytest.mark.parametrize("probe", [1, 200], ids=["a place many named", "a place few named"])
def test_workers_who_named_the_city_are_found_whether_many_or_few_named_it(probe, dayao, make_posting, monkeypatch):
    monkeypatch.setattr(selectors, "NAMED_PROBE", probe)

    def named(cities):
        return WorkerFactory(
            home_region=dayao,
            wanted_occupations="普工",
            wanted_area="named_cities",
            wanted_cities=cities,
            birth_date=years_ago(30),
        )

    shenzhen_first, shenzhen_too, dongguan = named("深圳"), named("东莞 深圳"), named("东莞")
    found = candidate_ids(make_posting(work_region_id="440300"))
    assert {shenzhen_first.pk, shenzhen_too.pk} <= found
    assert dongguan.pk not in found


@pytest.mark.parametrize(
    ("wage_min", "wage_max", "reason"),
    [
        (5600, 8300, "月薪比期望高 600 元"),
        (5000, 6000, "月薪达到期望"),
        (4500, 5800, "最高月薪比期望高 800 元"),
        (4500, 5000, "最高月薪达到期望"),
        (4400, 4700, "最高月薪比期望低 300 元"),
    ],
)
def test_the_wage_reason_counts_from_the_floor_of_the_range_and_says_when_only_the_top_reaches(
    seeker, make_posting, wage_min, wage_max, reason
):
    make_posting(wage_min=wage_min, wage_max=wage_max)

    [match] = jobs_for_worker(worker=seeker)

    assert reason in match.reasons


def test_a_posting_in_the_workers_own_township_says_so(seeker, make_posting):
    make_posting(work_region_id="430181102")

    [match] = jobs_for_worker(worker=seeker)

    assert match.reasons[1] == "就在本乡镇"


def test_a_worker_neither_joins_nor_leaves_a_postings_candidates_on_a_birthday(seeker, make_posting):
    """Someone who watches a posting's candidates every day must not learn a birth date from the day a worker drops
    off (docs/workers.md, "Masking"): ages are taken on 1 January, so a list changes for a whole birth year at once."""
    year = timezone.localdate().year
    eve, birthday = date(year, 6, 14), date(year, 6, 15)
    seeker.birth_date = date(year - 46, 6, 15)  # 45 on the eve, 46 on the birthday
    seeker.save()
    posting = posting_profile(make_posting(age_min=18, age_max=45))
    worker = selectors.worker_profile(seeker)

    def candidates_on(day):
        return {found.id for found in worker_candidates(posting, today=day, agreements=Agreements.in_force())}

    def postings_on(day):
        return {found.id for found in selectors.posting_candidates(worker, today=day)}

    assert candidates_on(eve) == candidates_on(birthday) == {seeker.pk}
    assert postings_on(eve) == postings_on(birthday) == {posting.id}
    assert scoring.passes_hard_filters(worker, posting, today=eve)
    assert scoring.passes_hard_filters(worker, posting, today=birthday)


def test_ages_are_taken_on_the_first_of_january_so_nobody_under_the_minimum_is_matched(seeker, make_posting):
    year = timezone.localdate().year
    posting = posting_profile(make_posting(age_min=16, age_max=60))
    seeker.birth_date = date(year - 16, 3, 1)  # 16 from 1 March, but 15 on 1 January
    seeker.save()
    worker = selectors.worker_profile(seeker)

    assert not scoring.passes_hard_filters(worker, posting, today=date(year, 6, 1))
    assert seeker.pk not in {
        found.id for found in worker_candidates(posting, today=date(year, 6, 1), agreements=Agreements.in_force())
    }
