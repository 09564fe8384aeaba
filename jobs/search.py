"""Chinese search: text to tokens, the same way for postings and for queries.

Chinese has no spaces, so text is cut into words by rjieba (jieba's Rust port) with our own dictionary of
labour-market words (`dictionary.txt`) on top of jieba's. Postings store their tokens as a PostgreSQL tsvector
(GIN-indexed); a query is cut the same way and matched as an AND of its tokens. Both sides do what the `simple`
text-search configuration does (lower-case, no stemming, no stop words), in Python, so that the index, the
bulk generator (which writes tsvector literals through COPY) and the query agree exactly.

Three kinds of lexeme are stored per posting:
- every word of the search mode cut of its texts (电子厂 gives 电子 and 电子厂);
- its title's words again with `TITLE_MARK` in front, so that "the query is in the title" is one more indexed
  lexeme (relevance puts those first) rather than a weight the GIN index cannot filter on;
- every single character of its title, so that one-character queries (厨) find 厨师 and 帮厨.
HMM guessing of unknown words is off: it joins characters differently depending on their neighbours, and a
word must be cut the same way inside a posting and alone in a query.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rjieba

TITLE_MARK = "_"
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
    """The lexemes a posting is found by: its title (marked, and character by character) and `texts`."""
    title_words = _words(title, for_search=True)
    lexemes = set(title_words)
    lexemes.update(TITLE_MARK + word for word in title_words)
    lexemes.update(_HAN.findall(title))
    for text in texts:
        lexemes.update(_words(text, for_search=True))
    return sorted(lexemes)


def title_lexemes(tokens):
    return tuple(TITLE_MARK + token for token in tokens)


@dataclass(frozen=True)
class TokenQuery:
    """Documents holding every lexeme of `all_of` and not every lexeme of `none_of` (when it is given).

    One tsquery rather than two conditions, because PostgreSQL estimates each `@@` as if independent of the
    others, and "采茶 in the title" and "采茶 anywhere" are anything but: the product of the two made it expect 600
    rows out of 18,000 and pick a plan thirty times slower.
    """

    all_of: tuple
    none_of: tuple = ()

    def tsquery(self):
        query = " & ".join(f"'{lexeme}'" for lexeme in self.all_of)
        if self.none_of:
            query += " & !(" + " & ".join(f"'{lexeme}'" for lexeme in self.none_of) + ")"
        return query


def tsvector_literal(lexemes):
    """A tsvector's text form. Lexemes are Han characters, digits or a-z only (see `_RUN`), so need no escaping."""
    return " ".join(f"'{lexeme}'" for lexeme in lexemes)
