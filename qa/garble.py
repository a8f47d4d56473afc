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

from qa.words import LETTER_WORD_RE, PLAIN_WORD_RE
from qa.warmup import loader

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_MODEL = DATA_DIR / "garble_en.model"
_WORD_RE = LETTER_WORD_RE

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


# mojibake: UTF-8 read as Latin-1 / Windows-1252 ("Ã©", "â€™", "Â ")
_MOJIBAKE_RE = re.compile("[ÃÂ][\u0080-\u00bf]|â€|Ã[^\\W\\d_]")
# the caches of a scorer are emptied when they outgrow this many entries (memory stays bounded)
_MAX_CACHE = 1_000_000
#: a line with more scored words than this is always scored (``_Scorer.line_may_reach``)
_MAX_LINE_WORDS = 1_000_000


def _by_cost(x: tuple[float, str]) -> float:
    return -x[0]


def _score_costs(costs: list[tuple[float, str]], total: float, chars: int, long_: int) -> SentenceScore | None:
    if not costs:
        return None
    costs.sort(key=_by_cost)
    return SentenceScore(total / chars, long_ / len(costs), len(costs), tuple(w for _, w in costs[:3]))


def score_words(words: Iterable[str], model: str | None = None) -> SentenceScore | None:
    """Score the words that are not names: capitalised words and acronyms are skipped (names are
    rare by nature), and so are one-letter words."""
    scorer = _scorer(model)
    kept = [(w, normalise(w)) for w in words if not _is_skipped_word(w)]
    scorer.fill_costs({nw for _, nw in kept})
    cost = scorer.costs
    costs: list[tuple[float, str]] = []
    long_ = 0
    total = 0.0
    chars = 0
    for w, nw in kept:
        c, n = cost[nw]
        costs.append((c, w))
        total += c * len(nw)
        chars += len(nw)
        if n >= 4:
            long_ += 1
    return _score_costs(costs, total, chars, long_)


def _is_skipped_word(w: str) -> bool:
    # names and acronyms are rare by nature; mojibake is not a name
    return len(w) < 2 or (w[0].isupper() and not _MOJIBAKE_RE.search(w))


_TOKEN_RE = re.compile(r"\S+")
# a word of letters (any script) with inner apostrophes or hyphens; formulas and symbols are not words
_PLAIN_WORD_RE = PLAIN_WORD_RE
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


def _token_word(token: str) -> str | None:
    """The scored word of one white-space token (what ``tokens`` and ``score_words`` keep of it),
    or None when the token is left out or skipped."""
    t = token.strip(_EDGE_PUNCT)
    if not t:
        return None
    if t.isascii() and t.isalpha():  # plain ASCII letters: no symbols, digits, mojibake or apostrophes
        return None if len(t) < 2 or t[0].isupper() else t
    if _SKIP_TOKEN_RE.search(t) or not (_PLAIN_WORD_RE.fullmatch(t) or _MOJIBAKE_RE.search(t)):
        return None
    t = t.rstrip("'’")
    return None if _is_skipped_word(t) else t


def _direct_encoder(sp):
    """``lambda w: sp.encode(w, out_type=int)`` without the argument handling of the Python
    wrapper (half the cost of a short word): the extension's own ids method, with the model's
    defaults for sampling, BOS/EOS and reversal. Used only when it gives the wrapper's answer
    on a probe; otherwise (another sentencepiece version, a model with other defaults) the
    wrapper."""
    def public(w: str) -> list[int]:
        return sp.encode(w, out_type=int)

    try:
        raw = sp._processor._EncodeAsIds
        if sp._enable_sampling or sp._add_bos or sp._add_eos or sp._reverse:
            return public
        args = (False, sp._nbest_size, sp._alpha, False, False, False)

        def direct(w: str) -> list[int]:
            return raw(w, *args)

        probe = ["hello", "world", "zxqv", "naïve", "été", "don't", ""]
        if [direct(w) for w in probe] != [public(w) for w in probe]:
            return public
        return direct
    except Exception:  # noqa: BLE001 - not the sentencepiece this was written for
        return public


