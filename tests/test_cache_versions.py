"""The result cache's key reads qa's dependency versions from the ``.dist-info`` folders on the
path (``qa.cache.installed_versions``): the same text ``importlib.metadata`` gives."""

from __future__ import annotations

import sys

from qa import cache


def test_dependency_versions_from_the_path_are_those_of_importlib_metadata():
    assert cache._dependency_versions() == cache._dependency_versions_metadata()


def test_installed_versions_names_the_folder_and_version(tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "Foo_Bar-1.2.3.dist-info").mkdir(parents=True)
    (site / "foo_bar-9.9.dist-info").mkdir()  # a second copy later on the path is shadowed
    other = tmp_path / "other"
    (other / "foo_bar-0.1.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(site / "missing"), str(other), str(site)])
    got = cache.installed_versions()
    assert got["foo-bar"] == (str(other / "foo_bar-0.1.dist-info"), "0.1")
    monkeypatch.setattr(sys, "path", [str(site)])
    assert cache.installed_versions()["foo-bar"][1] == "1.2.3"  # sorted: 'Foo_Bar-1.2.3' before 'foo_bar-9.9'
