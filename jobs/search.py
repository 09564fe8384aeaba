"""Chinese search: text to tokens, the same way for postings and for queries.

Chinese has no spaces, so text is cut into words by rjieba (jieba's Rust port) with our own dictionary of
labour-market words (`dictionary.txt`) on top of jieba's. Postings store their tokens as a PostgreSQL tsvector
(GIN-indexed); a query is cut the same way and matched as an AND of its tokens. Both sides do what the `simple`
text-search configuration does (lower-case, no stemming, no stop words), in Python, so that the index, the
bulk generator (which writes tsvector literals through COPY) and the query agree exactly.

Four kinds of lexeme are stored per posting:
- every word of the search mode cut of its texts (电子厂 gives 电子 and 电子厂);
- the code of its work place at each level, with `PLACE_MARK` in front (`@43`, `@4301`, `@430181`): a place filter
  with words is then one more lexeme for the text index, which meets the words' long lists only where the place's
  short one allows, instead of intersecting every match of a common word in China with a province's ten thousands;
- its title's words and single characters again with `TITLE_MARK` in front, so that "this word is in the title"
  is one more indexed lexeme (relevance puts those first) rather than a weight the GIN index cannot filter on;
- every single character of its title, so that one-character queries (厨) find 厨师 and 帮厨, and with the mark,
  rank them above postings that only mention 厨 in their description (后厨).
HMM guessing of unknown words is off: it joins characters differently depending on their neighbours, and a
word must be cut the same way inside a posting and alone in a query.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rjieba

from core.regions.models import SIGNIFICANT_DIGITS

TITLE_MARK = "_"
# Never part of a word read from a text (see `_RUN`), so a place code cannot be matched by anything typed.
PLACE_MARK = "@"
DICTIONARY = Path(__file__).with_name("dictionary.txt")
# A frequency well above any of jieba's own, so that our words win over the default dictionary's splits.
DOMAIN_WORD_FREQUENCY = 1_000_000

# Runs of Han characters are segmented; runs of Latin letters (with trailing digits: c1, cnc) and of digits are
# tokens as they are; everything else (punctuation, spaces, symbols) separates tokens.
_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z]+[0-9]*|[0-9]+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _load_segmenter():
    segmenter = rjieba.Jieba()
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if word and not word.startswith("#"):
            segmenter.add_word(word, DOMAIN_WORD_FREQUENCY, None)
    return segmenter


_segmenter = _load_segmenter()


@lru_cache(maxsize=65536)
def _cut_run(run, for_search):
    if not _HAN.match(run):
        return (run,)
    words = _segmenter.cut_for_search(run, False) if for_search else _segmenter.cut(run, False)
    return tuple(words)


def _words(text, *, for_search):
    words = []
    for run in _RUN.findall(text.lower()):
        words.extend(_cut_run(run, for_search))
    return words


def query_tokens(text):
    """The distinct words of a search query, in order: 电子厂普工 -> (电子厂, 普工); 浏阳 包住 -> (浏阳, 包住)."""
    return tuple(dict.fromkeys(_words(text, for_search=False)))


def document_lexemes(*, title, texts):
    """The lexemes a posting is found by: its title (words and characters, plain and marked) and `texts`."""
    title_words = {*_words(title, for_search=True), *_HAN.findall(title.lower())}
    lexemes = set(title_words)
    lexemes.update(TITLE_MARK + word for word in title_words)
    for text in texts:
        lexemes.update(_words(text, for_search=True))
    return sorted(lexemes)


def place_lexemes(code):
    """The lexemes of a work place's code, one per level down to its own: 430181 -> @43, @4301, @430181."""
    return [PLACE_MARK + code[:digits] for digits in SIGNIFICANT_DIGITS.values() if digits <= len(code)]


def place_lexeme(region):
    """The lexeme every posting in `region` holds (`place_lexemes` of its code)."""
    return Lexeme(PLACE_MARK + region.prefix)


@dataclass(frozen=True)
class Lexeme:
    """A document holds this lexeme (`title=True`: in its title)."""

    text: str
    title: bool = False

    def tsquery(self):
        return f"'{TITLE_MARK if self.title else ''}{self.text}'"

    def like_sql(self, lhs, lhs_params):
        """The same test for SQLite, where the lexemes are a space-delimited text column."""
        return f"{lhs} LIKE %s", [*lhs_params, f"% {TITLE_MARK if self.title else ''}{self.text} %"]


@dataclass(frozen=True)
class _Group:
    parts: tuple

    def tsquery(self):
        if len(self.parts) == 1:
            return self.parts[0].tsquery()
        return "(" + self.JOIN.join(part.tsquery() for part in self.parts) + ")"

    def like_sql(self, lhs, lhs_params):
        clauses, params = [], []
        for part in self.parts:
            sql, part_params = part.like_sql(lhs, lhs_params)
            clauses.append(sql)
            params += part_params
        return "(" + f" {self.SQL_JOIN} ".join(clauses) + ")", params


class AllOf(_Group):
    """Every part holds."""

    JOIN = " & "
    SQL_JOIN = "AND"


class AnyOf(_Group):
    """At least one part holds."""

    JOIN = " | "
    SQL_JOIN = "OR"


@dataclass(frozen=True)
class NoneOf:
    """The part does not hold."""

    part: object

    def tsquery(self):
        return f"!{self.part.tsquery()}"

    def like_sql(self, lhs, lhs_params):
        sql, params = self.part.like_sql(lhs, lhs_params)
        return f"NOT {sql}", params


def all_of(lexemes, *, title=False):
    """A document holding every one of `lexemes` (the words of a phrase; all in the title with `title`)."""
    return AllOf(tuple(Lexeme(lexeme, title) for lexeme in lexemes))


class TokenQuery:
    """One tsquery for the GIN index, built of `Lexeme`, `AllOf`, `AnyOf` and `NoneOf`.

    One tsquery rather than several conditions, because PostgreSQL estimates each `@@` as if independent of the
    others, and "采茶 in the title" and "采茶 anywhere" are anything but: the product of the two made it expect 600
    rows out of 18,000 and pick a plan thirty times slower.
    """

    def __init__(self, expression=None, *, all_of=()):
        self.expression = expression if expression is not None else AllOf(tuple(Lexeme(word) for word in all_of))

    def tsquery(self):
        return self.expression.tsquery()


def tsvector_literal(lexemes):
    """A tsvector's text form. Lexemes are Han characters, digits or a-z (see `_RUN`), perhaps behind a mark, so
    need no escaping."""
    return " ".join(f"'{lexeme}'" for lexeme in lexemes)