class _Scorer:
    """One model with its caches: word costs, and what each white-space token contributes.

    Words and tokens repeat a lot, so each distinct one is worked out once; new words are encoded in
    one SentencePiece call. The caches are emptied when they outgrow ``_MAX_CACHE`` entries."""

    def __init__(self, path: str | None) -> None:
        self.sp = load_model(path)
        self._piece_score = [self.sp.GetScore(i) for i in range(self.sp.GetPieceSize())].__getitem__
        self._encode_one = _direct_encoder(self.sp)
        self.costs: dict[str, tuple[float, int]] = {}  # normalised word -> (nats per char, pieces)
        # token -> (word, cost, normalised length, 1 if >= 4 pieces) or None when not scored
        self.info: dict[str, tuple[str, float, int, int] | None] = {}
        #: threshold -> token -> its excess and whether it is scored (``excess_of``)
        self.excess: dict[float, dict[str, float]] = {}
        #: threshold -> the largest (|cost| + |threshold|) * length of a word seen for it
        self._excess_max: dict[float, float] = {}

    def fill_costs(self, words: set[str]) -> None:
        missing = [w for w in words if w not in self.costs]
        if not missing:
            return
        if len(self.costs) + len(missing) > _MAX_CACHE:
            self.costs.clear()
            missing = list(words)
        score = self._piece_score
        costs = self.costs
        for w, ids in zip(missing, self._encode(missing)):
            # piece scores of a unigram model are log-probabilities; the first piece carries "▁"
            costs[w] = (-sum(map(score, ids)) / max(len(w), 1), len(ids)) if ids else (0.0, 0)

    def _encode(self, words: list[str]) -> list[list[int]]:
        """The piece ids of each word, as ``sp.encode(words)`` gives them, one call per word:
        SentencePiece's batch API starts a thread pool on every call, which costs more than the
        words (and makes each call wait for the pool), and words are not joined into one text
        (SentencePiece adds up a line's piece scores in single precision, so a long line can end
        in another segmentation of a word)."""
        encode = self._encode_one
        return [encode(w) for w in words]

    def _words_of(self, new: Iterable[str]) -> tuple[list[str], list[str], list[str], list[str]]:
        """The tokens ``new`` sorted out: (those not scored, those scored, their words, their
        normalised words), with the cost of every normalised word worked out (``costs``)."""
        skipped: list[str] = []
        kept: list[str] = []
        words: list[str] = []
        norms: list[str] = []
        for t in new:
            w = t.strip(_EDGE_PUNCT)
            if w.isascii() and w.isalpha():  # the common case, as in _token_word
                if len(w) < 2 or w[0].isupper():
                    skipped.append(t)
                else:
                    kept.append(t)
                    words.append(w)
                    norms.append(w.lower())  # NFKC keeps ASCII as is
                continue
            w = _token_word(t)
            if w is None:
                skipped.append(t)
            else:
                kept.append(t)
                words.append(w)
                norms.append(w.lower() if w.isascii() else normalise(w))
        self.fill_costs(set(norms))
        return skipped, kept, words, norms

    def ensure(self, toks: set[str]) -> None:
        """Work out every token of ``toks`` that is not in ``info`` yet."""
        info = self.info
        new = toks.difference(info)
        if not new:
            return
        if len(info) + len(new) > _MAX_CACHE:
            info.clear()
            new = toks
        skipped, kept, words, norms = self._words_of(new)
        info.update(dict.fromkeys(skipped))
        costs = self.costs
        for t, w, nw in zip(kept, words, norms):
            c, n = costs[nw]
            info[t] = (w, c, len(nw), 1 if n >= 4 else 0)

    def score_tokens(self, toks: list[str]) -> SentenceScore | None:
        """``score_words(tokens(text))`` for the white-space tokens of ``text``."""
        info = self.info
        if not all(map(info.__contains__, toks)):
            self.ensure(set(toks))
        costs: list[tuple[float, str]] = []
        long_ = 0
        total = 0.0
        chars = 0
        for t in toks:
            x = info[t]
            if x is None:
                continue
            w, c, n, lg = x
            costs.append((c, w))
            total += c * n
            chars += n
            long_ += lg
        return _score_costs(costs, total, chars, long_)

    def excess_of(self, toks: Iterable[str], threshold: float) -> dict[str, float]:
        """What each token of ``toks`` adds to a line's distance from ``threshold``, worked out
        for those not known yet: ``(cost - threshold) * length`` for a scored word, NaN for a
        token that is not scored. A line of tokens scores ``threshold`` or more exactly when the
        sum over its scored words is not negative (up to rounding, see ``line_may_reach``)."""
        exc = self.excess.get(threshold)
        if exc is None:
            exc = self.excess[threshold] = {}
            self._excess_max[threshold] = 0.0
        new = set(toks).difference(exc)
        if not new:
            return exc
        if len(exc) + len(new) > _MAX_CACHE:
            exc.clear()
            new = set(toks)
        skipped, kept, _words, norms = self._words_of(new)
        exc.update(dict.fromkeys(skipped, float("nan")))
        cs = [c for c, _n in map(self.costs.__getitem__, norms)]
        lens = list(map(len, norms))
        exc.update(zip(kept, [(c - threshold) * n for c, n in zip(cs, lens)]))
        t_abs = abs(threshold)
        # (|cost| + |threshold|) * length bounds |excess|, cost * length and threshold * length
        top = max([(abs(c) + t_abs) * n for c, n in zip(cs, lens)], default=0.0)
        if top > self._excess_max[threshold]:
            self._excess_max[threshold] = top
        return exc

    def line_may_reach(self, toks: list[str], threshold: float, min_words: int) -> bool:
        """False only when ``score_tokens(toks)`` is ``None``, holds fewer than ``min_words``
        scored words or scores below ``threshold``: one sum over the tokens' excesses
        (``excess_of``) instead of scoring the line.

        The score is at least the threshold exactly when the summed excess is not negative. The
        margin covers the rounding of this sum and of the score's own (``n`` terms each, ``n`` the
        scored words, every term at most ``M`` = the largest ``(cost + threshold) * length`` of a
        word known: an error below ``n * n * M * 2**-52``, under ``1e-9 * n * M`` for ``n`` up to
        ``_MAX_LINE_WORDS``), so the test never rules out a line that ``score_tokens`` would keep."""
        exc = self.excess.get(threshold)
        try:
            if exc is None:
                raise KeyError(threshold)
            vals = list(map(exc.__getitem__, toks))
        except KeyError:  # a new threshold or new tokens
            exc = self.excess_of(toks, threshold)
            vals = list(map(exc.__getitem__, toks))
        scored = [e for e in vals if e == e]  # NaN: not a scored word
        n = len(scored)
        if n < max(1, min_words):
            return False
        if n > _MAX_LINE_WORDS:
            return True  # the rounding bound below holds for lines up to this many words
        return sum(scored) >= -(1e-3 + 1e-9 * n * self._excess_max[threshold])

    def may_reach(self, toks: list[str], threshold: float, min_words: int) -> bool:
        """False when no run of consecutive tokens of ``toks`` holding at least ``min_words``
        scored words can score ``threshold`` or more, so no line made of them can.

        A run scores at least the threshold when the sum of (cost - threshold) * length over its
        words is not negative: prefix sums and their suffix maximum answer that for every run at
        once. The margin absorbs floating-point rounding, so the test never rules out a line that
        ``score_tokens`` would flag.

        A short document (up to ``_SHORT_RUN`` tokens) is answered in plain Python, without
        importing numpy for it: the same prefix sums (both add in order) and suffix maxima, and a
        margin a relative 1e-12 wider than numpy's pairwise sum of the same terms could make it
        (that sum's rounding is below 1e-13 at this size), so it answers True whenever the numpy
        test would: it too never rules out a line, and the findings are the same."""
        if not toks:
            return False
        exc = self.excess_of(toks, threshold)  # a document's tokens are seldom all known
        if len(toks) <= _SHORT_RUN:
            vals = [x for x in map(exc.__getitem__, toks) if x == x]  # NaN: not a scored word
            k = max(1, min_words)
            m = len(vals)
            if m < k:
                return False
            prefix = [0.0] * (m + 1)
            acc = 0.0
            for i, x in enumerate(vals, 1):
                acc += x
                prefix[i] = acc
            margin = 1e-3 + 1e-9 * (sum(map(abs, vals)) * (1 + 1e-12))
            best = prefix[m]
            for i in range(m, k - 1, -1):  # best = max(prefix[i:]), compared with the run's start
                if prefix[i] > best:
                    best = prefix[i]
                if best >= prefix[i - k] - margin:
                    return True
            return False
        import numpy as np

        e = np.fromiter(map(exc.__getitem__, toks), np.float64, len(toks))
        e = e[e == e]  # NaN: not a scored word
        k = max(1, min_words)
        m = len(e)
        if m < k:
            return False
        prefix = np.zeros(m + 1)
        np.cumsum(e, out=prefix[1:])
        best_end = np.maximum.accumulate(prefix[::-1])[::-1]  # best_end[i] = max(prefix[i:])
        margin = 1e-3 + 1e-9 * float(np.abs(e).sum())
        return bool((best_end[k:] >= prefix[: m - k + 1] - margin).any())


#: up to this many tokens, ``may_reach`` is answered without numpy
_SHORT_RUN = 200


@lru_cache(maxsize=4)
@loader
def _scorer(path: str | None = None) -> _Scorer:
    return _Scorer(path)


@loader
def scorer(path: str | None = None) -> _Scorer:
    """The cached scorer of a model (``None``: the shipped one); loaded untimed (``qa.warmup``)."""
    return _scorer(path)


def score_text(text: str, model: str | None = None) -> SentenceScore | None:
    return _scorer(model).score_tokens(text.split())  # str.split() and \S+ agree on white space


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
    _scorer.cache_clear()
    return out_prefix.with_suffix(".model")
