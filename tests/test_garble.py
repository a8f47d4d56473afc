"""qa.garble (SentencePiece garble score), MT104/MT105 and `qa train-garble`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qa import garble
from qa.cli import app
from qa.config import Settings
from qa.api import check_text


def test_shipped_model_is_small_and_separates_noise_from_prose():
    assert garble.DEFAULT_MODEL.is_file() and garble.DEFAULT_MODEL.stat().st_size < 2_000_000
    prose = garble.score_text("The government refuted the accusation and said it had not unleashed the spyware.")
    mojibake = garble.score_text("Ã©tÃ© trÃ¨s difficile pour les Ã©lÃ¨ves et les professeurs")
    noise = garble.score_text("xkq zvbrt pplmn qwwr tkkf")
    assert prose.score < 2.6 < 4.0 < mojibake.score < noise.score
    assert "xkq" in noise.worst or "qwwr" in noise.worst


def test_names_numbers_and_addresses_are_not_scored():
    sc = garble.score_text("Reshetnikov met Khabirov at www.example.com on 12 May with UNESCO.")
    assert sc.n_words == 4  # met, at, on, with


def test_mt104_flags_mojibake_sentence_only():
    text = ("The report was published on Monday. Ã©tÃ© trÃ¨s difficile pour les Ã©lÃ¨ves et les "
            "professeurs. The minister declined to comment.")
    found = check_text(text, select=["MT104"]).findings
    assert [text[f.start:f.end] for f in found] == ["Ã©tÃ© trÃ¨s difficile pour les Ã©lÃ¨ves et les professeurs."]
    assert "garble score" in found[0].message


def test_mt105_repetition_loop():
    text = "The minister visited the University of Bern, Bern, Bern, Bern, Bern, Bern."
    found = check_text(text, select=["MT105"]).findings
    assert [(text[f.start:f.end], f.suggestion) for f in found] == [("Bern, Bern, Bern, Bern, Bern, Bern", "Bern")]
    assert check_text("Search\nSearch\nSearch\nSearch\n", select=["MT105"]).findings == []


def test_train_garble_command_and_model_option(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    words = ("river stone garden window morning letter kitchen market bridge mountain village "
             "harbour winter summer teacher student doctor farmer bottle candle forest meadow "
             "castle tower valley island ocean desert meadow orchard basket ladder hammer needle "
             "pillow blanket mirror lantern compass saddle wagon barrel cellar attic chimney "
             "fountain statue temple palace prison tavern quarry vineyard pasture cottage").split()
    lines = [" ".join(words[i:] + words[:i]) + "." for i in range(len(words))]
    (corpus / "a.txt").write_text("\n".join(lines * 5), encoding="utf-8")
    model = tmp_path / "mine.model"
    res = CliRunner().invoke(app, ["train-garble", str(corpus), "-o", str(model), "--vocab-size", "60"])
    assert res.exit_code == 0, res.output
    assert model.is_file()
    known = garble.score_text("river stone garden window morning", str(model))
    unknown = garble.score_text("zyx qvw jjk pqz wvx", str(model))
    assert known.score < unknown.score
    s = Settings(select=("MT104",), rules={"MT104": {"model": str(model), "threshold": known.score + 0.5,
                                                    "min_words": 4}})
    text = "River stone garden window morning.\n\nZyx qvw jjk pqz wvx."
    found = check_text(text, s).findings
    assert [text[f.start:f.end] for f in found] == ["Zyx qvw jjk pqz wvx."]


def test_train_garble_rejects_a_tiny_corpus(tmp_path: Path):
    (tmp_path / "t.txt").write_text("one two three", encoding="utf-8")
    res = CliRunner().invoke(app, ["train-garble", str(tmp_path), "-o", str(tmp_path / "m.model")])
    assert res.exit_code == 2


# ----------------------------------------------------------------------------- fast paths
_MIXED = [
    "The government refuted the accusation and said it had not unleashed the spyware.",
    "Ã©tÃ© trÃ¨s difficile pour les Ã©lÃ¨ves et les professeurs",
    "xkq zvbrt pplmn qwwr tkkf, (bzzt) «vvrk» don't won’t l'été",
    "Contact Dear Abby at www.DearAbby.com or P.O. Box 69440, Los Angeles, CA 90069.",
    "V = w₁ ⋅ LogicScore + w₂ ⋅ Novelty∞ + w₃ ⋅ log(Impact) + ﬁnance Ｆｕｌｌ ﬀ",
    "naïve café — “quoted” words… and-hyphenated ones ' ’ - x",
]


def test_cached_token_scoring_matches_scoring_the_words():
    for text in _MIXED:
        assert garble.score_text(text) == garble.score_words(garble.tokens(text)), text


def test_run_gate_keeps_every_line_that_can_reach_the_threshold():
    scorer = garble.scorer()
    prose = " ".join(_MIXED[0] for _ in range(20)).split()
    assert not scorer.may_reach(prose, 4.0, 6)
    for line in (_MIXED[1], "xkq zvbrt pplmn qwwr tkkf bzzt vvrk"):
        toks = (_MIXED[0] + "\n" + line + "\n" + _MIXED[0]).split()
        assert garble.score_text(line).score >= 4.0
        assert scorer.may_reach(toks, 4.0, 6)
        assert not scorer.may_reach(toks, 4.0, 40)  # no run of 40 scored words reaches it
    # a threshold just below a line's own score keeps it; the line is its own run
    sc = garble.score_text(_MIXED[0])
    assert scorer.may_reach(_MIXED[0].split(), sc.score, sc.n_words)
    assert not scorer.may_reach(_MIXED[0].split(), sc.score + 0.01, sc.n_words)


@pytest.mark.parametrize("fields", ["compared", "hashed in numpy"])
def test_repetition_loop_search_matches_the_plain_scan(fields, monkeypatch):
    import random

    import qa.checks.garble
    from qa.checks.garble import _LOOP_RE, _loops

    if fields != "compared":
        monkeypatch.setattr(qa.checks.garble, "_FEW_FIELDS", 0)

    rnd = random.Random(7)
    words = ["bern", "the", "deal", "is", "off", "ab", "x", "12", "zürich", "ベルン", "σας", "and"]
    seps = [" ", ", ", ",", "、", ";", "\t", " ; ", "  "]
    junk = ["", "(", '"', ".", ")", "-", "—", "'", "x", ". ", "\n"]
    texts = ["Bern, BERN, bern, Bern and İstanbul İSTANBUL istanbul istanbul", "ΣΑΣ σας σας σας"]
    for _ in range(3000):
        unit = [rnd.choice(words) for _ in range(rnd.randint(1, 5))]
        parts = [rnd.choice(junk)]
        for r in range(rnd.randint(2, 6)):
            if r:
                parts.append(rnd.choice(seps) if rnd.random() < 0.9 else rnd.choice(junk))
            parts.append(" ".join(w.upper() if rnd.random() < 0.2 else w for w in unit))
        parts.append(rnd.choice(junk) + " " + " ".join(rnd.choice(words) for _ in range(3)))
        texts.append("".join(parts))
    found = 0
    for text in texts:
        want = [m.span() for m in _LOOP_RE.finditer(text)]
        assert [m.span() for m in _loops(text)] == want, text
        found += bool(want)
    assert found > 300


def _varied_lines(seed: int, n: int) -> list[str]:
    """Lines mixing prose words, rare words, names, noise, mojibake, numbers and punctuation."""
    import random

    rnd = random.Random(seed)
    pools = [
        "the of and to in is was said that for on with as by at from government minister".split(),
        "quinoa veggie feta arum helicodiceros muscivorus geopark toratau zeitgeist".split(),
        "Reshetnikov Khabirov Bashkortostan UNESCO Monday The It".split(),
        "xkq zvbrt pplmn qwwr tkkf bzzt vvrk qzx jjkq wvxz".split(),
        "Ã©tÃ© trÃ¨s Ã©lÃ¨ves sociÃ©tÃ© annoncÃ© â€™s".split(),
        "12 90069 www.example.com a@b.org #tag x1 ≈ ⋅".split(),
        ["(the", "minister,", "said.", "«vvrk»", "don't", "won’t", "l'été", "naïve", "café", "-", "—"],
    ]
    out = []
    for _ in range(n):
        weights = [rnd.random() ** 2 for _ in pools]
        words = [rnd.choice(rnd.choices(pools, weights)[0]) for _ in range(rnd.randint(1, 30))]
        out.append(" ".join(words))
    return out


def test_line_bound_never_rules_out_a_line_that_scores_the_threshold():
    """``line_may_reach`` is an exact bound: on varied lines and thresholds (the line's own score
    among them, where the score equals the threshold), it never says no to a line that
    ``score_tokens`` flags, and it does rule out most ordinary lines."""
    scorer = garble.scorer()
    kept = flagged = ruled_out = 0
    for line in _varied_lines(3, 3000):
        toks = line.split()
        sc = scorer.score_tokens(toks)
        thresholds = [2.0, 3.0, 4.0, 5.5]
        if sc is not None:
            thresholds += [sc.score, sc.score - 1e-12, sc.score + 1e-9]
        for t in thresholds:
            for min_words in (0, 1, 6):
                flags = sc is not None and sc.n_words >= min_words and sc.score >= t
                may = scorer.line_may_reach(toks, t, min_words)
                assert may or not flags, (line, t, min_words)
                flagged += flags
                kept += may
                ruled_out += not may
    assert flagged > 1000 and ruled_out > 1000
    prose = "The government refuted the accusation and said it had not unleashed the spyware."
    assert not scorer.line_may_reach(prose.split(), 4.0, 6)


def test_run_gate_and_line_bound_agree_with_scoring_on_documents():
    """A document of varied lines: the lines MT104 flags are exactly those whose score reaches the
    threshold, with the run gate and the line bound in the way."""
    from qa.checks.garble import garbled_sentence
    from qa.readers import make_document

    lines = _varied_lines(5, 400)
    line_re = re.compile(r"[^\r\n]+")
    found = 0
    for k in range(0, len(lines), 40):
        text = "\n".join(lines[k:k + 40]) + "\n"
        doc = make_document(text, doc_id="x")
        got = [(h.start, h.end) for h in garbled_sentence(doc, {"threshold": 4.0, "min_words": 6})]
        want = []
        for sa, sb in doc.sentences:
            for m in line_re.finditer(text, sa, sb):
                sc = garble.score_text(m.group(0))
                if sc is not None and sc.n_words >= 6 and sc.score >= 4.0:
                    want.append(m.span())
        assert got == want
        found += len(got)
    assert found > 20


def test_word_by_word_encoding_gives_the_batch_pieces():
    """``_Scorer._encode`` (one direct call per word) gives the ids of SentencePiece's batch
    call and of its Python wrapper, on common and rare words, random letter strings,
    apostrophes and hyphens, and non-ASCII words mixed in."""
    import random
    import string

    from wordfreq import top_n_list

    scorer = garble.scorer()
    sp = scorer.sp
    rnd = random.Random(13)
    words = [w for w in top_n_list("en", 20000) if w.isascii()]
    words += ["".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(1, 14))) for _ in range(5000)]
    words += ["".join(rnd.choice(string.ascii_letters + "'-") for _ in range(rnd.randint(1, 8))) for _ in range(2000)]
    words += ["don't", "o'clock", "well-known", "-x", "x-", "'", "-", "naïve", "été", "ã©tã©", "ﬁnance", "ｆｕｌｌ",
              "東京", "σας", "a\u0080b"]
    rnd.shuffle(words)
    want = [sp.encode(w, out_type=int) for w in words]
    assert want == sp.encode(words, out_type=int, num_threads=1)
    assert scorer._encode_one.__name__ == "direct"  # the fast path is the one in use here
    assert scorer._encode(words) == want


def test_bounds_are_the_same_when_the_token_tables_overflow(monkeypatch):
    """With tables so small that they are emptied on almost every call, the run gate and the
    line bound answer as with tables that keep everything (a token not held is worked out
    again, never read as an excess)."""
    lines = _varied_lines(11, 300)
    runs = [(lines[k] + "\n" + lines[k + 1]).split() for k in range(0, len(lines) - 1, 2)]

    def answers(scorer):
        return ([scorer.may_reach(toks, t, w) for toks in runs for t in (2.0, 4.0) for w in (1, 6)],
                [scorer.line_may_reach(line.split(), t, w) for line in lines for t in (2.0, 4.0) for w in (1, 6)])

    want = answers(garble._Scorer(None))
    monkeypatch.setattr(garble, "_MAX_CACHE", 8)
    small = garble._Scorer(None)
    assert answers(small) == want
    assert len(small.excess[4.0]) <= 8 + max(map(len, runs))
    assert any(want[0]) and not all(want[0]) and any(want[1]) and not all(want[1])


def test_short_run_gate_without_numpy_answers_as_the_numpy_gate(monkeypatch):
    """Up to ``_SHORT_RUN`` tokens the run gate is plain Python: on varied runs and thresholds
    (a run's own score among them, where the gate sits on its margin) it says yes whenever the
    numpy gate does, and the two agree everywhere off that margin."""
    scorer = garble.scorer()
    lines = _varied_lines(17, 1200)
    runs = [(lines[k] + "\n" + lines[k + 1] + "\n" + lines[k + 2]).split() for k in range(0, len(lines) - 2, 3)]
    runs += [line.split() for line in lines[:300]]
    cases = []
    for toks in runs:
        sc = scorer.score_tokens(toks)
        for t in [2.0, 3.0, 4.0] + ([sc.score, sc.score - 1e-12, sc.score + 1e-9] if sc is not None else []):
            for w in (1, 6, 12):
                cases.append((toks, t, w))
    assert max(len(toks) for toks, _, _ in cases) <= garble._SHORT_RUN
    plain = [scorer.may_reach(*c) for c in cases]
    monkeypatch.setattr(garble, "_SHORT_RUN", -1)
    with_numpy = [scorer.may_reach(*c) for c in cases]
    assert all(p or not n for p, n in zip(plain, with_numpy))  # never rules out more
    assert plain == with_numpy
    assert 0.1 < sum(plain) / len(plain) < 0.9


def test_mt104_cuts_a_very_long_line_between_sentences_and_finds_the_same(monkeypatch):
    """A line longer than the token-run size is cut at white space between two sentences (no
    scored sentence part spans the cut), so its tokens never stand in one list; the findings are
    those of the uncut line."""
    from qa.checks import garble as mt104
    from qa.document import Document

    prose = "The council met on Monday and approved the budget for the schools of the town. "
    bad = "Ã©tÃ© trÃ¨s difficile pour les Ã©lÃ¨ves et les professeurs. "
    text = prose * 30 + bad + prose * 30 + bad + prose * 5  # one line of 67 sentences
    ref = [(f.start, f.end) for f in check_text(text, select=["MT104"]).findings]
    assert len(ref) == 2
    monkeypatch.setattr(mt104, "_TOKEN_RUN_CHARS", 300)
    doc = Document(id="x", text=text)
    runs = list(mt104._token_runs(text, doc))
    assert len(runs) > 5 and sum(runs, []) == text.split()  # cut, and no token cut in two
    sentences = doc.sentences
    for toks in runs[:-1]:  # each run ends where a sentence ends (the cut is outside every sentence)
        assert any(text[:b].split()[-len(toks):] == toks for _a, b in sentences)
    assert [(f.start, f.end) for f in check_text(text, select=["MT104"]).findings] == ref


def test_sentence_gap_is_white_space_outside_every_sentence():
    from qa.checks.garble import _sentence_gap

    text = "Ab cd. Ef.Gh ij.  Kl"
    sentences = [(0, 6), (7, 10), (10, 16), (18, 20)]
    assert _sentence_gap(text, sentences, 0, len(text)) == 6
    assert _sentence_gap(text, sentences, 7, len(text)) == 16  # (no space between "Ef." and "Gh")
    assert _sentence_gap(text, sentences, 17, len(text)) == 17
    assert _sentence_gap(text, sentences, 18, len(text)) == len(text)
    assert _sentence_gap(text, sentences, 7, 15) == 15  # none before the end of the range
