"""``qa.facts``: the per-document facts object, and no rule caching values on the document itself."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import pytest

from qa.checks import boilerplate_layout, duplicate, grammar
from qa.document import Document
from qa.encoding import mojibake_regions
from qa.facts import SHARED, Facts, facts_of
from qa.readers import make_document
from qa.scope import clearly_not_english

QA = Path(__file__).resolve().parent.parent / "qa"


def _dict_writes(path: Path) -> list[str]:
    """Every ``X.__dict__`` and ``vars(X)`` in a module, as 'line: source'."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "__dict__":
            out.append(f"{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "vars":
            out.append(f"{node.lineno}: {ast.unparse(node)}")
    return sorted(out)


def test_no_module_caches_values_in_the_document_dict():
    found = {}
    for path in sorted(QA.rglob("*.py")):
        hits = _dict_writes(path)
        if hits:
            found[str(path.relative_to(QA))] = hits
    assert found == {}


def test_the_ast_check_sees_a_document_cache(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f(doc):\n    doc.__dict__['_x'] = 1\n    return vars(doc)\n", encoding="utf-8")
    assert _dict_writes(bad) == ["2: doc.__dict__", "3: vars(doc)"]


TEXT = ("Zoë Müller arrived in São Paulo on Monday.\r\nShe met Mr. Okafor at 9 a.m. to sign the deal.\n\n"
        "« Très bien », said the mayor. The vote passed 12–3!\rIt was the city’s first vote since 2019.")


def test_facts_of_a_document_are_one_object():
    doc = make_document(TEXT)
    assert facts_of(doc) is doc.facts is facts_of(doc)
    assert isinstance(doc.facts, Facts)


def test_lines_and_line_starts_on_mixed_line_breaks():
    doc = make_document(TEXT)
    f = doc.facts
    texts = [TEXT[a:b] for a, b in f.lines]
    assert texts == [
        "Zoë Müller arrived in São Paulo on Monday.",
        "She met Mr. Okafor at 9 a.m. to sign the deal.",
        "",
        "« Très bien », said the mayor. The vote passed 12–3!",
        "It was the city’s first vote since 2019.",
    ]
    # \r\n is one break; the lone \r before "It" is another
    assert f.line_starts == [0, 44, 91, 92, TEXT.index("It was")]
    assert doc.line_col(TEXT.index("Okafor")) == (2, 13)


def test_words_and_sentences_keep_code_point_offsets():
    doc = make_document(TEXT)
    f = doc.facts
    words = [TEXT[a:b] for a, b in f.words]
    assert words[:3] == ["Zoë", "Müller", "arrived"]
    assert "city’s" in words and "São" in words
    a, b = f.words[words.index("Paulo")]
    assert (a, b) == (26, 31)  # 'ë', 'ü' and 'ã' count one code point each
    sents = [TEXT[a:b] for a, b in f.sentences]
    assert sents == [
        "Zoë Müller arrived in São Paulo on Monday.",
        "She met Mr. Okafor at 9 a.m. to sign the deal.",
        "« Très bien », said the mayor.",
        "The vote passed 12–3!",
        "It was the city’s first vote since 2019.",
    ]


def test_lower_is_the_lower_cased_text_made_once():
    doc = make_document("ÉTÉ À PARIS. Straße")
    f = doc.facts
    assert f.lower == "été à paris. straße"
    assert f.lower is f.lower


def test_facts_are_read_only_and_declared():
    f = make_document("A short text.").facts
    with pytest.raises(AttributeError):
        f.layout = None  # type: ignore[misc]
    with pytest.raises(AttributeError):
        f.once("no_such_fact", lambda: 1)
    calls = []
    assert f.once("not_english", lambda: calls.append(1) or False) is False
    assert f.once("not_english", lambda: calls.append(1) or True) is False
    assert calls == [1]
    assert f.has("not_english") and not f.has("layout")


def test_rules_share_their_values_through_the_facts():
    text = ("Home | News | Sport | Contact\nCouncil approves the new budget\n\n"
            "The council met on Monday and approved the budget for the coming year. The mayor said "
            "the vote was a good result for the town and its schools.\nShare this article\n")
    doc = make_document(text)
    lay = boilerplate_layout.layout(doc)
    assert doc.facts.layout is lay and boilerplate_layout.layout(doc) is lay
    assert [ln.text for ln in lay.lines][0] == "Home | News | Sport | Contact"
    assert doc.facts.layout_line_starts[1] == [ln.start for ln in lay.lines]
    name, key, sig = duplicate.collect_doc(doc, {"min_words": 5})
    assert key is not None and len(sig) == 128 * 4
    assert doc.facts.dup_collect[5] == (name, key, sig)
    assert duplicate.collect_doc(doc, {"min_words": 500})[1] is None  # another option, its own value
    assert clearly_not_english(doc) is False and doc.facts.not_english is False


def test_grammar_and_encoding_facts():
    doc = make_document("These book is new. The man has went home. Caf\u00c3\u00a9 prices rose.")
    assert [m.group(0) for m in grammar._irregular_pasts_in(doc)] == ["went"]
    assert [m.group(0) for m in doc.facts.irregular_pasts] == ["went"]
    regions = mojibake_regions(doc)
    assert doc.facts.mojibake_regions is regions
    assert [(doc.text[r.start:r.end], r.fixed) for r in regions] == [("\u00c3\u00a9", "é")]


def test_a_document_not_in_english_is_decided_once():
    doc = Document(id="d", text="Le conseil municipal a voté le budget lundi soir après un long débat.", lang="fr")
    assert clearly_not_english(doc) is True
    assert doc.facts.not_english is True


def test_pickled_facts_keep_their_document_only():
    doc = make_document("The council met on Monday. It agreed.")
    boilerplate_layout.layout(doc)
    back = pickle.loads(pickle.dumps(doc))
    assert back.text == doc.text
    assert back.facts.doc is back
    assert sorted(SHARED) == sorted(Facts.__slots__[3:])


def test_a_document_is_freed_when_its_last_reference_goes():
    """The facts refer to their document weakly: a checked document (its facts filled, its scan
    made) is not a reference cycle left to the garbage collector, and its facts still pickle
    with it."""
    import gc
    import weakref

    from qa.config import Settings
    from qa.engine import check_document, make_plan

    doc = make_document(TEXT)
    check_document(doc, make_plan(Settings()))
    assert doc.facts.has("scan_hits") and doc.facts.lower
    back = pickle.loads(pickle.dumps(doc))
    assert back.facts.doc is back and back.facts.lines == doc.facts.lines
    gone = weakref.ref(doc)
    facts = doc.facts
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        del doc
        assert gone() is None  # freed by its reference count, no collection needed
    finally:
        if was_enabled:
            gc.enable()
    with pytest.raises(ReferenceError):
        facts.lines  # noqa: B018
