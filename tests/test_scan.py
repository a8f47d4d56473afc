"""The one trigger scan (qa.scan): both backends give the same findings as running every rule.

The Hyperscan half is skipped where the ``hyperscan`` package is not installed (it is built for
x86-64 only); the fallback (Aho-Corasick + ``re``) is tested everywhere.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import replace
from pathlib import Path

import pytest

from qa.config import Settings
from qa.engine import check_document, make_plan
from qa.model import Hit, Rule, bad, good
from qa.readers import make_document
from qa.registry import all_rules
import qa.signed
from qa.signed import MAGIC
from qa.scan import (RuleScanner, ScanPlan, Triggers, cache_path, default_backend, hyperscan_available,
                     literal_triggers, pattern_triggers)

ROOT = Path(__file__).resolve().parents[1]
needs_hs = pytest.mark.skipif(not hyperscan_available(),
                              reason="the hyperscan package is not installed (x86-64 only): only the fallback is tested")
BACKENDS = [pytest.param("hyperscan", marks=needs_hs), "fallback"]


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    """The default plan three ways: with the Hyperscan scan, with the fallback scan, and with no
    scan at all (every rule runs: the reference)."""
    base = make_plan(Settings())
    cache = tmp_path_factory.mktemp("scan-cache")
    out = {"none": replace(base, scan=None),
           "fallback": replace(base, scan=ScanPlan.for_rules(base.rules, backend="fallback"))}
    if hyperscan_available():
        out["hyperscan"] = replace(base, scan=ScanPlan.for_rules(base.rules, backend="hyperscan", cache_dir=cache))
    return out


def _key(findings):
    return [(f.rule, f.start, f.end, f.message, f.suggestion, f.fix) for f in findings]


def _same_findings(plans, doc_factory):
    want = _key(check_document(doc_factory(), plans["none"]))
    for name in ("fallback", "hyperscan"):
        if name in plans:
            got = _key(check_document(doc_factory(), plans[name]))
            assert got == want, f"{name} scan changed the findings"
    return want


def _example_texts():
    out = []
    for r in all_rules():
        if r.corpus or r.code.startswith("SRC"):
            continue
        for i, ex in enumerate(r.examples):
            out.append((f"{r.code}-{ex.kind}{i}", ex.text))
    return out


EXAMPLES = _example_texts()


def test_every_rule_example_gives_the_same_findings_with_either_scan(plans):
    n_bad = 0
    for name, text in EXAMPLES:
        found = _same_findings(plans, lambda: make_document(text))
        n_bad += bool(found)
    assert n_bad > 100  # the examples do hold findings: the comparison is not between empty lists


def test_the_rules_moved_to_scan_triggers_are_compared(plans):
    """The rules whose gates moved from the old literal index to the scan (and those gated for
    the first time) are answered by both scans, so the comparisons here cover them."""
    moved = {"GRAM006", "GRAM012", "GRAM013", "GRAM015", "GRAM019", "GRAM020", "GRAM021", "GRAM101",
             "PUN001", "PUN002", "PUN003", "PUN004", "PRN001"}
    for name in ("fallback", "hyperscan"):
        if name in plans:
            assert moved <= plans[name].scan.codes, name
    examples = {name for name, _ in EXAMPLES}
    assert all(any(e.startswith(f"{c}-bad") for e in examples) for c in moved)


def _mixed_corpus() -> list[tuple[str, str]]:
    """The samples (every document the readers make of them: text, JSON Lines, PO, XLIFF) and
    the text files and sentence lists of tests/data, joined 25 sentences to a document (with a
    few non-ASCII and case-special ones among them)."""
    from qa.readers import InputError, read_all

    out = [(rec.path, rec.text) for rec in read_all([str(ROOT / "samples")]) if not isinstance(rec, InputError)]
    data = ROOT / "tests" / "data"
    out += [(str(p), p.read_text(encoding="utf-8", errors="replace")) for p in sorted(data.rglob("*.txt"))]
    for tsv in sorted(data.glob("*.tsv")):
        lines = [ln.split("\t")[-1].replace("[[", "").replace("]]", "")
                 for ln in tsv.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
        for k in range(0, len(lines), 25):
            out.append((f"{tsv.name}#{k}", " ".join(lines[k:k + 25]) + "\n"))
    return out


def test_mixed_corpus_gives_the_same_findings_with_either_scan(plans):
    corpus = _mixed_corpus()
    assert len(corpus) >= 50
    total = 0
    for path, text in corpus:
        total += len(_same_findings(plans, lambda: make_document(text, path=path)))
    assert total > 100


@pytest.mark.parametrize("backend", BACKENDS)
def test_backends_report_the_same_hits(plans, backend):
    """Every occurrence of every literal, per rule, in code points: the same on both backends and
    the same as a plain search of the lower-cased text."""
    scan = ScanPlan.for_rules(plans["none"].rules, backend=backend)
    for path, text in _mixed_corpus()[:20]:
        hits = scan.scan(text)
        if hits is None:
            continue  # a case-special text: no answer, every rule runs
        for r in plans["none"].rules:
            if r.code not in scan.codes:
                continue
            want = r.triggers.find(text)
            got = hits.get(r.code, [])
            if r.triggers.gate:  # a gate reports at least the first occurrence of what occurs
                assert set(got) <= set(want) and bool(got) == bool(want), (path, r.code)
            else:
                assert got == want, (path, r.code)


# --------------------------------------------------------------------------- code-point offsets
@pytest.mark.parametrize("backend", BACKENDS)
def test_offsets_are_code_points_in_non_ascii_text(backend):
    text = "Le café était plein 😀 de monde; 新冠 the NEW CROWN virus and the new crown 疫情, CAFÉ ©2024."
    rules = [
        Rule("ZZT901", "t-one", "grammar", "s", check=lambda d, o: (), triggers=literal_triggers(["new crown"])),
        Rule("ZZT902", "t-two", "grammar", "s", check=lambda d, o: (), triggers=literal_triggers(["café", "©"])),
    ]
    scan = ScanPlan.for_rules(rules, backend=backend)
    hits = scan.scan(text)
    crown = [m.span() for m in re.finditer("new crown", text, re.IGNORECASE)]
    assert len(crown) == 2
    assert hits.get("ZZT901") == crown
    cafe = sorted([m.span() for m in re.finditer("café", text, re.IGNORECASE)] + [(text.index("©"), text.index("©") + 1)])
    assert len(cafe) == 3
    assert hits.get("ZZT902") == cafe
    assert [text[a:b] for a, b in hits["ZZT902"]] == ["café", "CAFÉ", "©"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_case_special_text_gets_no_answer(backend):
    """The Kelvin sign folds onto 'k' in a case-insensitive regex but not in str.lower: no answer,
    every rule runs in full."""
    scan = ScanPlan.for_rules([Rule("ZZT903", "t-three", "grammar", "s", check=lambda d, o: (),
                                    triggers=literal_triggers(["kilo"]))], backend=backend)
    assert scan.scan("a \u212ailo of rice") is None
    assert "ZZT903" in scan.scan("a KILO of rice")
    assert "ZZT903" not in scan.scan("a ton of rice")


# --------------------------------------------------------------------------- the engine skips rules
def _recording_rule(code, name, triggers):
    calls: list[str] = []

    def check(doc, opts):
        calls.append(doc.text)
        for m in re.finditer(r"\bzebras?\b", doc.text, re.IGNORECASE):
            yield Hit(m.start(), m.end(), "zebra")

    return Rule(code, name, "grammar", "A zebra", check=check, triggers=triggers,
                examples=(bad("A [[zebra]]."), good("A horse."))), calls


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_rule_with_no_candidate_is_not_called(backend, monkeypatch):
    monkeypatch.setenv("QA_SCAN", backend)
    gated, gated_calls = _recording_rule("ZZT910", "zebra-gated", literal_triggers(["zebra"]))
    always, always_calls = _recording_rule("ZZT911", "zebra-always", None)
    plan = make_plan(Settings(), rules=[gated, always])
    assert plan.scan is not None and plan.scan.backend == backend and plan.scan.codes == {"ZZT910"}
    assert check_document(make_document("A horse and a donkey."), plan) == []
    assert gated_calls == [] and always_calls == ["A horse and a donkey."]
    found = check_document(make_document("Two ZEBRAS and a zebra."), plan)
    assert [(f.rule, f.start, f.end) for f in found] == [("ZZT910", 4, 10), ("ZZT911", 4, 10),
                                                         ("ZZT910", 17, 22), ("ZZT911", 17, 22)]
    assert gated_calls == ["Two ZEBRAS and a zebra."]


def test_the_scan_off_runs_every_rule(monkeypatch):
    from qa import fastpath

    gated, calls = _recording_rule("ZZT912", "zebra-off", literal_triggers(["zebra"]))
    plan = make_plan(Settings(), rules=[gated])
    monkeypatch.setattr(fastpath, "ENABLED", False)
    check_document(make_document("A horse."), plan)
    assert calls == ["A horse."]


def test_qa_scan_env_chooses_the_fallback(monkeypatch):
    monkeypatch.setenv("QA_SCAN", "fallback")
    assert default_backend() == "fallback"
    monkeypatch.delenv("QA_SCAN")
    assert default_backend() == ("hyperscan" if hyperscan_available() else "fallback")


# --------------------------------------------------------------------------- triggers are consistent
def test_rule_scanners_agree_with_their_rules_triggers():
    """A rule reading its windows from the scan (RuleScanner) declares the same literals as
    triggers, so the scan finds exactly what the windows are made from."""
    import qa.checks.grammar as grammar
    import qa.checks.mt_fluency as mt

    rules = {r.code: r for r in all_rules()}
    seen = 0
    for mod in (grammar, mt):
        for v in vars(mod).values():
            if isinstance(v, (RuleScanner, grammar._StartScanner)):
                seen += 1
                assert rules[v.code].triggers == v.triggers, v.code
    assert seen >= 10


def test_pattern_triggers_are_required_literals():
    pat = re.compile(r"(?<!\w)(?:there|here) (?:is|was) (?P<n>\w{1,30})s\b", re.IGNORECASE)
    trig = pattern_triggers(pat)
    assert trig is not None and trig.literals == ("here", "there")
    assert not trig.gate  # a bounded reach: the rule looks only near the occurrences
    unbounded = pattern_triggers(re.compile(r"(?<!\w)(?:there|here) (?:is|was) (?P<n>\w+)s\b", re.IGNORECASE))
    assert unbounded == Triggers(literals=("here", "there"), gate=True)  # it only needs to know whether
    assert pattern_triggers(re.compile(r"\w+")) is None  # no literal: the rule always runs


def test_pack_rules_declare_triggers():
    rules = {r.code: r for r in all_rules()}
    packs = [r for r in rules.values() if r.source.startswith("rules/")]
    with_triggers = [r for r in packs if r.triggers is not None]
    assert len(with_triggers) >= len(packs) - 5
    ff = next(r for r in packs if "context" in r.source or r.source.startswith("rules/mt/"))
    assert ff.triggers.literals and all(lit == lit.lower() for lit in ff.triggers.literals)


# --------------------------------------------------------------------------- serialised database
@needs_hs
def test_database_is_cached_on_disk_and_reused(tmp_path, monkeypatch):
    import qa.scan

    monkeypatch.setattr(qa.scan, "_COMPILED", {})  # not the database built earlier in this process
    rules = all_rules()
    first = ScanPlan.for_rules(rules, backend="hyperscan", cache_dir=tmp_path)
    assert not first.loaded_from_cache
    path = cache_path(first.key, tmp_path)
    assert path.is_file() and path.read_bytes().startswith(MAGIC)
    qa.scan._COMPILED.clear()  # as in a new process
    second = ScanPlan.for_rules(rules, backend="hyperscan", cache_dir=tmp_path)
    assert second.loaded_from_cache and second.key == first.key
    text = (ROOT / "samples" / "000_6ee191c9a62c81e0.txt").read_text(encoding="utf-8")
    assert second.scan(text).as_dict() == first.scan(text).as_dict()


@needs_hs
def test_which_triggers_hyperscan_compiles_is_cached_and_a_planted_answer_is_refused(tmp_path, monkeypatch):
    """Whether each regex trigger compiles exactly, in prefilter mode or not at all is learnt
    once and kept, signed, in the scan cache: the next start reads it instead of test-compiling
    every pattern."""
    import qa.scan

    rules = all_rules()
    monkeypatch.setattr(qa.scan, "_COMPILED", {})
    monkeypatch.setattr(qa.scan, "_HS_MODE", {})
    first = ScanPlan.for_rules(rules, backend="hyperscan", cache_dir=tmp_path)
    learnt = dict(qa.scan._HS_MODE)
    assert len(learnt) >= 10 and all(v is not None for v in learnt.values())
    (modes,) = tmp_path.glob("*.modes")

    real = qa.scan._hs_mode

    def no_compiling(pattern, flags):
        if (pattern, flags) not in qa.scan._HS_MODE:
            raise AssertionError(f"test-compiled {pattern!r} again")
        return real(pattern, flags)

    monkeypatch.setattr(qa.scan, "_HS_MODE", {})
    monkeypatch.setattr(qa.scan, "_hs_mode", no_compiling)
    qa.scan._COMPILED.clear()
    second = ScanPlan.for_rules(rules, backend="hyperscan", cache_dir=tmp_path)
    assert qa.scan._HS_MODE == learnt and second.key == first.key and second.codes == first.codes

    # an entry without this user's MAC (every pattern "does not compile": its rules would always
    # run) is refused, and the patterns are tested again
    data = modes.read_bytes()
    assert b'"modes":[' in data
    modes.write_bytes(data.replace(b'"modes":[', b'"modes":[null,', 1))
    monkeypatch.setattr(qa.scan, "_HS_MODE", {})
    with pytest.raises(AssertionError, match="test-compiled"):
        ScanPlan.for_rules(rules, backend="hyperscan", cache_dir=tmp_path)


@needs_hs
@pytest.mark.parametrize("damage", ["truncate", "flip-payload", "flip-header", "garbage-with-good-header",
                                    "planted", "empty"])
def test_a_damaged_cache_file_is_ignored_and_replaced(tmp_path, damage, monkeypatch):
    import hashlib

    import hyperscan

    import qa.scan

    monkeypatch.setattr(qa.scan, "_COMPILED", {})
    rules = all_rules()
    good_plan = ScanPlan.for_rules(rules, backend="hyperscan", cache_dir=tmp_path)
    path = cache_path(good_plan.key, tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip-payload":
        data[-100] ^= 0xFF
    elif damage == "flip-header":
        data[len(MAGIC) + 3] ^= 0xFF
    elif damage == "garbage-with-good-header":  # a well-formed file (this user's MAC) holding no database
        blob = b"not a hyperscan database" * 10
        data = bytearray(MAGIC + bytes.fromhex(good_plan.key) + len(blob).to_bytes(8, "big")
                         + qa.signed._mac(good_plan.key, blob) + blob)
    elif damage == "planted":  # a real database of other triggers, without this user's secret
        other = ScanPlan.for_rules([r for r in rules if r.triggers][:3], backend="hyperscan")
        blob = hyperscan.dumpb(other._db)
        data = bytearray(MAGIC + bytes.fromhex(good_plan.key) + len(blob).to_bytes(8, "big")
                         + hashlib.sha256(blob).digest() + blob)
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    qa.scan._COMPILED.clear()
    again = ScanPlan.for_rules(rules, backend="hyperscan", cache_dir=tmp_path)
    assert not again.loaded_from_cache
    text = "There is many reasons, and he will can go. The new crown virus spread."
    assert again.scan(text).as_dict() == good_plan.scan(text).as_dict()
    qa.scan._COMPILED.clear()
    assert ScanPlan.for_rules(rules, backend="hyperscan", cache_dir=tmp_path).loaded_from_cache  # rewritten


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_plan_pickles_with_its_database_not_recompiled(backend, monkeypatch):
    import qa.scan

    monkeypatch.setenv("QA_SCAN", backend)
    plan = make_plan(Settings())
    scan = plan.scan
    blob = pickle.dumps(scan)
    monkeypatch.setattr(qa.scan, "_COMPILED", {})  # a fresh process: nothing built yet
    monkeypatch.setattr(ScanPlan, "_compile_hs", lambda self: pytest.fail("recompiled after unpickling"))
    monkeypatch.setenv("QA_NO_CACHE", "1")  # and not read from a disk cache either
    back = pickle.loads(blob)
    assert back.backend == backend and back.codes == scan.codes and not back.loaded_from_cache
    text = "They will can come, there is two cats and the new crown virus."
    assert back.scan(text).as_dict() == scan.scan(text).as_dict()
    assert len(blob) < 4_000_000


def test_triggers_find_without_a_plan_matches_the_scan():
    trig = Triggers(literals=("will ", "can"))
    text = "He will can go; CAN he? Will   not."
    assert trig.find(text) == [(3, 8), (8, 11), (16, 19), (24, 29)]


@needs_hs
def test_a_database_hyperscan_refuses_falls_back(monkeypatch):
    import qa.scan

    monkeypatch.setattr(qa.scan, "_COMPILED", {})
    monkeypatch.setattr(ScanPlan, "_compile_hs", lambda self: (_ for _ in ()).throw(RuntimeError("refused")))
    rules = [Rule("ZZT920", "t-refused", "grammar", "s", check=lambda d, o: (), triggers=literal_triggers(["zebra"]))]
    scan = ScanPlan.for_rules(rules, backend="hyperscan")
    assert scan.backend == "fallback"
    assert scan.scan("Two ZEBRAS").get("ZZT920") == [(4, 9)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_regex_triggers_with_look_behind_and_back_references(backend):
    """Hyperscan has no look-behind or back-reference: such a trigger is compiled in prefilter
    mode, which may report more, never less; the rule still runs wherever the regex matches."""
    from qa.scan import _hs_mode

    pat = r"(?<!\w)(?P<w>[a-z]+) (?P=w)(?!\w)"
    if backend == "hyperscan":
        import hyperscan

        assert _hs_mode(pat, re.IGNORECASE) & hyperscan.HS_FLAG_PREFILTER
    rule = Rule("ZZT940", "t-regex", "grammar", "s", check=lambda d, o: (),
                triggers=Triggers(patterns=((pat, re.IGNORECASE),)))
    scan = ScanPlan.for_rules([rule], backend=backend)
    assert scan.codes == {"ZZT940"}
    text = "He said that that was fine."
    assert scan.scan(text).get("ZZT940") == [(0, len(text))]
    assert "ZZT940" not in scan.scan("Fine.")
    if backend == "fallback":
        assert "ZZT940" not in scan.scan("He said that this was fine.")


# --------------------------------------------------------------------------- hits in the document's facts
@pytest.mark.parametrize("backend", BACKENDS)
def test_scan_hits_are_kept_in_the_documents_facts(backend, monkeypatch):
    """A document's scan is made once per plan and kept in its facts (``scan_hits``), so the
    hits a rule reads (``candidates``) are its own document's even when documents are checked
    interleaved (a thread-local slot kept only the last document's); a document checked with a
    second plan is scanned again, and its rules read the plan asked for last."""
    from qa.scan import candidates, hits_for

    monkeypatch.setenv("QA_SCAN", backend)
    trig = literal_triggers(["zebra"])
    rules = [Rule("ZZT950", "t-facts", "grammar", "s", check=lambda d, o: (), triggers=trig)]
    one, two = ScanPlan.for_rules(rules), ScanPlan.for_rules(rules)
    a, b = make_document("A zebra, then a ZEBRA."), make_document("No stripes; one zebra.")
    assert not a.facts.has("scan_hits") and hits_for(a) is None
    hits_a = hits_for(a, one)
    assert a.facts.scan_hits == {one: hits_a} and hits_for(a, one) is hits_a and hits_for(a) is hits_a
    hits_b = hits_for(b, one)
    assert candidates(a, "ZZT950", trig) == [(2, 7), (16, 21)]  # still a's, after b was scanned
    assert candidates(b, "ZZT950", trig) == [(16, 21)]
    assert hits_b is not hits_a and not a.facts.has("dup_collect")
    hits_two = hits_for(a, two)
    assert hits_two is not hits_a and list(a.facts.scan_hits) == [one, two]
    hits_for(a, one)  # asked for again: not scanned again, and now the one rules read
    assert list(a.facts.scan_hits) == [two, one] and a.facts.scan_hits[one] is hits_a
    c = make_document("A zebra.")  # never scanned: the rule searches its own triggers
    assert candidates(c, "ZZT950", trig) == [(2, 7)] and not c.facts.has("scan_hits")
    assert candidates(c, "ZZT950", None) is None
    with pytest.raises(AttributeError):
        a.facts.scan_hits = {}  # type: ignore[misc]
    back = pickle.loads(pickle.dumps(a))  # the hits stay with the process that scanned
    assert not back.facts.has("scan_hits")
