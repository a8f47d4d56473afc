"""The configuration schema: every ``[tool.qa]`` key, its type and its allowed values.

Configuration comes from a file (``qa.toml`` or ``[tool.qa]``) and from flags; both go through
``convert`` before anything is read or checked, so a value of the wrong type or outside its
range is a ``ConfigError`` naming the key (the command line prints ``qa: error: ...`` and exits
with 2) instead of a traceback in the middle of a run, or a crash of every document.

* ``KEYS`` holds one ``Key`` per top-level key and ``SCORING`` the keys of ``[scoring]``: the
  Settings attribute, what the value must be (for the message) and the function that checks
  and normalises it.
* ``check_rule_option`` checks ``[rules.CODE]`` options against the rule's own defaults: an
  option whose default is a whole number takes a whole number, a number takes a number, a
  boolean a boolean, a string a string; a few option names also have allowed values
  (``RULE_OPTION_VALUES``).
* ``check_output_file`` / ``check_output_folder`` refuse a destination of the wrong kind (a
  folder given to ``-o``, a file given to ``--html``) before the run starts.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from qa.model import CATEGORIES, Severity

#: the ``fail-on`` levels
FAIL_ON = ("error", "warning", "info", "never")
SEVERITIES = tuple(str(s) for s in Severity)


class ConfigError(ValueError):
    """A configuration value or flag that cannot be used (exit code 2)."""


def _bad(origin: str, key: str, what: str, value: object) -> ConfigError:
    return ConfigError(f"{origin}: {key} must be {what}, not {_show(value)}")


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --------------------------------------------------------------------------- value checks
Check = Callable[[object, str, str], object]


def string_list(value: object, origin: str, key: str) -> tuple[str, ...]:
    """A comma-separated string or a list of non-empty strings."""
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    raise _bad(origin, key, "a list of strings (or one comma-separated string)", value)


def choice(options: tuple[str, ...]) -> Check:
    def check(value: object, origin: str, key: str) -> str:
        if not isinstance(value, str) or value not in options:
            raise _bad(origin, key, "one of " + ", ".join(options), value)
        return value

    return check


def number(lo: float | None = None, hi: float | None = None) -> Check:
    def check(value: object, origin: str, key: str) -> float:
        if not _is_number(value) or (lo is not None and value < lo) or (hi is not None and value > hi):  # type: ignore[operator]
            what = "a number" + (f" from {lo:g} to {hi:g}" if lo is not None and hi is not None
                                 else f" >= {lo:g}" if lo is not None else "")
            raise _bad(origin, key, what, value)
        return float(value)  # type: ignore[arg-type]

    return check


def whole(lo: int = 0) -> Check:
    def check(value: object, origin: str, key: str) -> int:
        if not _is_whole(value) or value < lo:  # type: ignore[operator]
            raise _bad(origin, key, f"a whole number >= {lo}", value)
        return int(value)  # type: ignore[arg-type]

    return check


def folder_path(value: object, origin: str, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise _bad(origin, key, "a folder path (a string)", value)
    return value


def boolean(value: object, origin: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise _bad(origin, key, "true or false", value)
    return value


def field_name(value: object, origin: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad(origin, key, "a non-empty field name (a string)", value)
    return value


def language(value: object, origin: str, key: str) -> str:
    if not isinstance(value, str):
        raise _bad(origin, key, "a language code such as 'en' (a string)", value)
    _check_language(value, f"{origin}: {key}")
    return value


def _check_language(value: str, where: str) -> None:
    from qa.language import LANGUAGES, language_code

    if language_code(value) is None:
        import difflib

        close = difflib.get_close_matches(value.lower(), LANGUAGES, n=1)
        raise ConfigError(f"{where}: unsupported language {value!r}"
                          + (f" (did you mean {close[0]!r}?)" if close else "")
                          + f"; qa knows the {len(LANGUAGES)} language codes of its language "
                          "identifier (ISO 639: en, es, pt, zh, ...)")


def severity_table(value: object, origin: str, key: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _bad(origin, key, "a table of CODE = error|warning|info", value)
    out: dict[str, str] = {}
    for code, sev in value.items():
        if not isinstance(sev, str) or sev not in SEVERITIES:
            raise ConfigError(f"{origin}: {key}.{code} must be error, warning or info, not {_show(sev)}")
        out[str(code).strip().upper()] = sev
    return out


#: the ``--max-rate`` key that counts findings of every category
ALL_CATEGORIES = "all"


def parse_rates(value: object, origin: str = "max-rate") -> dict[str, float]:
    """``{"encoding": 0.5}``, ``"encoding=0.5,whitespace=2%"`` or ``["encoding=0.5"]`` -> mapping."""
    items: list[tuple[str, object]] = []
    if isinstance(value, Mapping):
        items = [(str(k), v) for k, v in value.items()]
    else:
        parts: list[str] = []
        for v in ([value] if isinstance(value, str) else list(value)):  # type: ignore[call-overload]
            if not isinstance(v, str):
                raise ConfigError(f"{origin}: expected CATEGORY=PCT, not {v!r}")
            parts.extend(x.strip() for x in v.split(",") if x.strip())
        for p in parts:
            if "=" not in p:
                raise ConfigError(f"{origin}: expected CATEGORY=PCT, not {p!r}")
            k, v = p.split("=", 1)
            items.append((k, v))
    out: dict[str, float] = {}
    for k, v in items:
        cat = k.strip().lower()
        if cat != ALL_CATEGORIES and cat not in CATEGORIES:
            import difflib

            close = difflib.get_close_matches(cat, [*CATEGORIES, ALL_CATEGORIES], n=1)
            raise ConfigError(f"{origin}: unknown category {k.strip()!r}"
                              + (f" (did you mean {close[0]!r}?)" if close else "")
                              + f"; use one of {', '.join(CATEGORIES)} or all")
        try:
            pct = float(str(v).strip().rstrip("%")) if not isinstance(v, (int, float)) or isinstance(v, bool) else float(v)
        except ValueError:
            raise ConfigError(f"{origin}: {cat}: {v!r} is not a percentage") from None
        if isinstance(v, bool) or not 0.0 <= pct <= 100.0:
            raise ConfigError(f"{origin}: {cat}: the percentage must be between 0 and 100, not {v!r}")
        out[cat] = pct
    return dict(sorted(out.items()))


def rate_table(value: object, origin: str, key: str) -> dict[str, float]:
    if not isinstance(value, (Mapping, str, list, tuple)):
        raise _bad(origin, key, "a table of CATEGORY = PCT or CATEGORY=PCT strings", value)
    return parse_rates(value, f"{origin}: {key}")


def rules_table(value: object, origin: str, key: str) -> dict[str, dict[str, object]]:
    """``[rules.CODE]`` tables; the options are checked against each rule (``check_rule_option``)."""
    if not isinstance(value, Mapping):
        raise _bad(origin, key, "a table of [rules.CODE] tables", value)
    out: dict[str, dict[str, object]] = {}
    for code, opts in value.items():
        if not isinstance(opts, Mapping):
            raise ConfigError(f"{origin}: {key}.{code} must be a table of options, not {_show(opts)}")
        out[str(code)] = dict(opts)
    return out


def weights_table(value: object, origin: str, key: str) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise _bad(origin, key, "a table such as { error = 10, warning = 3, info = 0.5 }", value)
    out: dict[str, float] = {}  # a severity left out weighs nothing
    for sev, w in value.items():
        if sev not in SEVERITIES:
            raise ConfigError(f"{origin}: {key}: unknown severity {sev!r}; use error, warning or info")
        out[str(sev)] = number(0.0)(w, origin, f"{key}.{sev}")  # type: ignore[assignment]
    return out


@dataclass(frozen=True)
class Key:
    attr: str  # the Settings attribute
    check: Check


KEYS: dict[str, Key | None] = {
    "select": Key("select", string_list),
    "ignore": Key("ignore", string_list),
    "extend-select": Key("extend_select", string_list),
    "severity": Key("severity", severity_table),
    "fail-on": Key("fail_on", choice(FAIL_ON)),
    "min-score": Key("min_score", number(0, 100)),
    "min-confidence": Key("min_confidence", number(0, 1)),
    "max-findings": Key("max_findings", whole(0)),
    "max-rate": Key("max_rate", rate_table),
    "packs": Key("packs", string_list),
    "lang": Key("lang", language),
    "text-field": Key("text_field", field_name),
    "id-field": Key("id_field", field_name),
    "rules": Key("rules", rules_table),
    "cache-dir": Key("cache_dir", folder_path),
    "follow-links": Key("follow_links", boolean),
    "language-id": Key("language_id", boolean),
    "scoring": None,  # a table of SCORING keys
}
SCORING: dict[str, Key] = {
    "weights": Key("weights", weights_table),
    "cap-per-rule": Key("cap_per_rule", whole(1)),
    "warn-below": Key("warn_below", number(0, 100)),
    "fail-below": Key("fail_below", number(0, 100)),
}


def _unknown(origin: str, key: str, options: Mapping[str, object]) -> ConfigError:
    import difflib

    close = difflib.get_close_matches(key.split(".")[-1], list(options), n=1)
    return ConfigError(f"{origin}: unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))


def convert(data: Mapping[str, object], origin: str) -> dict[str, object]:
    """Check every key of ``data`` (a config table or the flags) -> Settings attribute updates."""
    out: dict[str, object] = {}
    for key, value in data.items():
        if key not in KEYS:
            raise _unknown(origin, key, KEYS)
        spec = KEYS[key]
        if spec is not None:
            out[spec.attr] = spec.check(value, origin, key)
            continue
        if not isinstance(value, Mapping):
            raise _bad(origin, key, "a table ([scoring] or [tool.qa.scoring])", value)
        for k, v in value.items():
            if k not in SCORING:
                raise _unknown(origin, f"{key}.{k}", SCORING)
            out[SCORING[k].attr] = SCORING[k].check(v, origin, f"{key}.{k}")
    return out


def check_settings(warn_below: float, fail_below: float, origin: str) -> None:
    if fail_below > warn_below:
        raise ConfigError(f"{origin}: scoring.fail-below ({fail_below:g}) must not be above "
                          f"scoring.warn-below ({warn_below:g})")


# --------------------------------------------------------------------------- rule options
def _backend(value: object, where: str) -> None:
    from qa.language import BACKENDS

    if value not in BACKENDS:
        raise ConfigError(f"{where} must be one of {', '.join(BACKENDS)}, not {_show(value)}")


def _expected_language(value: object, where: str) -> None:
    if value:
        _check_language(str(value), where)


def _model_file(value: object, where: str) -> None:
    if value and not Path(str(value)).is_file():
        raise ConfigError(f"{where}: no model file {value!r} (make one with `qa train-garble`)")


#: option names whose values are restricted beyond their type (by any rule that has them)
RULE_OPTION_VALUES: dict[str, Callable[[object, str], None]] = {
    "backend": _backend,
    "expected": _expected_language,
    "model": _model_file,
}


def check_rule_option(code: str, name: str, default: object, value: object, origin: str | None = None) -> object:
    """``value`` for option ``name`` of rule ``code``, checked against the type of its default."""
    where = (f"{origin}: " if origin else "") + f"rules.{code}.{name}"
    if isinstance(default, bool):
        ok, what = isinstance(value, bool), "true or false"
    elif _is_whole(default):
        ok, what = _is_whole(value), "a whole number"
    elif isinstance(default, float):
        ok, what = _is_number(value), "a number"
    elif isinstance(default, str):
        ok, what = isinstance(value, str), "a string"
    elif isinstance(default, (list, tuple)):
        ok, what = isinstance(value, (list, tuple)), "a list"
    else:
        ok, what = True, ""
    if ok and _is_number(default) and default >= 0 and _is_number(value) and value < 0:  # type: ignore[operator]
        ok, what = False, f"{what} >= 0"
    if not ok:
        raise ConfigError(f"{where} must be {what} (like its default {_show(default)}), not {_show(value)}")
    if name in RULE_OPTION_VALUES:
        RULE_OPTION_VALUES[name](value, where)
    if isinstance(default, float) and _is_whole(value):
        return float(value)  # type: ignore[arg-type]
    return value


# --------------------------------------------------------------------------- destinations
def check_output_file(path: str | os.PathLike[str] | None, flag: str) -> None:
    """``flag`` names a file to write: not a folder, and its folder is not a file."""
    if path is None or str(path) == "-":
        return
    p = Path(path)
    if p.is_dir():
        raise ConfigError(f"{flag} {str(path)!r} is a folder; give a file name")
    for parent in p.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise ConfigError(f"{flag} {str(path)!r}: {str(parent)!r} is a file, not a folder")
            break


def check_output_folder(path: str | os.PathLike[str] | None, flag: str) -> None:
    """``flag`` names a folder to write into: not an existing file (nor one inside a file)."""
    if path is None:
        return
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise ConfigError(f"{flag} {str(path)!r} is a file; give a folder")
    for parent in p.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise ConfigError(f"{flag} {str(path)!r}: {str(parent)!r} is a file, not a folder")
            break


def check_jobs(jobs: int | None) -> None:
    if jobs is not None and jobs < 1:
        raise ConfigError(f"--jobs must be at least 1 (1: check in this process), not {jobs}")


__all__ = ["FAIL_ON", "KEYS", "RULE_OPTION_VALUES", "SCORING", "ConfigError", "check_jobs", "check_output_file",
           "check_output_folder", "check_rule_option", "check_settings", "convert"]
