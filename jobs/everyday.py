"""The words job seekers type, read once per process: everyday words (everyday.txt), pinyin and near misses.

`everyday.txt` maps what people say (做饭, 带娃, 管饭) to what postings say (厨师, 育婴员, 包吃). It is applied to the
query, never to the index, so a change needs no re-index. The pinyin table is computed once per process, over every word
of the two dictionaries, the occupations' names and the words of the titles on offer (gathered once an hour into
the shared cache), so that `baojie`, `pugong` and their initials `bj`, `pg` read as 保洁 and 普工 without any
pinyin work per request.
"""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.core.cache import cache as shared_cache
from pypinyin import Style, lazy_pinyin

from jobs.models import JobPosting, Occupation, PostingStatus
from jobs.search import DICTIONARY, query_tokens

EVERYDAY = Path(__file__).with_name("everyday.txt")
TITLE_WORDS_KEY = "jobs:search-title-words"
TITLE_WORDS_SECONDS = 60 * 60
# Distinct titles read for their words: titles repeat (普工, 保洁员), so this covers what is on offer.
TITLE_SAMPLE = 20_000
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
def dictionary_words():
    """The words of both dictionaries and the occupations' names (not the titles: see `vocabulary`)."""
    words = {*_dictionary_words(), *everyday().words, *(str(label) for label in Occupation.labels)}
    return frozenset(word for word in words if len(word) >= 2) - everyday().ignored


def title_words():
    """The words of the titles of published postings (氩弧焊, 理货员 ...), from the shared cache, read hourly."""
    words = shared_cache.get(TITLE_WORDS_KEY)
    if words is None:
        titles = (
            JobPosting.objects.filter(status=PostingStatus.PUBLISHED)
            .order_by()
            .values_list("title", flat=True)
            .distinct()[:TITLE_SAMPLE]
        )
        words = sorted({word for title in titles for word in query_tokens(title) if len(word) >= 2})
        shared_cache.set(TITLE_WORDS_KEY, words, timeout=TITLE_WORDS_SECONDS)
    return words


_tables = {"title_words": None, "by_sound": {}, "by_deletion": {}, "spellings": {}}


def _deletions(word):
    """`word` and each way of taking one character out of it: two words one edit apart share at least one."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _table():
    """The known words by pinyin, by initials and by deletion (for near misses), rebuilt in
    this process when the title words change: a lookup per request, never a pass over the vocabulary."""
    titles = title_words()
    if titles != _tables["title_words"]:
        vocabulary = sorted(dictionary_words() | set(titles))
        sounds = {word: pinyin_of(word) for word in vocabulary}
        by_sound, by_deletion, spellings = {}, {}, {}
        for word in vocabulary:
            by_sound.setdefault(sounds[word], []).append(word)
            for key in _deletions(word):
                by_deletion.setdefault(key, []).append(word)
            for spelling in (sounds[word], initials_of(word)):
                spellings.setdefault(spelling, []).append(word)
        _tables.update(title_words=titles, by_sound=by_sound, by_deletion=by_deletion, spellings=spellings)
    return _tables


def pinyin_of(word):
    return "".join(lazy_pinyin(word))


def initials_of(word):
    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))


def words_for_pinyin(latin):
    """The words `latin` spells in pinyin or initials (pugong, pg -> 普工), or () when it spells none."""
    return tuple(_table()["spellings"].get(latin.lower(), ()))


def near_words(word, *, limit=5):
    """Known words a mistyped `word` may have meant: the same pinyin first (保结 -> 保洁), then one character off,
    each in the order of the vocabulary (the dictionaries, occupations and title words, sorted)."""
    if not word:
        return []
    table = _table()
    same_sound = table["by_sound"].get(pinyin_of(word), [])
    sharing_a_deletion = {known for key in _deletions(word) for known in table["by_deletion"].get(key, ())}
    one_off = sorted(known for known in sharing_a_deletion if _one_edit_apart(known, word))
    return [known for known in dict.fromkeys(same_sound + one_off) if known != word][:limit]


def _one_edit_apart(first, second):
    """One character changed, added or removed (and at least one character in common)."""
    if abs(len(first) - len(second)) > 1 or not set(first) & set(second):
        return False
    if len(first) == len(second):
        return sum(a != b for a, b in zip(first, second, strict=True)) == 1
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
