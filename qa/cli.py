"""Command line: a thin typer layer over the library (``qa.engine``, ``qa.clean``, reporters).

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings at or above it (or a gate failed);
2 usage, configuration or pack error, or an input that could not be read.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from qa import __version__
from qa.config import ConfigError, Settings, resolve
from qa.gates import exit_code, gate_reason  # noqa: F401 - the gates live in qa.gates
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
FollowLinksOpt = Annotated[bool, typer.Option("--follow-links", help="Follow symbolic links that lead out of an input folder, and write through links inside an output folder (default: neither).")]
SourceFieldOpt = Annotated[Optional[str], typer.Option("--source-field", help="Bilingual JSON Lines/CSV/TSV: field holding the source (default: source).")]
TargetFieldOpt = Annotated[Optional[str], typer.Option("--target-field", help="Bilingual JSON Lines/CSV/TSV: field holding the target (default: target).")]
SourceLangOpt = Annotated[Optional[str], typer.Option("--source-lang", help="Source language of bilingual files that do not name it.")]
TargetLangOpt = Annotated[Optional[str], typer.Option("--target-lang", help="Target language of bilingual files that do not name it.")]
GlossaryOpt = Annotated[Optional[Path], typer.Option("--glossary", help="A glossary CSV (source,target,forbidden columns) for SRC013/SRC014.")]
RuleTimeoutOpt = Annotated[Optional[float], typer.Option("--rule-timeout", help="Stop a rule after this many seconds on one document and report it as QA000 (default 20; 0: no limit).")]


def _input_policy(encoding: Optional[str], max_bytes: Optional[int], rule_timeout: Optional[float] = None) -> None:
    from qa.guard import set_limits
    from qa.inputs import set_policy

    try:
        set_policy(encoding=encoding, max_bytes=max_bytes)
        set_limits(rule_seconds=rule_timeout)
    except ValueError as exc:
        raise _fail(str(exc)) from None


def _follow_links(flag: bool, settings: Settings) -> None:
    from qa.inputs import set_policy

    set_policy(follow_links=flag or settings.follow_links)


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


def _bilingual(settings: Settings, source_field, target_field, source_lang, target_lang, glossary) -> Settings:
    """Bilingual inputs: the reader's fields and languages, and the glossary of SRC013/SRC014."""
    from dataclasses import replace

    from qa.bilingual.readers import set_options

    set_options(source_field, target_field, source_lang, target_lang)
    if glossary is None:
        return settings
    from qa.checks.bilingual import GlossaryError, load_glossary

    try:
        load_glossary(str(glossary))
    except GlossaryError as exc:
        raise ConfigError(str(exc)) from None
    rules = {k: dict(v) for k, v in settings.rules.items()}
    for code in ("SRC013", "SRC014"):
        rules.setdefault(code, {})["glossary"] = str(glossary)
    return replace(settings, rules=rules)


def safe_name(value: object) -> str:
    from qa.report.text import safe

    return safe(value)


def _fail(msg: str, code: int = 2) -> typer.Exit:
    from qa.report.text import safe

    typer.echo(f"qa: error: {safe(msg)}", err=True)
    return typer.Exit(code)


