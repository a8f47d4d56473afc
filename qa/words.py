"""What a word is, in one place: the word patterns of the document model and the rules, and the
English stop-word lists (``rules/data/stopwords.txt``).

The patterns differ on purpose (each is the unit its rules were tuned on); a rule reads the one it
names here instead of writing its own:

* ``WORD_RE``: a run of word characters with inner apostrophes or hyphens ("city’s",
  "well-known", "2019"): ``Document.words``, the headline rules' body words;
* ``LETTER_DIGIT_WORD_RE``: the same without the underscore (``[^\\W_]``): the page-layout
  features (``qa.checks.boilerplate_layout``), read on lower-cased lines;
* ``ASCII_WORD_RE``: letters a-z and A-Z with inner apostrophes or hyphens: headline words;
* ``TOKEN_RE``: a bare run of word characters (``\\w+``): word counts of the language rules and
  of the English-only scope;
* ``LETTER_WORD_RE``: letters of any script with inner apostrophes, no digits: the words the
  garble model is trained on (``qa.garble``); ``PLAIN_WORD_RE``, the same with inner hyphens and
  periods and a final apostrophe, is a token the garble score reads as a word;
* ``SHINGLE_WORD_RE``: one Chinese, Japanese or Korean character, or a run of other letters and
  digits: the words of near-duplicate signatures (``qa.minhash``);
* ``EN_FUNCTION_RE``: a word of the ``en_function`` stop-word list, any case.

``stopwords(name)`` is one named list of ``rules/data/stopwords.txt`` (``layout``, ``headline``,
``en_function``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa import ruledata
from qa.fastpath import trie_alternation
from qa.lazyre import lazy_compile

WORD_RE = re.compile(r"\w+(?:['’\-]\w+)*")
LETTER_DIGIT_WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
ASCII_WORD_RE = re.compile(r"[A-Za-z]+(?:['’\-][A-Za-z]+)*")
TOKEN_RE = re.compile(r"\w+")
LETTER_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
PLAIN_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-.][^\W\d_]+)*['’]?")
#: one white-space character: ``\s`` is ``str.isspace``, the white space ``str.split`` splits at
#: (a long text is cut there into pieces whose words are the text's words)
SPACE_RE = re.compile(r"\s")
#: scripts written without spaces between words (kana, CJK ideographs, Hangul)
CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
#: (compiled on first use: its character ranges take milliseconds, and only the duplicate rules read it)
SHINGLE_WORD_RE = lazy_compile(f"[{CJK_CHARS}]|[^\\W_{CJK_CHARS}]+")


def stopwords(name: str) -> frozenset[str]:
    """The stop-word list ``name`` of ``rules/data/stopwords.txt`` (lower case)."""
    return ruledata.tagged("stopwords", name)


@lru_cache(maxsize=1)
def en_function_re() -> re.Pattern[str]:
    """A word of the ``en_function`` list, any case, between word boundaries (written as a trie,
    ``qa.fastpath.trie_alternation``: twice as fast as the flat list)."""
    return re.compile(rf"\b(?:{trie_alternation(sorted(stopwords('en_function')))})\b", re.IGNORECASE)
