"""Configuration: ``[tool.qa]`` in ``pyproject.toml`` or a ``qa.toml``, overridden by flags.

Precedence, lowest first: rule defaults, config file, command-line flags. ``resolve()`` returns one
frozen ``Settings``; nothing else reads configuration. Unknown keys and unknown rule codes are
``ConfigError`` (the CLI exits with 2), with a "did you mean" hint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from qa import schema as _schema
from qa.model import CATEGORIES, INTERNAL_CATEGORY, Rule, Severity
from qa.schema import FAIL_ON, ConfigError  # noqa: F401 - the schema of every key lives there


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    fail_on: str = "error"
    min_score: float | None = None
    min_confidence: float | None = None  # drop findings whose measured confidence is below this
    max_findings: int | None = None  # gate: more findings than this in the run fails
    max_rate: Mapping[str, float] = field(default_factory=dict)  # gate: category -> max % of sentences
    packs: tuple[str, ...] = ()
    lang: str = "en"
    text_field: str = "text"
    id_field: str = "id"
    rules: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    weights: Mapping[str, float] = field(
        default_factory=lambda: {"error": 10.0, "warning": 3.0, "info": 0.5}
    )
    cap_per_rule: int = 5
    warn_below: float = 90.0
    fail_below: float = 50.0
    config_path: str | None = None
    cache_dir: str | None = None  # the result cache folder (default: in the user's cache folder)
    follow_links: bool = False  # follow symbolic links that lead out of an input folder
    #: identify documents' languages (the ``language`` field, the English-only scope, the
    #: ``language`` category's rules); off, a document whose record names no language is taken
    #: to be in ``lang``
    language_id: bool = True

    def fingerprint(self) -> str:
        """A stable hash of everything that changes findings (for caches and reports)."""
        d = asdict(self)
        d.pop("config_path", None)
        d.pop("cache_dir", None)  # where results are kept, not what they are
        d.pop("follow_links", None)  # which files are read, not what a file's findings are
        for gate in ("max_findings", "max_rate"):  # gates read findings; they do not change them
            d.pop(gate, None)
        return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:16]


#: config-file key -> Settings attribute (the types and values are checked by ``qa.schema``)
_KEYS = {k: (v.attr if v is not None else None) for k, v in _schema.KEYS.items()}
_SCORING_KEYS = {k: v.attr for k, v in _schema.SCORING.items()}


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``qa.toml``, or ``pyproject.toml`` with a ``[tool.qa]`` table, upwards."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        q = d / "qa.toml"
        if q.is_file():
            return q
        p = d / "pyproject.toml"
        if p.is_file():
            import tomllib

            try:
                data = tomllib.loads(p.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                continue
            if "qa" in data.get("tool", {}):
                return p
    return None


def load_file(path: Path) -> dict[str, object]:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("qa", {})
    return data


def _hint(word: str, options: Iterable[str]) -> str:
    import difflib  # only for a message: not imported by a run without a mistake

    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def from_mapping(data: Mapping[str, object], base: Settings | None = None, origin: str = "config") -> Settings:
    s = base or Settings()
    updates = _schema.convert(data, origin)  # every key's type and allowed values
    if "max_rate" in updates:  # flags add to (or override, per category) the file's table
        updates["max_rate"] = {**s.max_rate, **updates["max_rate"]}  # type: ignore[dict-item]
    return replace(s, **updates)  # type: ignore[arg-type]


def resolve(
    config: Path | None = None,
    overrides: Mapping[str, object] | None = None,
    search_from: Path | None = None,
    isolated: bool = False,
) -> Settings:
    base = Settings()
    path = config if config is not None else (None if isolated else find_config(search_from))
    if path is not None:
        base = from_mapping(load_file(path), base, origin=str(path))
        if base.packs:  # pack paths are relative to the config file
            base = replace(base, packs=tuple(str((path.parent / p).resolve()) for p in base.packs))
        if base.cache_dir:  # so is the cache folder
            base = replace(base, cache_dir=str((path.parent / Path(base.cache_dir).expanduser()).resolve()))
        base = replace(base, config_path=str(path))
    if overrides:
        clean = {k: v for k, v in overrides.items() if v is not None}
        base = from_mapping(clean, base, origin="command line")
    _schema.check_settings(base.warn_below, base.fail_below, base.config_path or "command line")
    return base


# --------------------------------------------------------------------------- selection
def _matches(rule: Rule, selector: str) -> bool:
    sel = selector.strip()
    if sel.upper() == "ALL":
        return True
    if sel.lower() in CATEGORIES:
        return rule.category == sel.lower()
    return rule.code.startswith(sel.upper())


#: ``QA000`` findings (a rule crashed or ran out of time) and their category: not a rule, reported
#: whenever a selected rule fails, so selecting them adds no rule and ignoring them is refused
INTERNAL_SELECTORS = ("QA000", INTERNAL_CATEGORY.upper())


def validate_selectors(selectors: Sequence[str], rules: Sequence[Rule], what: str) -> None:
    for sel in selectors:
        if sel.strip().upper() in INTERNAL_SELECTORS:
            if what == "ignore":
                raise ConfigError(f"{what}: {sel.strip()!r} cannot be ignored: QA000 ({INTERNAL_CATEGORY}) reports a rule "
                                  "that crashed or ran out of time, whose findings are missing; ignore that rule "
                                  "(its code is in the message) or raise --rule-timeout")
            continue
        if not any(_matches(r, sel) for r in rules) and sel.upper() != "ALL":
            options = [r.code for r in rules] + list(CATEGORIES)
            raise ConfigError(f"{what}: unknown rule code, prefix or category {sel!r}{_hint(sel.upper(), options)}")


#: categories whose rules ``ALL`` does not select: duplicate documents are a corpus-curation
#: question (translations of one source by several systems are near-duplicates by design), so
#: they run when named: ``--select ALL,duplicate``, ``extend-select = ["duplicate"]``, ``qa clean --dedupe``
OPT_IN_CATEGORIES = ("duplicate",)


def select_rules(rules: Sequence[Rule], settings: Settings) -> list[Rule]:
    """Apply select / extend-select / ignore. The most specific selector wins (ruff's model)."""
    validate_selectors(settings.select, rules, "select")
    validate_selectors(settings.extend_select, rules, "extend-select")
    validate_selectors(settings.ignore, rules, "ignore")
    for code in settings.severity:
        if not any(r.code == code for r in rules):
            raise ConfigError(f"severity: unknown rule code {code!r}{_hint(code, [r.code for r in rules])}")
    for code in settings.rules:
        known = [r for r in rules if r.code == code]
        if not known:
            raise ConfigError(f"rules: unknown rule code {code!r}{_hint(code, [r.code for r in rules])}")
        rule_options(known[0], settings)  # options are checked even for a rule this run does not select

    def specificity(sel: str) -> int:
        return 0 if sel.upper() == "ALL" else (1 if sel.lower() in CATEGORIES else len(sel))

    out: list[Rule] = []
    for r in rules:
        best_sel = max((specificity(s) for s in (*settings.select, *settings.extend_select) if _matches(r, s)), default=-1)
        best_ign = max((specificity(s) for s in settings.ignore if _matches(r, s)), default=-1)
        if best_sel == 0 and r.category in OPT_IN_CATEGORIES:
            continue  # selected only by name: its category, a code prefix or its code
        if best_sel >= 0 and best_sel > best_ign:
            if not settings.language_id and r.category == LANGUAGE_CATEGORY:
                # the rules that identify languages do not run without language ID; naming
                # one is a contradiction, not a selection to drop silently
                if any(sel.strip().upper() == r.code for sel in (*settings.select, *settings.extend_select)):
                    raise ConfigError(f"{r.code} identifies languages: it cannot run with "
                                      "language-id = false (--no-language-id)")
                continue
            out.append(r)
    return out


#: the category of the rules that identify languages (not run with ``language_id`` off)
LANGUAGE_CATEGORY = "language"


def effective_severity(rule: Rule, settings: Settings) -> Severity:
    return Severity(settings.severity.get(rule.code, rule.severity))


def rule_options(rule: Rule, settings: Settings) -> dict[str, object]:
    opts = dict(rule.options)
    extra = settings.rules.get(rule.code, {})
    unknown = set(extra) - set(opts)
    if unknown:
        raise ConfigError(
            f"rules.{rule.code}: unknown option(s) {sorted(unknown)}; known: {sorted(opts) or 'none'}"
        )
    for name, value in extra.items():
        opts[name] = _schema.check_rule_option(rule.code, name, rule.options[name], value, settings.config_path)
    opts.setdefault("lang", settings.lang)
    return opts
