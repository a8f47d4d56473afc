"""Usage errors of the command line, in qa's one form: ``qa: error: ...`` on standard error, exit 2.

qa's own checks (``qa.schema``, ``qa.config``) print that line themselves; ``UsageGroup`` gives
click's parse errors (an unknown option or command, a missing argument, a flag value of the wrong
type such as ``--jobs abc``) the same form instead of click's usage block, so that CI logs and
scripts see one shape of error whatever found it.

It also spares a run pydantic (``plain_coercion``): a typer that turns values into a
parameter's type with pydantic's ``TypeAdapter`` builds one for every parameter of the command,
and importing pydantic and building them costs a one-file run more than checking the file.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import typer
import typer.core

#: the click that typer runs on (recent typer vendors its own copy as ``typer._click``)
click = getattr(typer.core, "_click", None) or __import__("click")


class _UsageError(click.exceptions.UsageError):
    """A click usage error (an unknown option, a value of the wrong type) shown as qa shows every
    usage error: ``qa: error: ...`` and exit code 2."""

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        from qa.report.text import safe

        msg = self.format_message().rstrip(".")
        if self.ctx is not None:
            msg += f"; see '{self.ctx.command_path} {self.ctx.help_option_names[0]}'"
        click.echo(f"qa: error: {safe(msg)}", err=True)


def _as_qa_usage_error(exc: "click.exceptions.UsageError") -> "click.exceptions.UsageError":
    if isinstance(exc, (_UsageError, getattr(click.exceptions, "NoArgsIsHelpError", _UsageError))):
        return exc
    return _UsageError(exc.format_message(), exc.ctx)


# --------------------------------------------------------------------------- values without pydantic
_INT_RE = re.compile(r"-?[0-9]+")
_FLOAT_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
#: a value ``_plain_value`` leaves to typer's own coercion
_TYPERS = object()


def _plain_value(annotation: object, value: object, info: object, param: object, ctx: object) -> object:
    """``value`` as typer's pydantic coercion gives it, for the plain cases of a command line: a
    ``str``; an ``int`` or ``float`` written in ASCII digits (``12``, ``-3``, ``0.5``) or given as
    one; a ``Path`` (typer's own checks of it run); a list of those. ``_TYPERS`` for anything
    else (``1_000``, ``1e3``, ``abc``, a value typer refuses), which typer's coercion then gets."""
    if getattr(info, "parser", None) is not None:
        return _TYPERS
    if annotation is str:
        return value if type(value) is str else _TYPERS
    if annotation is int or annotation is float:
        if getattr(info, "min", None) is not None or getattr(info, "max", None) is not None:
            return _TYPERS
        if type(value) is annotation:
            return value
        if type(value) is str and (_INT_RE if annotation is int else _FLOAT_RE).fullmatch(value):
            return annotation(value)  # type: ignore[operator]
        return _TYPERS
    if annotation is Path:
        if type(value) is not str and not isinstance(value, Path):
            return _TYPERS
        from typer._param_types import coerce_cli_path

        try:  # typer's checks (exists, readable ...), given the Path pydantic would make of the text
            return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - typer's coercion raises its own error for it
            return _TYPERS
    if getattr(annotation, "__origin__", None) is list and isinstance(value, (list, tuple)):
        (item,) = getattr(annotation, "__args__", (None, None))[:1] or (None,)
        out = [_plain_value(item, v, info, param, ctx) for v in value]
        return _TYPERS if any(v is _TYPERS for v in out) else out
    return _TYPERS


@functools.cache
def _plain_runtime_param() -> type | None:
    """The ``RuntimeParam`` of typer's coercion that tries ``_plain_value`` first and builds
    typer's own (a pydantic ``TypeAdapter``) only for a value it leaves; ``None`` for a typer
    that coerces otherwise (click's types: no pydantic to spare)."""
    try:
        from dataclasses import dataclass, field

        from typer._coercion import RuntimeParam, build_runtime_param
    except ImportError:
        return None

    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):
        descriptor: object = None
        typers: list = field(default_factory=list)  # typer's own, built on the first value left to it

        def _coerce_value(self, value, param, ctx):  # type: ignore[no-untyped-def]
            got = _plain_value(self.annotation, value, self.parameter_info, param, ctx)
            if got is not _TYPERS:
                return got
            if not self.typers:
                self.typers.append(build_runtime_param(self.descriptor))  # type: ignore[arg-type]
            return self.typers[0]._coerce_value(value, param=param, ctx=ctx)

    return PlainRuntimeParam


def plain_coercion(command: object, ctx: object) -> None:
    """Give the parameters ``command`` (a typer command or group) parses in ``ctx`` the coercion
    of ``_plain_runtime_param``, where typer would build its pydantic one on first use."""
    cls = _plain_runtime_param()
    if cls is None:
        return
    for p in command.get_params(ctx):  # type: ignore[attr-defined]
        desc = getattr(p, "type_descriptor", None)
        if desc is None or getattr(p, "_runtime_param", True) is not None:
            continue
        if getattr(desc, "file_annotation", None) is not None:
            continue  # an open file: typer's own coercion, which needs no pydantic
        p._runtime_param = cls(parameter_info=desc.parameter_info, annotation=desc.annotation, descriptor=desc)


class UsageGroup(typer.core.TyperGroup):
    """The command group: every click usage error below it is shown as ``qa: error: ...``; its
    parameters convert their values without pydantic (``plain_coercion``)."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        plain_coercion(self, ctx)
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.UsageError as exc:
            raise _as_qa_usage_error(exc) from None

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except click.exceptions.UsageError as exc:
            raise _as_qa_usage_error(exc) from None


class UsageCommand(typer.core.TyperCommand):
    """A command of ``UsageTyper``: its parameters convert their values without pydantic."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        plain_coercion(self, ctx)
        return super().parse_args(ctx, args)


class UsageTyper(typer.Typer):
    """``typer.Typer`` whose commands are ``UsageCommand`` unless a command names its class."""

    def command(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["cls"] = kwargs.get("cls") or UsageCommand
        return super().command(*args, **kwargs)


__all__ = ["UsageCommand", "UsageGroup", "UsageTyper", "plain_coercion"]
