"""Issue 18: titles first for any query, places read as places, everyday words, pinyin and near misses."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from core.regions.models import Region
from jobs.everyday import TITLE_WORDS_KEY, near_words, parse_everyday, words_for_pinyin
from jobs.places import Gazetteer, short_name
from jobs.query import read_query
from jobs.ranking import typed_tiers
from jobs.search import document_lexemes
from jobs.selectors import WIDER_COUNT_LIMIT, PostingFilters, Sort, posting_search
from tests.factories import JobPostingFactory

pytestmark = pytest.mark.django_db


def search(q, **filters):
    return [posting.title for posting in posting_search(filters=PostingFilters(q=q, **filters)).postings]


def newer_first(*titles_and_fields):
    """Postings published one day apart, the first given the newest, so that newest-first is the order given."""
    now = timezone.now()
    for age, (title, fields) in enumerate(titles_and_fields):
        JobPostingFactory(title=title, published_at=now - timedelta(days=age), **fields)


# 1. Titles first, for one character and for each word


def test_a_title_s_single_characters_carry_the_title_mark():
    assert {"_厨", "_师", "厨"} <= set(document_lexemes(title="厨师帮工", texts=[]))


def test_one_character_ranks_the_titles_that_hold_it_above_a_description_that_mentions_it(regions):
    newer_first(
        ("物业保洁员", {"occupation": "cleaning", "description": "负责后厨和走廊的清洁"}),
        ("厨师帮工", {"occupation": "cook", "description": "协助备菜"}),
    )
    assert search("厨") == ["厨师帮工", "物业保洁员"]


def test_yue_ranks_the_maternity_nurse_above_a_posting_with_four_days_off_a_month(regions):
    newer_first(
        ("电子厂普工", {"description": "月休4天，包吃包住"}),
        ("诚聘月嫂", {"occupation": "domestic", "description": "照顾产妇"}),
    )
    assert search("月") == ["诚聘月嫂", "电子厂普工"]


def test_each_word_counts_for_itself_so_one_word_in_the_title_beats_none(regions):
    newer_first(
        ("电子厂普工", {"description": "包住，车间保洁"}),
        ("保洁员", {"occupation": "cleaning", "description": "商场日常清扫，包住"}),
    )
    assert search("保洁 包住") == ["保洁员", "电子厂普工"]


# 2. Places in the query are places


def test_xinhua_baojie_filters_by_xinhua_and_ranks_by_the_cleaning_word(regions):
    newer_first(
        ("电子厂普工", {"work_region_id": "431322", "description": "车间保洁也做"}),
        ("保洁阿姨", {"work_region_id": "431322", "occupation": "cleaning"}),
        ("保洁员", {"work_region_id": "430181", "occupation": "cleaning"}),
    )
    page = posting_search(filters=PostingFilters(q="新化 保洁"))
    assert [posting.title for posting in page.postings] == ["保洁阿姨", "电子厂普工"]
    assert page.place.name == "新化县"


def test_full_and_short_names_and_linking_words_read_as_the_same_place(regions):
    for q in ("新化县保洁", "去新化 保洁", "在新化做保洁"):
        read = read_query(q)
        assert read.place.code == "431322", q
        assert [term.word for term in read.terms] == ["保洁"], q
    assert read_query("东莞 普工").place.code == "441900"
    assert read_query("广东 电子厂").place.code == "440000"


def test_a_province_and_a_county_inside_it_filter_by_the_county(regions):
    assert read_query("湖南 新化 保洁").place.code == "431322"


def test_an_ambiguous_place_name_ranks_its_places_first_without_filtering(regions):
    read = read_query("朝阳 保安")
    assert read.place is None
    assert {region.code for region in read.boost} >= {"110105", "211300"}
    newer_first(
        ("小区保安", {"work_region_id": "430181", "occupation": "security"}),
        ("商场保安", {"work_region_id": "110105", "occupation": "security"}),
    )
    assert search("朝阳 保安") == ["商场保安", "小区保安"]


def test_a_place_name_that_is_also_a_trade_word_is_a_boost():
    places = Gazetteer([Region(code="431300", name="保安市", level="city")], other_meanings=frozenset({"保安"}))
    [match], _rest = places.find("保安")
    assert match.ambiguous


def test_a_posting_is_indexed_under_its_place_s_code_at_every_level(regions):
    posting = JobPostingFactory(title="保洁员", work_region_id="430181102")
    assert {"@43", "@4301", "@430181", "@430181102"} <= set(posting.search_tokens)
    assert not any(lexeme.startswith("@") for lexeme in document_lexemes(title="@43 保洁", texts=["@4301"]))


def test_a_place_with_words_finds_its_townships_postings_and_none_that_only_name_it(regions):
    JobPostingFactory(title="保洁员", work_region_id="430181102")  # a township of 浏阳市
    JobPostingFactory(title="保洁阿姨", work_region_id="431322", description="浏阳老板开的店")
    assert search("浏阳 保洁") == ["保洁员"]
    assert search("保洁", region=Region.objects.get(code="430000")) == ["保洁阿姨", "保洁员"]
    assert search("保洁", region=Region.objects.get(code="440000")) == []


def test_the_undo_searches_the_place_as_a_word(regions):
    JobPostingFactory(title="保洁员", work_region_id="430181", description="新化 老乡多")
    assert search("新化 保洁") == []
    assert search("新化 保洁", words_only=True) == ["保洁员"]


def test_short_names_drop_the_suffix_and_the_ethnic_autonomy_words():
    assert short_name("浏阳市") == "浏阳"
    assert short_name("湘西土家族苗族自治州") == "湘西"
    assert short_name("城步苗族自治县") == "城步"
    assert short_name("广西壮族自治区") == "广西"
    assert short_name("赵县") is None


# 3. Everyday words, wages and pay


def test_cooking_words_find_cooks_and_an_exact_match_ranks_above_a_synonym(regions):
    newer_first(
        ("食堂厨师", {"occupation": "cook"}),
        ("面点师", {"occupation": "cook"}),
        ("做饭阿姨", {"occupation": "domestic"}),
        ("保安", {"occupation": "security"}),
    )
    assert search("做饭") == ["做饭阿姨", "食堂厨师", "面点师"]
    assert search("煮饭")[0] == "食堂厨师"


@pytest.mark.parametrize(
    ("q", "title"),
    [
        ("带娃", "育婴员"),
        ("开车", "班车司机"),
        ("电焊", "焊工"),
        ("清洁", "保洁员"),
        ("装卸", "搬运工"),
        ("母婴护理", "月嫂"),
    ],
)
def test_everyday_trade_words_find_the_postings_named_otherwise(regions, q, title):
    JobPostingFactory(title=title)
    JobPostingFactory(title="电子厂质检员", occupation="electronics")
    assert search(q) == [title]


def test_benefit_words_find_the_benefit(regions):
    JobPostingFactory(title="普工", provides_meals=True, provides_housing=False)
    JobPostingFactory(title="操作工", provides_meals=False, provides_housing=True)
    assert search("管饭") == ["普工"]
    assert search("提供住宿") == ["操作工"]


@pytest.mark.parametrize(
    ("q", "floor"),
    [("5000以上", 5000), ("月薪6千", 6000), ("八千", 8000), ("六千五", 6500), ("1.2万", 12000), ("6k", 6000)],
)
def test_wage_words_read_as_a_wage_floor(q, floor, regions):
    read = read_query(q)
    assert read.wage_floor == floor
    assert read.terms == ()


def test_a_bare_number_stays_a_word():
    assert read_query("司机6500").wage_floor is None


def test_a_wage_floor_filters_by_the_top_of_the_wage_range(regions):
    JobPostingFactory(title="普工", wage_min=4000, wage_max=5500)
    JobPostingFactory(title="操作工", wage_min=6000, wage_max=7000)
    assert search("普工 6千以上") == ["操作工"]


def test_daily_pay_finds_the_postings_paid_by_the_day(regions):
    JobPostingFactory(title="装卸工", pay_notes="日结，每天200元")
    JobPostingFactory(title="小工", pay_notes="当天结算")
    JobPostingFactory(title="普工", pay_notes="月结")
    assert sorted(search("日结")) == ["小工", "装卸工"]


def test_words_that_say_nothing_about_the_job_are_not_conditions(regions):
    JobPostingFactory(title="保洁员")
    assert search("找保洁工作") == ["保洁员"]


def test_the_everyday_file_reads_groups_one_way_lines_and_ignored_words():
    words = parse_everyday("保洁 清洁\n做饭 -> 厨师 帮厨\n忽略: 找 工作\n")
    assert words.related_words("清洁") == ("保洁",)
    assert words.related_words("做饭") == ("厨师", "帮厨")
    assert words.related_words("厨师") == ("帮厨",)
    assert words.ignored == {"找", "工作"}


# 4. Pinyin and near misses


def test_pinyin_and_initials_find_the_words_they_spell(regions):
    assert "保洁" in words_for_pinyin("baojie")
    assert "普工" in words_for_pinyin("pugong")
    assert "普工" in words_for_pinyin("pg")
    JobPostingFactory(title="普工")
    JobPostingFactory(title="保洁员", occupation="cleaning", description="商场清扫")
    assert search("pugong") == ["普工"]
    assert search("pg") == ["普工"]
    assert search("baojie") == ["保洁员"]


def test_pinyin_also_spells_the_words_of_the_titles_on_offer(regions):
    JobPostingFactory(title="理货员", occupation="courier", description="仓库")
    cache.delete(TITLE_WORDS_KEY)
    assert words_for_pinyin("lihuoyuan") == ("理货员",)
    assert search("lihuoyuan") == ["理货员"]


def test_a_homophone_typo_suggests_the_word_it_sounds_like():
    assert near_words("保结")[0] == "保洁"


def test_a_word_one_character_off_suggests_the_known_words_changed_added_or_removed():
    assert "电子厂" in near_words("电子广")  # changed (guang is not chang)
    assert "缝纫工" in near_words("缝纫工人")  # one too many
    assert "缝纫工" in near_words("缝工", limit=50)  # one missing
    assert "缝纫" not in near_words("缝纫")  # the word itself is no suggestion
    assert near_words("货车司机帮手") == []  # two off


def test_nothing_found_offers_the_near_words_that_would_find_something(regions):
    JobPostingFactory(title="保洁员", occupation="cleaning")
    page = posting_search(filters=PostingFilters(q="保结"))
    assert page.postings == []
    assert [word for word, _q in page.suggestions] == ["保洁"]


def test_near_words_are_offered_in_a_place_that_has_postings_and_not_in_one_that_has_none(regions):
    JobPostingFactory(title="保洁员", occupation="cleaning", work_region_id="431322")
    JobPostingFactory(title="保洁员", occupation="cleaning", work_region_id="441900")  # 东莞市, without counties
    in_xinhua = posting_search(filters=PostingFilters(q="新化 保结"))
    assert in_xinhua.count == 0
    assert [word for word, _q in in_xinhua.suggestions] == ["保洁"]
    assert posting_search(filters=PostingFilters(q="浏阳 保结")).suggestions == []
    # A province or a city is a lexeme of the text query: the same answers.
    assert [word for word, _q in posting_search(filters=PostingFilters(q="广东 保结")).suggestions] == ["保洁"]
    assert [word for word, _q in posting_search(filters=PostingFilters(q="东莞 保结")).suggestions] == ["保洁"]
    assert posting_search(filters=PostingFilters(q="四川 保结")).suggestions == []


def test_a_near_word_that_names_a_place_is_not_offered_as_the_word_meant(regions):
    JobPostingFactory(title="普宁电子厂", work_region_id="445281")  # 普宁市, 广东
    cache.delete(TITLE_WORDS_KEY)
    assert "普宁" in near_words("普工")
    page = posting_search(filters=PostingFilters(q="新化 普工"))
    assert page.count == 0
    assert page.suggestions == []


def test_nothing_in_the_county_offers_its_province_with_the_count(regions):
    for _ in range(3):
        JobPostingFactory(title="保洁员", occupation="cleaning", work_region_id="430181")
    page = posting_search(filters=PostingFilters(q="新化 保洁"))
    assert page.count == 0
    assert page.wider.region.name == "湖南省"
    assert page.wider.count_display == "3"


def test_the_wider_place_counts_to_a_hundred_and_says_more(regions):
    employer = JobPostingFactory(title="保洁员", occupation="cleaning", work_region_id="430181").employer
    JobPostingFactory.create_batch(
        WIDER_COUNT_LIMIT, title="保洁员", occupation="cleaning", work_region_id="430181", employer=employer
    )
    page = posting_search(filters=PostingFilters(q="新化 保洁"))
    assert page.wider.region.name == "湖南省"
    assert (page.wider.count, page.wider.count_display) == (100, "100+")


def test_relevance_pages_keep_their_order_across_tiers(regions):
    newer_first(
        ("普工", {}),
        ("保洁员", {"occupation": "cleaning"}),
        ("清洁工", {"occupation": "cleaning"}),
        ("电子厂普工", {"description": "兼做保洁"}),
    )
    filters = PostingFilters(q="保洁", sort=Sort.RELEVANCE)
    seen, cursor = [], None
    while True:
        page = posting_search(filters=filters, cursor=cursor, page_size=1)
        seen += [posting.title for posting in page.postings]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == search("保洁") == ["保洁员", "清洁工", "电子厂普工"]


@pytest.mark.parametrize("window", [1, 2, 100])
@pytest.mark.parametrize("limit", [1, 4])
def test_a_large_search_reads_its_tiers_in_the_same_order_as_a_small_one(regions, monkeypatch, window, limit):
    """Above COUNT_LIMIT matches the tiers are read one by one (a window of the newest, then the text index); with a
    limit of 4 the words as typed (4 postings) are a small search, the words with their related ones (6) not."""
    newer_first(
        ("电子厂普工", {"description": "包住，车间保洁"}),
        ("保洁员", {"occupation": "cleaning", "description": "包住"}),
        ("清洁工", {"occupation": "cleaning", "description": "提供住宿"}),
        ("保安", {"occupation": "security", "description": "宿舍，协助保洁"}),
        ("小区保洁", {"occupation": "cleaning", "description": "包住"}),
        ("保洁 包住", {"occupation": "cleaning"}),
    )
    small = search("保洁 包住")
    monkeypatch.setattr("jobs.selectors.search.COUNT_LIMIT", limit)
    monkeypatch.setattr("jobs.ranking.WINDOW", window)
    assert search("保洁 包住") == small
    assert small[:3] == ["保洁 包住", "保洁员", "小区保洁"]


def test_the_tiers_of_every_word_as_typed_are_the_first_and_the_last_of_the_ladder():
    assert typed_tiers(read_query("做饭")) == [True, False, True, False]
    # 2 words: both in the title as typed, then through related words; one of them, each way; both in the text.
    assert typed_tiers(read_query("保洁 包住")) == [True, False, False, False, True, False]
    assert typed_tiers(read_query("朝阳 保安")) == [True, False, True, False] * 2


def test_the_re_index_gives_postings_saved_before_their_title_marks_in_batches(regions):
    from jobs.models import JobPosting
    from jobs.services import postings_reindex

    for title in ("厨师帮工", "物业保洁员", "食堂厨师"):
        JobPostingFactory(title=title)
    JobPosting.objects.update(search_tokens=["旧"])  # as indexed by an older version
    assert search("厨") == []
    assert postings_reindex(batch_size=2) == 3
    assert sorted(search("厨")) == ["厨师帮工", "食堂厨师"]
