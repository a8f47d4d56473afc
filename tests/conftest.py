from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

# A test module that lists the rules when it is collected (parametrize over all_rules()) runs
# before any fixture: no cache of the user's (build caches of the rules included) is read then.
os.environ.setdefault("QA_NO_CACHE", "1")


@pytest.fixture(autouse=True)
def _isolated_cwd_config(monkeypatch, tmp_path_factory):
    # Tests must not pick up a developer's own qa.toml outside the repo.
    monkeypatch.setenv("QA_TESTING", "1")
    # Nor read or write a result cache, unless a test asks for one (tests/test_scale.py).
    monkeypatch.setenv("QA_NO_CACHE", "1")
    # and a test that does keeps it (and its key file) out of the user's own cache folder
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
    yield


@pytest.fixture
def start_up_cache(monkeypatch, tmp_path) -> Path:
    """The start-up caches on (``qa.cache.start_up_folder``), in a cache folder of the test's own
    (``tmp_path / "xdg"``) with a new per-user secret; ``tmp_path`` is returned."""
    import qa.cache

    monkeypatch.delenv("QA_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(qa.cache, "_SECRETS", {})
    return tmp_path


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES


def run_rule(rule, text: str, markdown: bool = False):
    """Run one rule on a text through the engine (so severities/options apply as in a real run)."""
    from qa.config import Settings
    from qa.engine import make_plan, check_document
    from qa.readers import make_document

    plan = make_plan(Settings(select=(rule.code,)))
    if rule.code.startswith("SRC"):  # source-aware: examples are "source ||| target" lines
        from qa.bilingual.model import example_document

        doc = example_document(text)
    else:
        doc = make_document(text, markdown=markdown)
    return [f for f in check_document(doc, plan, strict=True) if f.rule == rule.code]
