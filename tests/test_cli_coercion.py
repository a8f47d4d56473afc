"""The command line converts its values without pydantic (``qa.usage.plain_coercion``) and gets
what typer's own coercion gets: for every parameter of every command, on the values a command
line gives (and on those typer refuses, which still get typer's error)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import typer

from qa.cli import app
from qa.usage import UsageCommand, UsageGroup, plain_coercion

_coercion = pytest.importorskip("typer._coercion", reason="a typer that coerces with click's types")

ROOT = Path(__file__).resolve().parent.parent

#: values a command line may give a parameter, by its annotation's name (texts as argv gives them)
VALUES = {
    "str": ["", "text", "-", "caf\u00e9", " two words "],
    "int": ["0", "7", "-3", "007", "+3", " 4", "1_000", "1.0", "1.5", "abc", "\u0661\u0662", 5],
    "float": ["0", "0.5", "-2.25", "20", "1e3", ".5", "5.", "nan", "abc", "+1", 0.75],
    "Path": ["a.txt", "samples", "-", "", "no/such/file.txt", Path("x.txt")],
    "bool": ["true", "0", "", "maybe"],
}


def _params():
    group = typer.main.get_command(app)
    ctx = typer.core._click.Context(group) if hasattr(typer.core, "_click") else None
    out = [(f"qa {name}", p) for name, cmd in sorted(group.commands.items()) for p in cmd.get_params(ctx)]
    out += [("qa", p) for p in group.get_params(ctx)]
    return group, ctx, out


def _outcome(runtime, value, param, ctx):
    try:
        got = runtime.coerce(value, param=param, ctx=ctx)
        return "ok", type(got).__name__, repr(got)  # repr: nan is nan
    except Exception as exc:  # noqa: BLE001 - the error is part of what must match
        return "error", type(exc).__name__, str(exc)


def test_every_command_is_a_usage_command():
    group = typer.main.get_command(app)
    assert isinstance(group, UsageGroup)
    assert group.commands and all(isinstance(c, UsageCommand) for c in group.commands.values())


def test_plain_coercion_gives_what_typers_coercion_gives_for_every_parameter(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    group, ctx, params = _params()
    seen = set()
    compared = 0
    for where, p in params:
        desc = p.type_descriptor
        ann = desc.annotation
        inner = getattr(ann, "__args__", (ann,))[0] if getattr(ann, "__origin__", None) is list else ann
        name = getattr(inner, "__name__", str(inner))
        assert name in VALUES, (where, p.name, ann)
        seen.add(name)
        typers = _coercion.build_runtime_param(desc)
        p._runtime_param = None
        plain_coercion(type("One", (), {"get_params": lambda self, c, p=p: [p]})(), ctx)
        plain = p._runtime_param
        assert plain is not None and type(plain).__name__ == "PlainRuntimeParam", (where, p.name)
        values = VALUES[name]
        if inner is not ann:  # a list: each value alone, and all of them in one list
            values = [[v] for v in values] + [values, [], ()]
        for v in [None, *values]:
            assert _outcome(plain, v, p, ctx) == _outcome(typers, v, p, ctx), (where, p.name, v)
            compared += 1
    assert {"str", "int", "float", "Path", "bool"} <= seen
    assert compared > 500


def test_a_one_file_check_and_a_usage_error_import_no_pydantic(tmp_path):
    """``qa check`` of a file, and ``--jobs abc`` (typer's own error, which then needs pydantic)."""
    short = tmp_path / "short.txt"
    short.write_text("The new bridge over the river opened to traffic on Monday morning.\n", encoding="utf-8")
    code = """
        import json, runpy, sys
        sys.argv = ["qa", *sys.argv[1:]]
        code = 0
        try:
            runpy.run_module("qa", run_name="__main__")
        except SystemExit as exc:
            code = exc.code
        print(json.dumps({"code": code, "pydantic": "pydantic" in sys.modules}))
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(*args):
        proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                              env=env, cwd=tmp_path, timeout=300)
        return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr

    got, _ = run("check", str(short), "-q", "--isolated", "--cache-dir", str(tmp_path / "c"), "--jobs", "1",
                 "--min-score", "0.5", "--format", "jsonl", "-o", str(tmp_path / "out.jsonl"))
    assert got == {"code": 0, "pydantic": False}
    assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()[0])["path"].endswith("short.txt")
    got, err = run("check", str(short), "--jobs", "abc")  # typer's message, as without plain coercion
    assert got["code"] == 2
    assert err.startswith("qa: error: Invalid value for '--jobs'") and "valid integer" in err


# --------------------------------------------------------------------------- one command built
def test_a_command_line_naming_a_command_builds_that_command_only_and_reads_the_same():
    """``app_for``: the app of ``qa check ...`` holds ``check`` only; every command's help and a
    usage error read as in the full app, and anything that is not a command name gets the app."""
    from typer.testing import CliRunner

    from qa.cli import app_for, command_name

    names = [command_name(ci) for ci in app.registered_commands]
    assert {"check", "baseline", "clean", "rules", "rule", "eval", "train-garble"} <= set(names)
    runner = CliRunner()
    for name in names:
        one = app_for([name, "x"])
        assert [command_name(ci) for ci in one.registered_commands] == [name]
        for args in ([name, "--help"], [name, "--no-such-option"]):
            want, got = runner.invoke(app, args), runner.invoke(one, args)
            assert (got.exit_code, got.output) == (want.exit_code, want.output), args
            assert want.output
    for args in ([], ["--help"], ["--version"], ["chek"], ["-q"]):
        assert app_for(args) is app
