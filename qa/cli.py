"""Command line: a thin typer layer over the library (``qa.engine``, ``qa.clean``, reporters).

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings at or above it (or a gate failed);
2 usage, configuration or pack error, or an input that could not be read.
"""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from qa import __version__
from qa.config import ConfigError, Settings, resolve
from qa.packs import PackError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="qa: find and fix machine-translation garble and scraper debris in text.")

PathsArg = Annotated[list[str], typer.Argument(help="Files or folders (.txt, .md, .jsonl).")]
SelectOpt = Annotated[Optional[list[str]], typer.Option("--select", "-s", help="Rule codes, prefixes or categories to run (comma-separated or repeated).")]
IgnoreOpt = Annotated[Optional[list[str]], typer.Option("--ignore", help="Rule codes, prefixes or categories to skip.")]
SeverityOpt = Annotated[Optional[list[str]], typer.Option("--severity", help="Per-rule severity override, CODE=error|warning|info.")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="A qa.toml or pyproject.toml to use instead of the nearest one.")]
IsolatedOpt = Annotated[bool, typer.Option("--isolated", help="Ignore configuration files.")]
TextFieldOpt = Annotated[Optional[str], typer.Option("--text-field", help="JSON Lines field holding the text (default: text).")]
IdFieldOpt = Annotated[Optional[str], typer.Option("--id-field", help="JSON Lines field holding the id (default: id).")]
LangOpt = Annotated[Optional[str], typer.Option("--lang", help="Expected document language (default: en).")]
EncodingOpt = Annotated[Optional[str], typer.Option("--encoding", help="Input encoding: utf-8 (default; UTF-16/32 with a BOM also read), auto (guess with charset-normalizer), or a codec name such as latin-1.")]
MaxBytesOpt = Annotated[Optional[int], typer.Option("--max-bytes", help="Report larger files (and JSON Lines records) as errors instead of reading them (default 64 MiB; 0: no limit).")]


def _input_policy(encoding: Optional[str], max_bytes: Optional[int]) -> None:
    from qa.inputs import set_policy

    try:
        set_policy(encoding=encoding, max_bytes=max_bytes)
    except ValueError as exc:
        raise _fail(str(exc)) from None


def _split(values: Optional[list[str]]) -> Optional[list[str]]:
    if values is None:
        return None
    out: list[str] = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def _settings(config: Optional[Path], isolated: bool, **over: object) -> Settings:
    sev = over.pop("severity", None)
    overrides: dict[str, object] = {k.replace("_", "-"): v for k, v in over.items() if v is not None}
    if sev:
        table: dict[str, str] = {}
        for item in sev:  # type: ignore[union-attr]
            if "=" not in item:
                raise ConfigError(f"--severity takes CODE=LEVEL, not {item!r}")
            code, level = item.split("=", 1)
            table[code.strip().upper()] = level.strip().lower()
        overrides["severity"] = table
    return resolve(config=config, overrides=overrides, isolated=isolated)


def _fail(msg: str, code: int = 2) -> typer.Exit:
    typer.echo(f"qa: error: {msg}", err=True)
    return typer.Exit(code)


@app.command()
def check(
    paths: PathsArg,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="Output format: text or jsonl (default: text).")] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write the formatted output here ('-' for stdout).")] = None,
    html: Annotated[Optional[Path], typer.Option("--html", help="Write HTML reports into this folder.")] = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    severity: SeverityOpt = None,
    fail_on: Annotated[Optional[str], typer.Option("--fail-on", help="error|warning|info|never (default: error).")] = None,
    min_score: Annotated[Optional[float], typer.Option("--min-score", help="Fail when a document scores below this.")] = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    text_field: TextFieldOpt = None,
    id_field: IdFieldOpt = None,
    lang: LangOpt = None,
    statistics: Annotated[bool, typer.Option("--statistics", help="Print counts per rule.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary or progress on the terminal.")] = False,
    encoding: EncodingOpt = None,
    max_bytes: MaxBytesOpt = None,
) -> None:
    """Check files and folders and report findings.

    Example: qa check samples/ --html reports/
    """
    from qa.engine import make_plan, run_records
    from qa.readers import iter_files, read_path
    from qa.report import jsonl as jsonl_report
    from qa.report import text as text_report

    _input_policy(encoding, max_bytes)
    try:
        settings = _settings(config, isolated, select=_split(select), ignore=_split(ignore),
                             severity=_split(severity), fail_on=fail_on, min_score=min_score,
                             text_field=text_field, id_field=id_field, lang=lang)
        plan = make_plan(settings)
    except (ConfigError, PackError) as exc:
        raise _fail(str(exc)) from None
    fmt = (fmt or "text").lower()
    if fmt not in ("text", "jsonl"):
        raise _fail(f"unknown format {fmt!r}; choose text or jsonl")

    started = time.perf_counter()
    files = list(iter_files(paths))
    records = (rec for p in files for rec in read_path(p, settings.text_field, settings.id_field))
    results = []
    progress = None
    if not quiet and sys.stderr.isatty() and len(files) > 1:
        from rich.progress import Progress

        progress = Progress(transient=True)
        progress.start()
        task = progress.add_task("checking", total=len(files))
    last_path = None
    for res in run_records(records, plan):
        results.append(res)
        if progress is not None and res.path != last_path:
            progress.advance(task)
            last_path = res.path
    if progress is not None:
        progress.stop()
    elapsed = time.perf_counter() - started

    buf = io.StringIO()
    if fmt == "jsonl":
        jsonl_report.write(results, buf)
    else:
        text_report.write(results, buf, statistics=statistics)
    if output and output != "-":
        from qa.fsutil import atomic_write_text

        atomic_write_text(output, buf.getvalue())
    elif output == "-" or fmt == "jsonl" or not quiet:
        sys.stdout.write(buf.getvalue())

    if html is not None:
        from qa.report.html import write_reports

        write_reports(results, html, paths, plan.rules)
    if not quiet:
        text_report.summary(results, elapsed, html=str(html) if html else None, out=sys.stderr)

    code = exit_code(results, settings)
    if code == 1 and not quiet:
        typer.echo(f"qa: {gate_reason(results, settings)}", err=True)
    raise typer.Exit(code)


