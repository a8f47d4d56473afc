"""Garble score: how unlike ordinary words a sentence's words are, under a SentencePiece model.

The shipped model ``qa/data/garble_en.model`` is a SentencePiece unigram model (4,000 pieces,
byte fallback) trained on a ``word<TAB>count`` list: the 50,000 most frequent English words of the
``wordfreq`` package (data CC BY-SA 4.0, by Robyn Speer and contributors), each with its frequency
scaled to a count. ``qa train-garble`` retrains it on your own corpus (same settings); point
MT104's ``model`` option at the result.

For each word that is not a name (capitalised words and acronyms are skipped unless they hold
mojibake) the cost is the
model's negative log-probability of its best segmentation; a sentence's score is the summed cost
divided by the summed length (nats per character), reported with the share of words that need four
or more pieces. Ordinary English scores about 1.5-2.5; mojibake ("Ã©",
"â€™"), character noise and strings of non-words score far higher. Word salad made of real words
is out of reach of a unigram model (every word is fine on its own).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_MODEL = DATA_DIR / "garble_en.model"
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

TRAIN_ARGS = dict(
    model_type="unigram",
    vocab_size=4000,
    character_coverage=1.0,
    byte_fallback=True,
    input_format="tsv",
    num_threads=1,
    split_digits=True,
    max_sentencepiece_length=12,
    minloglevel=2,
)


@dataclass(frozen=True, slots=True)
class SentenceScore:
    score: float  # mean nats per character over the words
    long_share: float  # share of words needing >= 4 pieces
    n_words: int
    worst: tuple[str, ...]  # the highest-scoring words, worst first


@lru_cache(maxsize=4)
def load_model(path: str | None = None):
    import sentencepiece as spm

    p = Path(path) if path else DEFAULT_MODEL
    if not p.is_file():
        raise FileNotFoundError(f"garble model not found: {p}")
    sp = spm.SentencePieceProcessor()
    sp.Load(str(p))
    return sp


def normalise(word: str) -> str:
    return unicodedata.normalize("NFKC", word).lower().replace("’", "'")


@lru_cache(maxsize=100_000)
def _word_cost(word: str, path: str | None) -> tuple[float, int]:
    sp = load_model(path)
    ids = sp.EncodeAsIds(word)
    if not ids:
        return 0.0, 0
    # piece scores of a unigram model are log-probabilities; the first piece carries the "▁" marker
    cost = -sum(sp.GetScore(i) for i in ids)
    return cost / max(len(word), 1), len(ids)


# mojibake: UTF-8 read as Latin-1 / Windows-1252 ("Ã©", "â€™", "Â ")
_MOJIBAKE_RE = re.compile("[ÃÂ][\u0080-\u00bf]|â€|Ã[^\\W\\d_]")


def score_words(words: Iterable[str], model: str | None = None) -> SentenceScore | None:
    """Score the words that are not names: capitalised words and acronyms are skipped (names are
    rare by nature), and so are one-letter words."""
    costs: list[tuple[float, str]] = []
    long_ = 0
    total = 0.0
    chars = 0
    for w in words:
        if len(w) < 2 or (w[0].isupper() and not _MOJIBAKE_RE.search(w)):
            continue  # names and acronyms are rare by nature; mojibake is not a name
        nw = normalise(w)
        c, n = _word_cost(nw, model)
        costs.append((c, w))
        total += c * len(nw)
        chars += len(nw)
        if n >= 4:
            long_ += 1
    if not costs:
        return None
    costs.sort(key=lambda x: -x[0])
    return SentenceScore(total / chars, long_ / len(costs), len(costs), tuple(w for _, w in costs[:3]))


_TOKEN_RE = re.compile(r"\S+")
# a word of letters (any script) with inner apostrophes or hyphens; formulas and symbols are not words
_PLAIN_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-.][^\W\d_]+)*['’]?")
_EDGE_PUNCT = ".,;:!?\"'()[]{}“”‘’«»—–-…*_/|<>"
_SKIP_TOKEN_RE = re.compile(r"\d|://|www\.|@|\.(?:com|org|net)\b|#", re.I)


def tokens(text: str) -> list[str]:
    """White-space tokens with edge punctuation stripped; web addresses, e-mail addresses,
    hashtags, tokens with digits and tokens with symbols (formulas) are left out, except
    mojibake, which is what the score is for."""
    out = []
    for m in _TOKEN_RE.finditer(text):
        t = m.group(0).strip(_EDGE_PUNCT)
        if t and not _SKIP_TOKEN_RE.search(t) and (_PLAIN_WORD_RE.fullmatch(t) or _MOJIBAKE_RE.search(t)):
            out.append(t.rstrip("'’"))
    return [t for t in out if t]


def score_text(text: str, model: str | None = None) -> SentenceScore | None:
    return score_words(tokens(text), model)


# --------------------------------------------------------------------------- training
def word_counts(texts: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for t in texts:
        counts.update(normalise(w) for w in _WORD_RE.findall(t))
    return counts


def wordfreq_counts(n: int = 50_000, lang: str = "en") -> Counter[str]:
    """The shipped model's training list: wordfreq's top ``n`` words with scaled counts."""
    from wordfreq import top_n_list, word_frequency

    out: Counter[str] = Counter()
    for w in top_n_list(lang, n):
        if _WORD_RE.fullmatch(w):
            out[normalise(w)] += max(1, int(word_frequency(w, lang) * 1e6))
    return out


def train(counts: Counter[str], out_prefix: str | Path, vocab_size: int | None = None) -> Path:
    """Train a unigram model from word counts; writes ``out_prefix.model`` and returns its path."""
    import tempfile

    import sentencepiece as spm

    if len(counts) < 50:
        raise ValueError(f"need at least 50 distinct words to train, got {len(counts)}")
    out_prefix = Path(out_prefix)
    if out_prefix.suffix == ".model":
        out_prefix = out_prefix.with_suffix("")
    out_prefix.parent.mkdir(parents=True, exist_ok=True)
    args = dict(TRAIN_ARGS)
    # every character and the 256 fallback bytes need a piece; a small corpus cannot fill a large
    # vocabulary (hard_vocab_limit=False lets SentencePiece stop short of it)
    floor = len(set("".join(counts))) + 256 + 3 + 16
    want = vocab_size or min(int(args["vocab_size"]), floor + len(counts) // 2)
    args["vocab_size"] = max(want, floor)
    args["hard_vocab_limit"] = False
    with tempfile.TemporaryDirectory() as tmp:
        tsv = Path(tmp) / "words.tsv"
        with tsv.open("w", encoding="utf-8") as fh:
            for w, c in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
                if "\t" not in w and "\n" not in w:
                    fh.write(f"{w}\t{c}\n")
        spm.SentencePieceTrainer.Train(input=str(tsv), model_prefix=str(out_prefix), **args)
    vocab = out_prefix.with_suffix(".vocab")
    if vocab.exists():
        vocab.unlink()
    load_model.cache_clear()
    _word_cost.cache_clear()
    return out_prefix.with_suffix(".model")
