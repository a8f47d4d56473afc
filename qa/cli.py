"""Command line: a thin typer layer over the library (``qa.engine``, ``qa.clean``, reporters).

Exit codes: 0 no finding at or above ``--fail-on``; 1 findings at or above it (or a gate failed);
2 usage, configuration or pack error, or an input that could not be read.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from qa.version import __version__
from qa.config import ConfigError, Settings, resolve
from qa.gates import exit_code, gate_reason  # noqa: F401 - the gates live in qa.gates
from qa.packs import PackError
from qa.schema import check_jobs
from qa.usage import UsageGroup, UsageTyper

app = UsageTyper(add_completion=False, no_args_is_help=True, rich_markup_mode=None, cls=UsageGroup,
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
NoLanguageIdOpt = Annotated[bool, typer.Option("--no-language-id", help="Identify no languages: a document whose record names none is taken to be in --lang (default en), its language field stays empty, and the rules that identify languages (category language) do not run. Faster on a corpus known to be in one language.")]
FollowLinksOpt = Annotated[bool, typer.Option("--follow-links", help="Follow symbolic links that lead out of an input folder, and write through links inside an output folder (default: neither).")]
SourceFieldOpt = Annotated[Optional[str], typer.Option("--source-field", help="Bilingual JSON Lines/CSV/TSV: field holding the source (default: source).")]
TargetFieldOpt = Annotated[Optional[str], typer.Option("--target-field", help="Bilingual JSON Lines/CSV/TSV: field holding the target (default: target).")]
SourceLangOpt = Annotated[Optional[str], typer.Option("--source-lang", help="Source language of bilingual files that do not name it.")]
TargetLangOpt = Annotated[Optional[str], typer.Option("--target-lang", help="Target language of bilingual files that do not name it.")]
GlossaryOpt = Annotated[Optional[Path], typer.Option("--glossary", help="A glossary, CSV (source,target,forbidden columns) or TBX, for SRC013/SRC014.")]
JobsOpt = Annotated[Optional[int], typer.Option("--jobs", "-j", help="Worker processes (default: all cores).")]
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


def _destinations(*items: tuple[str, object, bool]) -> None:
    """(flag, path, is a folder): refuse a destination of the wrong kind before any work."""
    from qa.schema import check_output_file, check_output_folder

    for flag, path, folder in items:
        if path is not None:
            (check_output_folder if folder else check_output_file)(str(path), flag)


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
    min_confidence: Annotated[Optional[float], typer.Option("--min-confidence", help="Report only findings whose rule's measured precision is at least X (0-1); unmeasured rules are dropped too.")] = None,
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
    no_language_id: NoLanguageIdOpt = False,
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
    summary_file: Annotated[Optional[Path], typer.Option("--summary", help="Write a JSON run summary here (counts per rule and category, scores, timing), with any format and with -q.")] = None,
    source_field: SourceFieldOpt = None,
    target_field: TargetFieldOpt = None,
    source_lang: SourceLangOpt = None,
    target_lang: TargetLangOpt = None,
    glossary: GlossaryOpt = None,
) -> None:
    """Check files and folders and report findings.

    Example: qa check samples/ --html reports/
    """
    wall = time.perf_counter()  # the summary's time: the whole command, HTML included
    from qa.engine import make_plan
    from qa.report import text as text_report

    _input_policy(encoding, max_bytes, rule_timeout)
    try:
        settings = _settings(config, isolated, select=_split(select), ignore=_split(ignore),
                             severity=_split(severity), fail_on=fail_on, min_score=min_score,
                             min_confidence=min_confidence, max_findings=max_findings, max_rate=max_rate,
                             text_field=text_field, id_field=id_field, lang=lang,
                             language_id=False if no_language_id else None)
        _destinations(("-o", output, False), ("--output-dir", output_dir, True), ("--html", html, True))
        check_jobs(jobs)
        settings = _bilingual(settings, source_field, target_field, source_lang, target_lang, glossary)
        from qa.runner.terminal import loading

        with loading(quiet):  # the progress from the first second: the rules take a while to load
            plan = make_plan(settings)
    except (ConfigError, PackError) as exc:
        raise _fail(str(exc)) from None
    _follow_links(follow_links, settings)
    from qa.report.formats import FormatError, check_destinations, parse_formats

    from qa.destinations import DestinationError, check_report_outputs

    try:
        formats = parse_formats(fmt)
        check_destinations(formats, output, output_dir)
        check_report_outputs(paths, output, output_dir, formats, documents, html)  # never over an input
    except (FormatError, DestinationError) as exc:
        raise _fail(str(exc)) from None
    base = None
    if baseline:  # (qa.baseline imported only for a run that has one)
        from qa.baseline import BaselineError, load_baseline

        try:
            base = load_baseline(baseline)
        except BaselineError as exc:
            raise _fail(str(exc)) from None

    from qa.runner.options import RunOptions, RunStats, default_jobs
    from qa.runner.pipeline import run
    from qa.runner.shard import parse_shard
    from qa.runner.terminal import (JsonlStream, ProgressBar, command_seconds, format_rule_times, format_run_stats, light,
                                    progress_wanted)
    from qa.cache import cache_dir_for

    try:
        opts = RunOptions(
            jobs=default_jobs() if jobs is None else jobs, engine=engine.lower(),
            scheduler=scheduler, shard=parse_shard(shard) if shard else None,
            cache_dir=cache_dir_for(no_cache, cache_dir, settings),
            profile_rules=profile_rules, text_field=settings.text_field, id_field=settings.id_field)
        if opts.engine not in ("local", "dask"):
            raise ValueError(f"unknown engine {engine!r}; choose local or dask")
    except ValueError as exc:
        raise _fail(str(exc)) from None
    stats = RunStats()
    # JSON Lines alone is written as results arrive, and results are kept without their text
    stream = (JsonlStream(output, sys.stdout)
              if formats == ["jsonl"] and output_dir is None and html is None and base is None else None)
    opts.render_jsonl = stream is not None
    opts.cleaned = html is not None  # the report's Cleaned view, made where each document is checked
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
    progress = ProgressBar(stats) if progress_wanted(quiet) else None
    opts.measure_input = progress is not None  # the bar's totals: the input files' sizes
    from qa.summary import Tally

    run_tally = Tally() if summary_file is not None else None
    try:
        results_of_run = run(paths, plan, opts, stats)  # the inputs measured: the bar's totals
        if progress is not None:
            progress.update()  # shown from the first second, before the first result
        for res in results_of_run:
            if tally is not None:
                tally.add(res)
            if run_tally is not None and base is None:
                run_tally.add(res)
            if stream is not None:
                stream.write(res)
            if keep_all:
                results.append(res)
            elif res.error or not quiet or gated:
                results.append(light(res))
            if progress is not None:
                progress.update()
        if progress is not None:
            progress.finish()  # its last state stays on screen, above the HTML phase
    except Exception as exc:
        if stream is not None:
            stream.close(ok=False)
        from qa.dask_engine import DaskUnavailable

        if isinstance(exc, (DaskUnavailable, OSError, ValueError)) or (opts.engine == "dask" and isinstance(exc, RuntimeError)):
            raise _fail(str(exc)) from None
        raise
    except BaseException:  # interrupted (SIGINT/SIGTERM): leave no temporary file behind
        if stream is not None:
            stream.close(ok=False)
        raise
    finally:
        if progress is not None:
            progress.close()
    if stream is not None:
        stream.close()

    outcome = None
    if base is not None:
        from qa.baseline import apply_baseline

        unfiltered = results
        results, outcome = apply_baseline(results, base, settings, [r.code for r in plan.rules])
        if run_tally is not None:
            for res in results:
                run_tally.add(res)
    if run_tally is not None:
        from qa.summary import write_summary

        timing = {k: v for k, v in stats.as_dict().items() if k in ("seconds", "documents_per_second", "mb_per_second")}
        timing["seconds"] = round(command_seconds(wall), 3)  # the whole command so far
        try:
            write_summary(run_tally, summary_file, {**timing, "workers": stats.workers, "engine": stats.engine})
        except OSError as exc:
            raise _fail(f"cannot write the summary {summary_file}: {exc}") from None
    from qa.fsutil import LinkInOutput
    from qa.report.formats import emit

    try:
        if (stream is None and formats == ["text"] and output is None and output_dir is None and not quiet
                and sys.stdout.isatty()):  # a person reading: grouped by file, in colour
            text_report.write_grouped(results, sys.stdout, colour=not os.environ.get("NO_COLOR"))
            if statistics:
                text_report.write_statistics(results, sys.stdout)
        elif stream is None:
            emit(results, formats, output=output, output_dir=output_dir, rules=plan.rules, statistics=statistics,
                 documents=documents, baseline_used=base is not None, quiet=quiet, stdout=sys.stdout)

        if html is not None:
            if progress is None and not quiet and sys.stderr.isatty():
                sys.stderr.write(f"writing the HTML report ({len(results)} page(s)) to {text_report.safe(html)} ...\n")
            from qa.clean import cleaned_texts
            from qa.report.html import write_reports

            shown, decided = results, None
            if base is not None and (base.decisions or base.similar):
                # the pages keep dismissed findings, hidden and counted ("3 dismissed, show")
                from dataclasses import replace as _replace

                from qa.baseline import apply_baseline

                shown, _ = apply_baseline(unfiltered, _replace(base, decisions={}, similar={}), settings)
                decided = base
            cleaned = cleaned_texts(shown if progress is None else progress.phase("preparing HTML", shown), plan)
            write_reports(shown if progress is None else progress.phase("writing HTML", shown), html, paths, plan.rules,
                          cleaned=cleaned, decisions=decided)
    except LinkInOutput as exc:
        raise _fail(exc.strerror or str(exc)) from None
    if not quiet:
        text_report.summary(results, command_seconds(wall), html=str(html) if html else None, out=sys.stderr)
        if outcome is not None:
            outcome.report(sys.stderr)
        sys.stderr.write(text_report.final_line(results) + "\n")
    if statistics:
        sys.stderr.write(format_run_stats(stats))
    if profile_rules:
        sys.stderr.write(format_rule_times(stats, {r.code: r.name for r in plan.rules}))

    code = exit_code(results, settings, tally)
    if code == 1:  # the one-line reason, even with --quiet: a CI log must say why it failed
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
    no_language_id: NoLanguageIdOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    jobs: JobsOpt = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")] = False,
) -> None:
    """Record today's findings so that `qa check --baseline FILE` reports only new ones.

    Review decisions already in FILE (dismissed findings) are kept.

    Example: qa baseline corpus/ -o qa-baseline.json
    """
    from qa.baseline import BaselineError, build_baseline, load_baseline, write_baseline
    from qa.destinations import DestinationError, Inputs, check_output
    from qa.cache import cache_dir_for
    from qa.engine import make_plan
    from qa.runner.options import RunOptions, default_jobs
    from qa.runner.pipeline import run

    try:
        settings = _settings(config, isolated, select=_split(select), ignore=_split(ignore),
                             severity=_split(severity), text_field=text_field, id_field=id_field, lang=lang,
                             language_id=False if no_language_id else None)
        _destinations(("-o", output, False))
        check_jobs(jobs)
        plan = make_plan(settings)
        check_output(output, Inputs.of(paths), "the baseline")
        previous = load_baseline([output]) if output.is_file() else None
    except (ConfigError, PackError, BaselineError, DestinationError) as exc:
        raise _fail(str(exc)) from None
    opts = RunOptions(jobs=default_jobs() if jobs is None else jobs, cache_dir=cache_dir_for(no_cache, None, settings),
                      text_field=settings.text_field, id_field=settings.id_field)
    results = list(run(paths, plan, opts))
    bl = build_baseline(results, previous.decisions if previous else None,
                        previous.legacy_decisions if previous else None)
    if previous is not None:
        bl.similar.update(previous.similar)
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
    out: Annotated[Optional[Path], typer.Option("--out", help="Folder for the cleaned copies (mirrors the input tree; each copy in its input's format; the folder is replaced as a whole when the run completes).")] = None,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff instead of writing files.")] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="Also apply fixes marked unsafe (and remove template lines repeated across documents).")] = False,
    dedupe: Annotated[bool, typer.Option("--dedupe", help="Leave out duplicate documents (DUP101, DUP102); the log says why.")] = False,
    fix_log: Annotated[Optional[Path], typer.Option("--fix-log", help="Write the JSON Lines fix log here (default: OUT/qa-fixes.jsonl).")] = None,
    decisions: Annotated[Optional[list[Path]], typer.Option("--decisions", help="Review decisions (from `qa review` or the HTML report; a file, folder or glob): skip fixes of dismissed findings, apply unsafe fixes of accepted ones.")] = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    text_field: TextFieldOpt = None,
    id_field: IdFieldOpt = None,
    no_language_id: NoLanguageIdOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    encoding: EncodingOpt = None,
    max_bytes: MaxBytesOpt = None,
    rule_timeout: RuleTimeoutOpt = None,
    follow_links: FollowLinksOpt = False,
    source_field: SourceFieldOpt = None,
    target_field: TargetFieldOpt = None,
    source_lang: SourceLangOpt = None,
    target_lang: TargetLangOpt = None,
    glossary: GlossaryOpt = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Worker processes that check and fix the documents (default: all cores; 1: in this process). The copies are the same whatever it is.")] = None,
    engine: Annotated[str, typer.Option("--engine", help="local (default) or dask (needs qa[dask]).")] = "local",
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="With --engine dask: address of a running dask.distributed scheduler (default: a local cluster).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read the result cache (qa clean reads what qa check wrote; it writes nothing).")] = False,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", help="Read the result cache from this folder (default: as qa check).")] = None,
) -> None:
    """Write cleaned copies of the inputs with the safe fixes applied (inputs are never touched).

    Example: qa clean samples/ --out cleaned/
    """
    from qa.baseline import BaselineError, load_baseline
    from qa.cache import cache_dir_for
    from qa.clean import CleanError, CleanRunFailed, clean_paths
    from qa.dask_engine import DaskUnavailable
    from qa.fsutil import LinkInOutput
    from qa.runner.options import RunOptions, default_jobs

    if out is None and not diff:
        raise _fail("give --out DIR for the cleaned copies, or --diff to print a diff")
    _input_policy(encoding, max_bytes, rule_timeout)
    try:
        settings = _settings(config, isolated, select=_split(select), ignore=_split(ignore),
                             text_field=text_field, id_field=id_field,
                             language_id=False if no_language_id else None)
        settings = _bilingual(settings, source_field, target_field, source_lang, target_lang, glossary)
        _follow_links(follow_links, settings)
        _destinations(("--out", out, True), ("--fix-log", fix_log, False))
        decided = load_baseline(decisions) if decisions else None
        check_jobs(jobs)
        if engine.lower() not in ("local", "dask"):
            raise CleanError(f"unknown engine {engine!r}; choose local or dask")
        run = RunOptions(jobs=default_jobs() if jobs is None else jobs, engine=engine.lower(), scheduler=scheduler,
                         cache_dir=cache_dir_for(no_cache, cache_dir, settings))
        summary = clean_paths(paths, settings, out_dir=out, diff=diff, unsafe=unsafe_fixes,
                              fix_log=fix_log, stdout=sys.stdout, dedupe=dedupe, decisions=decided, run=run)
    except (ConfigError, PackError, CleanError, BaselineError, DaskUnavailable, CleanRunFailed) as exc:
        raise _fail(str(exc)) from None
    except LinkInOutput as exc:
        raise _fail(exc.strerror or str(exc)) from None
    if not quiet:
        from qa.report.text import safe

        typer.echo(f"qa clean: {summary.files} file(s), {summary.documents} document(s), "
                   f"{summary.changed} changed, {summary.edits} edit(s), {summary.errors} unreadable"
                   + (f", {summary.dropped} duplicate(s) dropped" if dedupe else "")
                   + (f"; fix log: {safe(summary.log_path)}" if summary.log_path else ""), err=True)
        for p, why in summary.not_written[:10]:
            typer.echo(f"  not written: {safe(p)}: {safe(why)}", err=True)
        for p, rid, why in summary.record_errors[:10]:
            typer.echo(f"  copied unchanged: {safe(p)} [{safe(rid)}]: {safe(why)}", err=True)
        more = len(summary.not_written[10:]) + max(0, summary.errors - len(summary.not_written) - 10)
        if more > 0:
            typer.echo(f"  ... and {more} more (listed in {safe(str(summary.out_dir))}/.qa-clean.json)"
                       if summary.out_dir else f"  ... and {more} more", err=True)
    raise typer.Exit(2 if summary.errors else 0)


@app.command("report")
def report(
    results: Annotated[list[Path], typer.Argument(help="JSON Lines outputs of qa check (--format jsonl).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for report.html, report.md and the SVG plots.")],
) -> None:
    """Summarise results as HTML and Markdown with plots: findings per rule and category, the
    score histogram, the worst documents, counts per source.

    Example: qa check corpus/ --format jsonl -o results.jsonl && qa report results.jsonl --out summary/
    """
    from qa.report.summary_report import ReportError, write_report

    try:
        written = write_report(results, out)
    except (ReportError, OSError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"qa report: wrote {', '.join(str(p) for p in written[:2])}", err=True)
    raise typer.Exit(0)


@app.command()
def review(
    paths: PathsArg,
    decisions: Annotated[Path, typer.Option("--decisions", help="The project decisions file every click is written to.")] = Path("qa-decisions.json"),
    reviewer: Annotated[Optional[str], typer.Option("--reviewer", help="Name stored with each decision (default: the OS user).")] = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Print the address instead of opening a browser.")] = False,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (default: a free one).")] = 0,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    text_field: TextFieldOpt = None,
    id_field: IdFieldOpt = None,
    lang: LangOpt = None,
    jobs: JobsOpt = None,
) -> None:
    """Check, then serve the report on 127.0.0.1 and write every decision into one file.

    Example: qa review samples/ --decisions qa-decisions.json
    """
    from qa.review import run_review

    try:
        settings = _settings(config, isolated, select=_split(select), ignore=_split(ignore),
                             text_field=text_field, id_field=id_field, lang=lang)
        _destinations(("--decisions", decisions, False))
        check_jobs(jobs)
        if not 0 <= port <= 65535:
            raise ConfigError(f"--port must be between 0 and 65535, not {port}")
        code = run_review(paths, settings, decisions, reviewer, open_browser=not no_browser, port=port, jobs=jobs)
    except (ConfigError, PackError, ValueError, OSError) as exc:
        raise _fail(str(exc)) from None
    raise typer.Exit(code)


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
    typer.echo(rule_markdown(r, evidence=True), nl=False)


@app.command("eval")
def eval_cmd(
    labels: Annotated[Path, typer.Argument(help="Label file: JSON Lines of spans, line labels or segment scores, or a qa-decisions.json.")],
    paths: Annotated[Optional[list[str]], typer.Argument(help="Documents to check (or, with --predictions, to read the texts from).")] = None,
    predictions: Annotated[Optional[Path], typer.Option("--predictions", help="Score this qa JSON Lines output instead of running qa.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or md.")] = "table",
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write the report here ('-' for stdout).")] = None,
    min_severity: Annotated[str, typer.Option("--min-severity", help="Score only findings at or above: info, warning or error.")] = "info",
    min_confidence: Annotated[Optional[float], typer.Option("--min-confidence", help="Score only findings with a measured confidence of at least X.")] = None,
    group_field: Annotated[Optional[str], typer.Option("--group-field", help="Label field counted for support (source site, story ...).")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="Label field(s), comma-separated: overall numbers per value (combination).")] = None,
    positive: Annotated[Optional[str], typer.Option("--positive", help="Segment scores: when a segment is positive, e.g. '<=-5' or '>=5'.")] = None,
    line_categories: Annotated[str, typer.Option("--line-categories", help="Finding categories that line labels judge (comma-separated).")] = "boilerplate",
    positive_labels: Annotated[str, typer.Option("--positive-labels", help="Line labels that are positive.")] = "boilerplate,error,bad,positive",
    neutral_labels: Annotated[str, typer.Option("--neutral-labels", help="Line labels left out of line precision/recall (a finding on them counts as right).")] = "meta",
    min_overlap: Annotated[float, typer.Option("--min-overlap", help="Share of a line's characters findings must cover to flag it.")] = 0.5,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    severity: SeverityOpt = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    text_field: TextFieldOpt = None,
    id_field: IdFieldOpt = None,
    lang: LangOpt = None,
    jobs: JobsOpt = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")] = False,
) -> None:
    """Score qa's findings against labels: precision (95% Wilson interval), support and recall per rule.

    Example: qa eval labels.jsonl corpus/ --group-field source
    """
    from qa import evaluate as ev

    if min_severity not in ev.SEV_RANK:
        raise _fail(f"--min-severity must be info, warning or error, not {min_severity!r}")
    if fmt not in ("table", "json", "md"):
        raise _fail(f"unknown format {fmt!r}; choose table, json or md")
    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        raise _fail("--min-confidence must be between 0 and 1")
    if not paths and predictions is None:
        raise _fail("give the documents to check (PATH...) or --predictions FILE")
    try:
        settings = _settings(config, isolated, select=_split(select), ignore=_split(ignore),
                             severity=_split(severity), text_field=text_field, id_field=id_field, lang=lang)
        from qa.engine import make_plan

        plan = make_plan(settings)
        label_set = ev.load_labels(labels, positive)
    except (ConfigError, PackError, ev.LabelError) as exc:
        raise _fail(str(exc)) from None
    if min_confidence is None:
        min_confidence = settings.min_confidence
    codes = frozenset(r.code for r in plan.rules) | {"QA000"}
    try:
        if predictions is not None:
            preds = ev.load_predictions(predictions)
            if paths:  # the texts, for line labels and review decisions
                from qa.model import FileResult
                from qa.readers import InputError, read_all

                texts: dict[object, object] = {}
                for rec in read_all(paths, settings.text_field, settings.id_field):
                    if not isinstance(rec, InputError):  # by path and id, by id, by file name
                        for k in ((rec.path, rec.id), ("id", rec.id), ("base", os.path.basename(rec.path), rec.id)):
                            texts.setdefault(k, rec)
                for p in preds:
                    doc = (texts.get((p.path, p.id)) or texts.get(("id", p.id))
                           or texts.get(("base", os.path.basename(p.path), p.id)))
                    if doc is not None:
                        p.text = doc.text
                        p.result = FileResult(path=doc.path, id=doc.id, doc=doc, findings=[])
            selected = codes if (select or ignore or settings.select != ("ALL",) or settings.ignore) else None
        else:
            from qa.runner.options import RunOptions, default_jobs
            from qa.runner.pipeline import run

            opts = RunOptions(
                jobs=default_jobs() if jobs is None else max(1, jobs),
                cache_dir=None if no_cache or os.environ.get("QA_NO_CACHE") else os.path.abspath(".qa_cache"),
                text_field=settings.text_field, id_field=settings.id_field)
            preds = ev.from_results(run(paths or [], plan, opts))
            selected = None
        options = ev.Options(min_severity=min_severity, min_confidence=min_confidence, rules=selected,
                             line_categories=tuple(_split([line_categories]) or ()),
                             positive_labels=tuple(_split([positive_labels]) or ()),
                             neutral_labels=tuple(_split([neutral_labels]) or ()),
                             min_overlap=min_overlap, group_field=group_field, by=by)
        result = ev.evaluate(label_set, preds, options)
    except (ev.LabelError, OSError, ValueError) as exc:
        raise _fail(str(exc)) from None
    text = ev.render(result, fmt)
    if output and output != "-":
        from qa.fsutil import atomic_write_text

        atomic_write_text(output, text)
    else:
        sys.stdout.write(text)
    raise typer.Exit(0)


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

    try:
        _destinations(("-o", output, False))
    except ConfigError as exc:
        raise _fail(str(exc)) from None

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


def command_name(info: object) -> str:
    """The name a registered command is called by (``train_garble`` -> ``train-garble``)."""
    name = getattr(info, "name", None)
    return name if name else getattr(info, "callback").__name__.lower().replace("_", "-")


def app_for(args: list[str]) -> typer.Typer:
    """``app``, or, for a command line that names one of its commands, a copy of ``app`` that
    holds that command only: typer builds the click command of every registered command when it
    starts (reading each parameter's annotation), and a run calls one. The command parses and
    runs as it does in ``app``; anything else (``--help``, ``--version``, an unknown name, which
    ``app`` answers with its list of commands) gets ``app`` itself."""
    import copy

    if not args or args[0].startswith("-"):
        return app
    infos = [ci for ci in app.registered_commands if command_name(ci) == args[0]]
    if len(infos) != 1:
        return app
    one = copy.copy(app)
    one.registered_commands = infos
    return one


def run() -> None:  # console-script entry point
    from qa.fsutil import run_interruptible

    run_interruptible(app_for(sys.argv[1:]))  # SIGINT/SIGTERM: no partial files, a hint how to resume
