"""HTML reports: one page per input mirroring the tree, an index, rule pages, and escaping."""

from __future__ import annotations

import re

from qa.config import Settings
from qa.engine import make_plan
from qa.api import check_paths
from qa.report.html import index_records, read_index_data, write_reports


def _write(tmp_path, inputs, roots):
    results = list(check_paths(inputs, Settings()))
    out = tmp_path / "reports"
    pages = write_reports(results, out, roots, make_plan(Settings()).rules)
    return out, pages, results


def test_pages_index_and_rule_pages_for_samples(tmp_path, samples_dir):
    out, pages, results = _write(tmp_path, [str(samples_dir)], [str(samples_dir)])
    assert [p for p in pages if not p.startswith("bilingual/")] == ["000_6ee191c9a62c81e0.txt.html", "003_6687bd05b09e0dcc.txt.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    data = read_index_data(index)
    assert [r["href"] for r in index_records(data)] == pages  # the rows, in order, as index data
    page = (out / pages[1]).read_text(encoding="utf-8")
    # every finding is in the side list with its rule link, and its span is highlighted
    for f in results[1].findings:
        assert f'href="../reports/rules/{f.rule}.html"' not in page
        assert f'href="rules/{f.rule}.html"' in page
    assert page.count('<li id="f-') == len(results[1].findings)
    assert page.count("<mark ") >= len({(f.start, f.end) for f in results[1].findings if f.end > f.start}) - 1
    assert (out / "rules" / "PUN002.html").is_file()
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_script_in_text_is_escaped(tmp_path):
    doc = tmp_path / "in" / "evil.txt"
    doc.parent.mkdir()
    payload = '<script>alert("x")</script> and <img src=x onerror=alert(1)> ok.Then more " \' text.'
    doc.write_text(payload, encoding="utf-8")
    out, pages, _ = _write(tmp_path, [str(doc.parent)], [str(doc.parent)])
    page = (out / pages[0]).read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    # findings may split the text into highlighted pieces; each piece is escaped
    plain = re.sub(r"<[^>]+>", "", page.split('<div class="text" id="view-orig">', 1)[1].split("</div>", 1)[0])
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in plain
    assert "&lt;img src=x onerror=alert(1)&gt;" in plain
    # only our own script element exists, and the CSP allows it by hash
    assert len(re.findall(r"<script>", page)) == 1
    assert "script-src 'sha256-" in page


def test_nested_inputs_mirror_the_tree(tmp_path):
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("Text one.", encoding="utf-8")
    (root / "b.md").write_text("# T\n\nText two.", encoding="utf-8")
    out, pages, _ = _write(tmp_path, [str(root)], [str(root)])
    assert sorted(pages) == ["b.md.html", "sub/a.txt.html"]
    sub = (out / "sub" / "a.txt.html").read_text(encoding="utf-8")
    assert 'href="../index.html"' in sub
