"""Usage errors of the command line, in qa's one form: ``qa: error: ...`` on standard error, exit 2.

qa's own checks (``qa.schema``, ``qa.config``) print that line themselves; ``UsageGroup`` gives
click's parse errors (an unknown option or command, a missing argument, a flag value of the wrong
type such as ``--jobs abc``) the same form instead of click's usage block, so that CI logs and
scripts see one shape of error whatever found it.
"""

from __future__ import annotations

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


class UsageGroup(typer.core.TyperGroup):
    """The command group: every click usage error below it is shown as ``qa: error: ...``."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.UsageError as exc:
            raise _as_qa_usage_error(exc) from None

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except click.exceptions.UsageError as exc:
            raise _as_qa_usage_error(exc) from None


__all__ = ["UsageGroup"]
