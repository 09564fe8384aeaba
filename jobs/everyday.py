"""The words job seekers type, read once per process: everyday words (everyday.txt), pinyin and near misses.

`everyday.txt` maps what people say (做饭, 带娃, 管饭) to what postings say (厨师, 育婴员, 包吃). It is applied to the
query, never to the index, so a change needs no re-index. The pinyin table is computed once, over every word of
the two dictionaries and the occupations' names, so that `baojie`, `pugong` and their initials `bj`, `pg` read as
保洁 and 普工 without any pinyin work per request.
"""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from jobs.models import Occupation
from jobs.search import DICTIONARY

EVERYDAY = Path(__file__).with_name("everyday.txt")
_IGNORE_PREFIX = "忽略:"
_ONE_WAY = "->"


@dataclass
class Everyday:
    related: dict = field(default_factory=dict)  # word -> the other words it also finds, in the file's order
    ignored: frozenset = frozenset()
    words: tuple = ()  # every word of the file, longest first (for reading them out of a query)

    def related_words(self, word):
        return self.related.get(word, ())


def parse_everyday(text):
    related, ignored, words = {}, set(), []

    def relate(word, others):
        known = related.setdefault(word, [])
        known += [other for other in others if other != word and other not in known]

    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(_IGNORE_PREFIX):
            ignored.update(line.removeprefix(_IGNORE_PREFIX).split())
            continue
        left, _arrow, right = line.partition(_ONE_WAY)
        left_words, right_words = left.split(), right.split()
        for word in left_words:
            relate(word, left_words + right_words)
        for word in right_words:
            relate(word, right_words)
        words += left_words + right_words
    return Everyday(
        related={word: tuple(others) for word, others in related.items()},
        ignored=frozenset(ignored),
        # The ignored words too, so that 急招司机 is read as 急招 and 司机, not 急, 招 and 司机.
        words=tuple(sorted(set(words) | ignored, key=len, reverse=True)),
    )


@cache
def everyday():
    return parse_everyday(EVERYDAY.read_text(encoding="utf-8"))


def _dictionary_words():
    lines = DICTIONARY.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def vocabulary():
    """The words a query is checked against for pinyin and near misses: both dictionaries and the occupations."""
    words = {*_dictionary_words(), *everyday().words, *(str(label) for label in Occupation.labels)}
    return tuple(sorted(word for word in words if len(word) >= 2))


def pinyin_of(word):
    return "".join(lazy_pinyin(word))


def initials_of(word):
    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))


@cache
def _spellings():
    return {word: pinyin_of(word) for word in vocabulary()}


@cache
def pinyin_table():
    """Full pinyin (baojie) and initials (bj) -> the words spelled so, computed once per process."""
    table = {}
    for word in vocabulary():
        for spelling in (pinyin_of(word), initials_of(word)):
            table.setdefault(spelling, []).append(word)
    return {spelling: tuple(words) for spelling, words in table.items()}


def words_for_pinyin(latin):
    """The words `latin` spells in pinyin or initials (pugong, pg -> 普工), or () when it spells none."""
    return pinyin_table().get(latin.lower(), ())


def near_words(word, *, limit=5):
    """Known words a mistyped `word` may have meant: the same pinyin first (保结 -> 保洁), then one character off."""
    if not word:
        return []
    spelled = pinyin_of(word)
    same_sound = [known for known, sound in _spellings().items() if known != word and sound == spelled]
    one_off = [known for known in vocabulary() if known != word and _one_edit_apart(known, word)]
    return list(dict.fromkeys(same_sound + one_off))[:limit]


def _one_edit_apart(first, second):
    """One character changed, added or removed (and at least one character in common)."""
    if abs(len(first) - len(second)) > 1 or not set(first) & set(second):
        return False
    if len(first) == len(second):
        return sum(a != b for a, b in zip(first, second, strict=True)) == 1
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
