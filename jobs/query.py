"""What a job seeker typed, read as a search: its place, its wage, and its words with the other words they mean.

    去新化做保洁      -> place 新化县 (a filter), words: 保洁 (or 清洁, 保洁员, 清洁工, ranked below 保洁 itself)
    做饭 包住 月薪6千 -> words: 做饭 (or 厨师, 炊事员, 面点师, 帮厨), 包住 (or 提供住宿 ...); monthly wage from 6,000
    朝阳 保安         -> 朝阳 is four places (districts of 北京 and 长春, a city of 辽宁): ranked first, not a filter
    pugong, pg        -> 普工

Reading order: wages, then places, then the everyday words (longest first), then the segmenter for what is left;
words that say nothing about the job (找, 招聘, 工作 ...: `忽略:` in everyday.txt) are dropped.
"""

import re
import unicodedata
from dataclasses import dataclass

from core.regions.models import Region
from jobs.everyday import dictionary_words, everyday, words_for_pinyin
from jobs.places import gazetteer
from jobs.search import AllOf, AnyOf, all_of, query_tokens

# Words that only link a place to the rest of the query: 去东莞, 在长沙, 到新化 (and 做 in 去东莞做普工).
_LINKING_WORDS = frozenset({"去", "在", "到", "做", "干", "来"})
_LATIN = re.compile(r"^[a-z]+$")
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_WAGE_WORDS = r"(?:月薪|工资|底薪|薪资|薪水|月入|收入|每月|一个月)"
_WAGE_AFTER = r"(?:以上|起步|起|\+|多|左右)"
# 5000以上, 月薪6千, 6k, 1.2万, 月薪 5000: a number with a wage word, a unit or a "from" after it. A bare number
# (司机6500) stays a word, as it may be anything (a licence class, a street number).
_WAGE_DIGITS = re.compile(
    rf"(?P<before>{_WAGE_WORDS})?\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>k|千|万|w)?\s*(?:元|块)?\s*(?P<after>{_WAGE_AFTER})?"
)
# 八千, 六千五, 一万二, 月薪五千以上: Chinese numerals are always a wage in a job search.
_WAGE_CHINESE = re.compile(
    rf"{_WAGE_WORDS}?(?P<lead>[一二两三四五六七八九])(?P<unit>[千万])(?P<next>[一二三四五六七八九])?{_WAGE_AFTER}?"
)
_UNITS = {"k": 1000, "千": 1000, "w": 10000, "万": 10000}
# What a monthly wage can be: anything else read from a query is not a wage (月薪6 is a typo, not 6 yuan).
_WAGE_RANGE = range(1000, 100_001)


@dataclass(frozen=True)
class Term:
    """One word of the query: postings must hold it (`exact`) or one of the words it means (`related`).

    Each is a tuple of phrases, a phrase the lexemes of one word as the segmenter cuts it (提供住宿 may be 提供 住宿).
    """

    word: str
    exact: tuple
    related: tuple = ()

    def anywhere(self, *, title=False, exact_only=False):
        phrases = self.exact if exact_only else self.exact + self.related
        return AnyOf(tuple(all_of(phrase, title=title) for phrase in phrases))


@dataclass(frozen=True)
class ReadQuery:
    terms: tuple = ()
    place: Region | None = None  # the Region the query names without doubt: a filter
    place_text: str = ""  # as typed, to take it out of the query when it is undone
    boost: tuple[Region, ...] = ()  # the Regions a doubtful place name may mean: ranked first
    wage_floor: int | None = None

    def matches(self, *, exact_only=False):
        """Postings that hold every term (or, unless `exact_only`, a word it means)."""
        return AllOf(tuple(term.anywhere(exact_only=exact_only) for term in self.terms))


def normalised(q):
    return unicodedata.normalize("NFKC", q).lower().strip()


def read_query(q, *, places=True):
    """`q` as a search; with `places` off, place names are words like any other (the "undo" of the place filter)."""
    text = normalised(q)
    wage_floor, text = _read_wage(text)
    place, place_text, boost = None, "", ()
    if places:
        place, place_text, boost, text = _read_places(text)
    return ReadQuery(terms=_read_terms(text), place=place, place_text=place_text, boost=boost, wage_floor=wage_floor)


def _read_wage(text):
    floors = []

    def digits(match):
        if not (match["before"] or match["unit"] or match["after"]):
            return match[0]
        value = round(float(match["number"]) * _UNITS.get(match["unit"], 1))
        if value not in _WAGE_RANGE:
            return match[0]
        floors.append(value)
        return " "

    def chinese(match):
        unit = _UNITS[match["unit"]]
        value = _CHINESE_DIGITS[match["lead"]] * unit
        if match["next"]:
            value += _CHINESE_DIGITS[match["next"]] * unit // 10
        floors.append(value)
        return " "

    text = _WAGE_CHINESE.sub(chinese, text)
    text = _WAGE_DIGITS.sub(digits, text)
    return (max(floors) if floors else None), text


def _read_places(text):
    """The place filter (one place named without doubt, the innermost if several nest), boosts, and the rest."""
    found, rest = gazetteer(other_meanings=dictionary_words()).find(text)
    certain = [match for match in found if not match.ambiguous]
    doubtful = [region for match in found if match.ambiguous for region in match.regions]
    innermost = max(certain, key=lambda match: len(match.regions[0].prefix), default=None)
    if innermost and all(match.regions[0].contains(innermost.regions[0].code) for match in certain):
        return innermost.regions[0], innermost.text, tuple(doubtful), rest
    # Two places that do not nest (长沙 东莞): either may do, so both are ranked first rather than filtered.
    return None, "", tuple(doubtful + [match.regions[0] for match in certain]), rest


def _read_terms(text):
    words = everyday()
    terms, position, pending = [], 0, []
    # The everyday words first, longest first, so that 带娃 is one word and not 带 and 娃.
    while position < len(text):
        word = next((word for word in words.words if text.startswith(word, position)), None)
        if word is None:
            pending.append(text[position])
            position += 1
            continue
        terms += _segmented("".join(pending))
        pending = []
        terms.append(_term(word))
        position += len(word)
    terms += _segmented("".join(pending))
    unique = {}
    for term in terms:
        if term.word not in words.ignored and term.word not in _LINKING_WORDS:
            unique.setdefault(term.word, term)
    return tuple(unique.values())


def _segmented(text):
    return [_term(token) for token in query_tokens(text)]


def _term(word):
    related = everyday().related_words(word)
    if _LATIN.match(word):
        spelled = words_for_pinyin(word)
        if spelled:
            related = tuple(other for known in spelled for other in everyday().related_words(known))
            return _make(word, exact=(word, *spelled), related=related)
    return _make(word, exact=(word,), related=related)


def _make(word, *, exact, related):
    exact_phrases = tuple(dict.fromkeys(query_tokens(each) for each in exact))
    related_phrases = tuple(
        phrase for phrase in dict.fromkeys(query_tokens(each) for each in related) if phrase not in exact_phrases
    )
    return Term(word=word, exact=tuple(p for p in exact_phrases if p), related=tuple(p for p in related_phrases if p))