@app.command()
def check(
    paths: PathsArg,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="Output format(s): text, jsonl, sarif, junit, csv, parquet; several comma-separated with --output-dir (default: text).")] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write the formatted output here ('-' for stdout).")] = None,
    html: Annotated[Optional[Path], typer.Option("--html", help="Write HTML reports into this folder.")] = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    severity: SeverityOpt = None,
    fail_on: Annotated[Optional[str], typer.Option("--fail-on", help="error|warning|info|never (default: error).")] = None,
    min_score: Annotated[Optional[float], typer.Option("--min-score", help="Fail when a document scores below this.")] = None,
    max_findings: Annotated[Optional[int], typer.Option("--max-findings", help="Fail when the run has more findings than this.")] = None,
    max_rate: Annotated[Optional[list[str]], typer.Option("--max-rate", help="CATEGORY=PCT: fail when more than PCT% of all sentences have a finding of CATEGORY (or 'all'); repeatable.")] = None,
    baseline: Annotated[Optional[list[Path]], typer.Option("--baseline", help="Report and gate only findings not in this baseline (from `qa baseline`) or review-decisions file; repeatable.")] = None,
    output_dir: Annotated[Optional[Path], typer.Option("--output-dir", help="Write every --format into this folder (qa.txt, qa.jsonl, qa.sarif, qa-junit.xml, qa.csv, qa.parquet).")] = None,
    documents: Annotated[bool, typer.Option("--documents", help="csv/parquet: one row per document instead of one per finding.")] = False,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    text_field: TextFieldOpt = None,
    id_field: IdFieldOpt = None,
    lang: LangOpt = None,
    statistics: Annotated[bool, typer.Option("--statistics", help="Print counts per rule.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary or progress on the terminal.")] = False,
    encoding: EncodingOpt = None,
    max_bytes: MaxBytesOpt = None,
    rule_timeout: RuleTimeoutOpt = None,
    follow_links: FollowLinksOpt = False,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Worker processes (default: all cores; 1: check in this process).")] = None,
    engine: Annotated[str, typer.Option("--engine", help="local (default) or dask (needs qa[dask]).")] = "local",
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="With --engine dask: address of a running dask.distributed scheduler (default: a local cluster).")] = None,
    shard: Annotated[Optional[str], typer.Option("--shard", help="I/N: check only the documents whose id hashes to shard I of N (0 <= I < N).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")] = False,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", help="Keep the result cache in this folder (default: one per working folder in the user's cache folder).")] = None,
    profile_rules: Annotated[bool, typer.Option("--profile-rules", help="Print the time spent in each rule (to drop slow ones).")] = False,
    source_field: SourceFieldOpt = None,
    target_field: TargetFieldOpt = None,
    source_lang: SourceLangOpt = None,
    target_lang: TargetLangOpt = None,
    glossary: GlossaryOpt = None,
) -> None:
    """Check files and folders and report findings.

    Example: qa check samples/ --html reports/
    """
    from qa.engine import make_plan
    from qa.report import text as text_report

    _input_policy(encoding, max_bytes, rule_timeout)
    try:
        settings = _settings(config, isolated, select=_split(select), ignore=_split(ignore),
                             severity=_split(severity), fail_on=fail_on, min_score=min_score,
                             max_findings=max_findings, max_rate=max_rate,
                             text_field=text_field, id_field=id_field, lang=lang)
        settings = _bilingual(settings, source_field, target_field, source_lang, target_lang, glossary)
        plan = make_plan(settings)
    except (ConfigError, PackError) as exc:
        raise _fail(str(exc)) from None
    _follow_links(follow_links, settings)
    from qa.baseline import BaselineError, load_baseline
    from qa.report.formats import FormatError, check_destinations, parse_formats

    try:
        formats = parse_formats(fmt)
        check_destinations(formats, output, output_dir)
        base = load_baseline(baseline) if baseline else None
    except (FormatError, BaselineError) as exc:
        raise _fail(str(exc)) from None

    started = time.perf_counter()
    from qa import parallel
    from qa.cache import cache_dir_for

    try:
        opts = parallel.RunOptions(
            jobs=parallel.default_jobs() if jobs is None else max(1, jobs), engine=engine.lower(),
            scheduler=scheduler, shard=parallel.parse_shard(shard) if shard else None,
            cache_dir=cache_dir_for(no_cache, cache_dir, settings),
            profile_rules=profile_rules, text_field=settings.text_field, id_field=settings.id_field)
        if opts.engine not in ("local", "dask"):
            raise ValueError(f"unknown engine {engine!r}; choose local or dask")
    except ValueError as exc:
        raise _fail(str(exc)) from None
    stats = parallel.RunStats()
    # JSON Lines alone is written as results arrive, and results are kept without their text
    stream = (parallel.JsonlStream(output, sys.stdout)
              if formats == ["jsonl"] and output_dir is None and html is None and base is None else None)
    opts.render_jsonl = stream is not None
    keep_all = stream is None
    gated = (settings.fail_on != "never" or settings.min_score is not None
             or getattr(settings, "max_findings", None) is not None or getattr(settings, "max_rate", None))
    # nothing but the JSON Lines, the summary and the gates is made from the results: they may
    # arrive as their lines and counts (--max-rate counts sentences: it needs the documents)
    opts.lines_only = stream is not None and not settings.max_rate
    results = []
    from qa.gates import RateTally

    # kept results lose their text when streaming: count --max-rate sentences on the way
    tally = RateTally(settings.max_rate) if not keep_all and settings.max_rate else None
    progress = parallel.ProgressBar(stats) if not quiet and sys.stderr.isatty() else None
    try:
        for res in parallel.run(paths, plan, opts, stats):
            if tally is not None:
                tally.add(res)
            if stream is not None:
                stream.write(res)
            if keep_all:
                results.append(res)
            elif res.error or not quiet or gated:
                results.append(parallel.light(res))
            if progress is not None:
                progress.update()
    except Exception as exc:
        if stream is not None:
            stream.close(ok=False)
        from qa.dask_engine import DaskUnavailable

        if isinstance(exc, (DaskUnavailable, OSError, ValueError)) or (opts.engine == "dask" and isinstance(exc, RuntimeError)):
            raise _fail(str(exc)) from None
        raise
    finally:
        if progress is not None:
            progress.close()
    if stream is not None:
        stream.close()
    elapsed = time.perf_counter() - started

    outcome = None
    if base is not None:
        from qa.baseline import apply_baseline

        results, outcome = apply_baseline(results, base, settings, [r.code for r in plan.rules])
    from qa.fsutil import LinkInOutput
    from qa.report.formats import emit

    try:
        if stream is None:
            emit(results, formats, output=output, output_dir=output_dir, rules=plan.rules, statistics=statistics,
                 documents=documents, baseline_used=base is not None, quiet=quiet, stdout=sys.stdout)

        if html is not None:
            from qa.clean import cleaned_texts
            from qa.report.html import write_reports

            write_reports(results, html, paths, plan.rules, cleaned=cleaned_texts(results, plan))
    except LinkInOutput as exc:
        raise _fail(exc.strerror or str(exc)) from None
    if not quiet:
        text_report.summary(results, elapsed, html=str(html) if html else None, out=sys.stderr)
        if outcome is not None:
            outcome.report(sys.stderr)
    if statistics:
        sys.stderr.write(parallel.format_run_stats(stats))
    if profile_rules:
        sys.stderr.write(parallel.format_rule_times(stats, {r.code: r.name for r in plan.rules}))

    code = exit_code(results, settings, tally)
    if code == 1 and not quiet:
        typer.echo(f"qa: {text_report.safe(gate_reason(results, settings, tally))}", err=True)
    raise typer.Exit(code)