def exit_code(results: list, settings: Settings) -> int:
    if any(r.error for r in results):
        return 2
    return 1 if gate_reason(results, settings) else 0


def gate_reason(results: list, settings: Settings) -> str:
    ranks = {"info": 0, "warning": 1, "error": 2}
    if settings.fail_on != "never":
        need = ranks[settings.fail_on]
        n = sum(1 for r in results for f in r.findings if f.severity.rank >= need)
        if n:
            return f"failed: {n} finding(s) at or above --fail-on {settings.fail_on}"
    if settings.min_score is not None:
        low = [r for r in results if r.error is None and r.score < settings.min_score]
        if low:
            return f"failed: {len(low)} document(s) scored below --min-score {settings.min_score:g} (lowest {min(r.score for r in low):g}: {low[0].path})"
    return ""


@app.command()
def clean(
    paths: PathsArg,
    out: Annotated[Optional[Path], typer.Option("--out", help="Folder for the cleaned copies (mirrors the input tree).")] = None,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff instead of writing files.")] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="Also apply fixes marked unsafe.")] = False,
    fix_log: Annotated[Optional[Path], typer.Option("--fix-log", help="Write the JSON Lines fix log here (default: OUT/qa-fixes.jsonl).")] = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    text_field: TextFieldOpt = None,
    id_field: IdFieldOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    encoding: EncodingOpt = None,
    max_bytes: MaxBytesOpt = None,
) -> None:
    """Write cleaned copies of the inputs with the safe fixes applied (inputs are never touched).

    Example: qa clean samples/ --out cleaned/
    """
    from qa.clean import CleanError, clean_paths

    if out is None and not diff:
        raise _fail("give --out DIR for the cleaned copies, or --diff to print a diff")
    _input_policy(encoding, max_bytes)
    try:
        settings = _settings(config, isolated, select=_split(select), ignore=_split(ignore),
                             text_field=text_field, id_field=id_field)
        summary = clean_paths(paths, settings, out_dir=out, diff=diff, unsafe=unsafe_fixes,
                              fix_log=fix_log, stdout=sys.stdout)
    except (ConfigError, PackError, CleanError) as exc:
        raise _fail(str(exc)) from None
    if not quiet:
        typer.echo(f"qa clean: {summary.files} file(s), {summary.documents} document(s), "
                   f"{summary.changed} changed, {summary.edits} edit(s), {summary.errors} unreadable"
                   + (f"; fix log: {summary.log_path}" if summary.log_path else ""), err=True)
    raise typer.Exit(2 if summary.errors else 0)


@app.command("rules")
def list_rules(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or md.")] = "table",
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
) -> None:
    """List every rule: code, name, category, severity, fix, summary.

    Example: qa rules --format md
    """
    from qa.engine import make_plan

    try:
        plan = make_plan(_settings(config, isolated, select=["ALL"], ignore=[]))
    except (ConfigError, PackError) as exc:
        raise _fail(str(exc)) from None
    rules = plan.rules
    if fmt == "json":
        typer.echo(json.dumps([{"code": r.code, "name": r.name, "category": r.category,
                                "severity": str(r.severity), "fix": r.fixable, "summary": r.summary,
                                "source": r.source} for r in rules], indent=2, ensure_ascii=False))
    elif fmt == "md":
        typer.echo("| code | name | category | severity | fix | summary |\n|---|---|---|---|---|---|")
        for r in rules:
            typer.echo(f"| {r.code} | {r.name} | {r.category} | {r.severity} | {'yes' if r.fixable else ''} | {r.summary} |")
    elif fmt == "table":
        for r in rules:
            typer.echo(f"{r.code:<8} {r.name:<38} {r.category:<14} {str(r.severity):<8} {'fix' if r.fixable else '   '}  {r.summary}")
    else:
        raise _fail(f"unknown format {fmt!r}; choose table, json or md")


@app.command("rule")
def show_rule(code: Annotated[str, typer.Argument(help="A rule code, e.g. PUN001.")]) -> None:
    """Print a rule's documentation, generated from the rule and its examples.

    Example: qa rule PUN002
    """
    from qa.docs import rule_markdown
    from qa.registry import all_rules, get_rule

    try:
        rules = all_rules()
    except PackError as exc:
        raise _fail(str(exc)) from None
    r = get_rule(code, rules)
    if r is None:
        import difflib

        close = difflib.get_close_matches(code.upper(), [x.code for x in rules], n=1)
        raise _fail(f"unknown rule {code!r}" + (f" (did you mean {close[0]}?)" if close else ""))
    typer.echo(rule_markdown(r), nl=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qa {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """qa: find and fix machine-translation garble and scraper debris in text."""


def run() -> None:  # console-script entry point
    app()
