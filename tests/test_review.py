"""`qa review`: the decisions server (token, loopback, Host check, atomic locked writes), and the
decisions it writes honoured by `qa check --baseline` (file, folder, glob, "ignore all similar")
and `qa clean --decisions`."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from pathlib import Path

import pytest

from qa.baseline import apply_baseline, load_baseline, result_fingerprints, similar_key
from qa.clean import clean_text
from qa.config import Settings
from qa.engine import make_plan
from qa.runner.pipeline import run_records
from qa.readers import make_document
from qa.review import DecisionStore, ReviewServer

TEMPLATE = "Contact us.The office opens at nine.\n"
UNSAFE = "The talks between the council and the union stalled over the demand of the first to see the budget.\n"


def _results(tmp_path: Path, texts: dict[str, str]):
    docs = []
    for name, text in texts.items():
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        docs.append(make_document(text, path=str(p), doc_id=name))
    return list(run_records(docs, make_plan(Settings())))


@pytest.fixture
def served(tmp_path):
    results = _results(tmp_path, {"a.txt": TEMPLATE + UNSAFE})
    report = tmp_path / "report"
    report.mkdir()
    (report / "index.html").write_text("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">index",
                                       encoding="utf-8")
    store = DecisionStore(tmp_path / "qa-decisions.json", "ana", results)
    server = ReviewServer(report, store)
    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    try:
        yield server, results
    finally:
        server.shutdown()
        server.server_close()


def _req(server, method, path, body=None, host=None, ctype="application/json"):
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = {"Host": host or f"127.0.0.1:{server.port}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = ctype
    c.request(method, path, body=data, headers=headers)
    r = c.getresponse()
    out = r.status, r.read()
    c.close()
    return out


def test_server_binds_only_loopback_on_a_free_port(served):
    server, _ = served
    assert server.server_address[0] == "127.0.0.1"
    assert server.port > 0
    # no other interface of this machine answers on that port
    other = [a for a in {i[4][0] for i in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
             if not a.startswith("127.")]
    for addr in other:
        with socket.socket() as s:
            s.settimeout(1)
            assert s.connect_ex((addr, server.port)) != 0


def test_requests_without_the_token_are_refused(served, tmp_path):
    server, results = served
    fp = result_fingerprints(results[0])[0]
    t = server.token
    assert _req(server, "GET", f"/{t}/index.html")[0] == 200
    assert _req(server, "GET", f"/{t}/api/decisions")[0] == 200
    for path in ("/index.html", "/api/decisions", "/", f"/{t[:-1]}/index.html", f"/{t}x/api/decisions",
                 "/wrong/api/decisions"):
        assert _req(server, "GET", path)[0] == 404, path
    body = {"op": "dismiss", "fingerprint": fp}
    assert _req(server, "POST", "/api/decide", body)[0] == 404
    assert _req(server, "POST", f"/{t[::-1]}/api/decide", body)[0] == 404
    assert not (tmp_path / "qa-decisions.json").exists()  # nothing was written
    # another Host header (DNS rebinding) is refused even with the token
    assert _req(server, "GET", f"/{t}/api/decisions", host=f"evil.example:{server.port}")[0] == 403
    assert _req(server, "POST", f"/{t}/api/decide", body, host="evil.example")[0] == 403
    # a form post (no JSON content type) is refused
    assert _req(server, "POST", f"/{t}/api/decide", body, ctype="text/plain")[0] == 415
    assert not (tmp_path / "qa-decisions.json").exists()
    # files outside the report folder are not served
    assert _req(server, "GET", f"/{t}/../qa-decisions.json")[0] == 404
    assert _req(server, "GET", f"/{t}/%2e%2e/a.txt")[0] == 404


def test_decisions_are_written_with_who_what_when(served, tmp_path):
    server, results = served
    r = results[0]
    fps = result_fingerprints(r)
    t = server.token
    status, body = _req(server, "POST", f"/{t}/api/decide", {"op": "dismiss", "fingerprint": fps[0], "reason": "house style"})
    assert status == 200
    data = json.loads((tmp_path / "qa-decisions.json").read_text(encoding="utf-8"))
    assert data["version"] == 2
    [row] = data["decisions"]
    f = r.findings[0]
    assert row["fingerprint"] == fps[0] and row["decision"] == "dismiss" and row["rule"] == f.rule
    assert row["path"] == "a.txt" and row["reviewer"] == "ana" and row["reason"] == "house style"
    assert row["text"] == r.doc.text[f.start:f.end] and row["time"].endswith("Z")
    # served HTML may talk to this server, nothing else
    status, page = _req(server, "GET", f"/{t}/index.html")
    assert b"default-src 'none'; connect-src 'self'" in page
    # undo removes it; an unknown fingerprint is refused
    assert _req(server, "POST", f"/{t}/api/decide", {"op": "undo", "fingerprint": fps[0]})[0] == 200
    assert json.loads((tmp_path / "qa-decisions.json").read_text())["decisions"] == []
    assert _req(server, "POST", f"/{t}/api/decide", {"op": "dismiss", "fingerprint": "0" * 32})[0] == 400
    assert _req(server, "POST", f"/{t}/api/decide", {"op": "delete", "fingerprint": fps[0]})[0] == 400


def test_two_tabs_posting_together_lose_no_decision(served, tmp_path):
    server, results = served
    fps = result_fingerprints(results[0])
    assert len(fps) >= 2
    errors = []

    def post(fp):
        try:
            for _ in range(5):
                assert _req(server, "POST", f"/{server.token}/api/decide", {"op": "accept", "fingerprint": fp})[0] == 200
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(fp,)) for fp in fps]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    data = json.loads((tmp_path / "qa-decisions.json").read_text(encoding="utf-8"))
    assert sorted(d["fingerprint"] for d in data["decisions"]) == sorted(set(fps))
    assert not list(tmp_path.glob("*.tmp*"))  # no temporary file left behind


def test_ignore_all_similar_dismisses_the_rule_on_that_text_in_every_document(tmp_path):
    texts = {f"d{i}.txt": f"Story {i} begins here. " + TEMPLATE for i in range(3)}
    results = _results(tmp_path, texts)
    target = [(r, f) for r in results for f in r.findings if f.rule == "PUN002"]
    assert len(target) == 3  # "us.The" in each document
    r, f = target[0]
    store = DecisionStore(tmp_path / "qa-decisions.json", "ana", results)
    store.decide("dismiss", similar=similar_key(f.rule, r.doc.text[f.start:f.end]))
    base = load_baseline([tmp_path / "qa-decisions.json"])
    out, outcome = apply_baseline(results, base)
    assert outcome.dismissed == 3
    assert not [x for o in out for x in o.findings if x.rule == "PUN002"]
    assert sum(len(o.findings) for o in out) == sum(len(o.findings) for o in results) - 3


def test_baseline_takes_a_folder_and_a_glob_of_decision_files(tmp_path):
    results = _results(tmp_path, {"a.txt": TEMPLATE + UNSAFE})
    fps = result_fingerprints(results[0])
    dec = tmp_path / "decisions"
    dec.mkdir()
    for i, fp in enumerate(fps[:2]):
        (dec / f"ana-{i}.json").write_text(json.dumps({"version": 2, "decisions": [{"fingerprint": fp, "decision": "dismiss"}]}))
    (dec / "notes.txt").write_text("not a baseline")
    for spec in ([dec], [str(dec / "ana-*.json")]):
        base = load_baseline(spec)
        assert base.dismissed == frozenset(fps[:2])
        _, outcome = apply_baseline(results, base)
        assert outcome.dismissed == 2
    from qa.baseline import BaselineError

    with pytest.raises(BaselineError, match="matches"):
        load_baseline([str(dec / "nobody-*.json")])


def test_clean_skips_dismissed_fixes_and_applies_accepted_unsafe_ones(tmp_path):
    text = TEMPLATE + UNSAFE
    results = _results(tmp_path, {"a.txt": text})
    r = results[0]
    by_rule = {f.rule: fp for f, fp in zip(r.findings, result_fingerprints(r))}
    assert "PUN002" in by_rule and "MT202" in by_rule
    plain = clean_text(text)
    assert "us. The" in plain.text and "the first" in plain.text  # safe fix only
    store = DecisionStore(tmp_path / "qa-decisions.json", "ana", results)
    store.decide("dismiss", fingerprint=by_rule["PUN002"])
    store.decide("accept", fingerprint=by_rule["MT202"])
    decided = clean_text(text, decisions=load_baseline([tmp_path / "qa-decisions.json"]))
    assert "us.The" in decided.text  # the dismissed fix is not applied
    assert "the demand of the former to see" in decided.text  # the accepted unsafe fix is


def test_cli_clean_and_check_read_the_decisions_file(tmp_path):
    from typer.testing import CliRunner

    from qa.cli import app

    text = TEMPLATE + UNSAFE
    results = _results(tmp_path, {"a.txt": text})
    r = results[0]
    by_rule = {f.rule: fp for f, fp in zip(r.findings, result_fingerprints(r))}
    store = DecisionStore(tmp_path / "qa-decisions.json", "ana", results)
    store.decide("accept", fingerprint=by_rule["MT202"])
    store.decide("dismiss", fingerprint=by_rule["PUN002"])
    runner = CliRunner()
    res = runner.invoke(app, ["clean", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"),
                              "--decisions", str(tmp_path / "qa-decisions.json"), "--isolated"])
    assert res.exit_code == 0, res.output
    cleaned = (tmp_path / "out" / "a.txt").read_text(encoding="utf-8")
    assert "the former" in cleaned and "us.The" in cleaned
    res = runner.invoke(app, ["check", str(tmp_path / "a.txt"), "--baseline", str(tmp_path), "--isolated",
                              "--fail-on", "never", "--no-cache"])
    assert res.exit_code == 0, res.output
    assert "PUN002" not in res.stdout and "1 dismissed" in res.output