@app.command("baseline")
def make_baseline(
    paths: PathsArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="The baseline file to write.")] = Path("qa-baseline.json"),
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    severity: SeverityOpt = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    text_field: TextFieldOpt = None,
    id_field: IdFieldOpt = None,
    lang: LangOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Record today's findings so that `qa check --baseline FILE` reports only new ones.

    Review decisions already in FILE (dismissed findings) are kept.

    Example: qa baseline corpus/ -o qa-baseline.json
    """
    from qa.baseline import BaselineError, build_baseline, load_baseline, write_baseline
    from qa.engine import make_plan, run_records
    from qa.readers import read_all

    try:
        settings = _settings(config, isolated, select=_split(select), ignore=_split(ignore),
                             severity=_split(severity), text_field=text_field, id_field=id_field, lang=lang)
        plan = make_plan(settings)
        decisions = load_baseline([output]).decisions if output.is_file() else {}
    except (ConfigError, PackError, BaselineError) as exc:
        raise _fail(str(exc)) from None
    results = list(run_records(read_all(paths, settings.text_field, settings.id_field), plan))
    bl = build_baseline(results, decisions)
    write_baseline(bl, output)
    errors = [r for r in results if r.error]
    if not quiet:
        n = sum(e.count for e in bl.entries.values())
        typer.echo(f"qa baseline: {n} finding(s) from {len(results) - len(errors)} document(s) recorded in {output}"
                   + (f"; {len(bl.decisions)} review decision(s) kept" if bl.decisions else "")
                   + (f"; {len(errors)} unreadable input(s) skipped" if errors else ""), err=True)
        for r in errors[:10]:
            from qa.report.text import safe

            typer.echo(f"  unreadable: {safe(r.path)}: {safe(r.error)}", err=True)
    raise typer.Exit(2 if errors else 0)


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
    rule_timeout: RuleTimeoutOpt = None,
    follow_links: FollowLinksOpt = False,
) -> None:
    """Write cleaned copies of the inputs with the safe fixes applied (inputs are never touched).

    Example: qa clean samples/ --out cleaned/
    """
    from qa.clean import CleanError, clean_paths
    from qa.fsutil import LinkInOutput

    if out is None and not diff:
        raise _fail("give --out DIR for the cleaned copies, or --diff to print a diff")
    _input_policy(encoding, max_bytes, rule_timeout)
    from qa.bilingual.readers import bilingual_files

    # a copy of the joined targets would not be a valid XLIFF/PO/TMX file: a bilingual file named
    # on the command line is refused; one found in a folder is skipped (qa.clean) and named here
    named = bilingual_files([p for p in paths if not os.path.isdir(p)], text_field or "text")
    if named:
        more = f" and {len(named) - 1} more" if len(named) > 1 else ""
        raise _fail(f"qa clean cannot write back bilingual files ({named[0]}{more}): XLIFF, PO/POT, TMX and "
                    "source/target JSON Lines, CSV or TSV are checked with `qa check` only")
    skipped = bilingual_files(paths, text_field or "text")
    if skipped and not quiet:
        typer.echo(f"qa clean: skipped {len(skipped)} bilingual file(s) it cannot write back, e.g. {safe_name(skipped[0])}", err=True)
    try:
        settings = _settings(config, isolated, select=_split(select), ignore=_split(ignore),
                             text_field=text_field, id_field=id_field)
        _follow_links(follow_links, settings)
        summary = clean_paths(paths, settings, out_dir=out, diff=diff, unsafe=unsafe_fixes,
                              fix_log=fix_log, stdout=sys.stdout)
    except (ConfigError, PackError, CleanError) as exc:
        raise _fail(str(exc)) from None
    except LinkInOutput as exc:
        raise _fail(exc.strerror or str(exc)) from None
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


@app.command("train-garble")
def train_garble(
    paths: PathsArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Model file to write (e.g. my.model).")],
    vocab_size: Annotated[Optional[int], typer.Option("--vocab-size", help="Pieces in the model (default: 4000, less for a small corpus).")] = None,
    text_field: TextFieldOpt = None,
) -> None:
    """Train the garble-score model (MT104) on your own clean text.

    Example: qa train-garble corpus/ -o garble.model, then set [tool.qa.rules.MT104] model = "garble.model"
    """
    from qa.garble import train, word_counts
    from qa.readers import InputError, read_all

    texts = (r.text for r in read_all(paths, text_field or "text") if not isinstance(r, InputError))
    counts = word_counts(texts)
    try:
        path = train(counts, output, vocab_size)
    except (ValueError, RuntimeError, OSError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"qa train-garble: {len(counts)} distinct words -> {path}", err=True)


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
    from qa.fsutil import run_interruptible

    run_interruptible(app)  # SIGINT/SIGTERM: no partial files, a hint how to resume
