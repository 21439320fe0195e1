"""Command-line interface: ``paktsim <command> ...``.

Exit codes: 0 success, 2 bad input (one line per problem on stderr, nothing
written), 1 unexpected internal error (short message, no traceback unless
``PAKTSIM_DEBUG=1``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from paktsim._version import __version__
from paktsim.commands import COMMANDS
from paktsim.errors import InputError

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors exit with code 2 and one clear line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        from paktsim.i18n import gettext as _

        see = _("see '%s --help'") % self.prog
        self.exit(2, f"{self.prog}: {_('error')}: {message}\n({see})\n")


def _german_argparse() -> None:
    """Route argparse's own strings ("usage:", "options", errors) through the catalogue."""
    from paktsim import i18n

    argparse._ = i18n.gettext  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


def _problem_lines(exc: InputError) -> list[str]:
    """The error's lines with each message translated (``got`` → ``erhalten``)."""
    from paktsim.i18n import gettext, translate_problem

    lines = []
    for problem in exc.problems:
        line = problem.format(exc.source)
        head = ": ".join([p for p in (exc.source, problem.location) if p] + [problem.message])
        rest = line[len(head):]
        if rest.startswith(" (got "):
            rest = f" ({gettext('got')} " + rest[len(" (got "):]
        lines.append(head[:len(head) - len(problem.message)]
                     + translate_problem(problem.message) + rest)
    return lines


def build_parser() -> argparse.ArgumentParser:
    """Build the full parser with every available sub-command."""
    parser = _Parser(
        prog="paktsim",
        description=(
            "Planungs- und Verteilungsmodell für den Pakt für Integration "
            "(Baden-Württemberg): Zugänge, Unterbringung, Integrationsmanagement, "
            "Mittelverteilung."
        ),
    )
    from paktsim.i18n import gettext as _

    parser.add_argument("--version", action="version", version=f"paktsim {__version__}",
                        help=_("show program's version number and exit"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"paktsim.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"paktsim.commands.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit code."""
    _german_argparse()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        for line in _problem_lines(exc):
            print(line, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("abgebrochen", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `paktsim data | head -1`): not an error of ours;
        # point stdout at devnull so the interpreter's final flush stays quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - last line of defence for users
        if os.environ.get("PAKTSIM_DEBUG"):
            raise
        print(f"paktsim: interner Fehler: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("(PAKTSIM_DEBUG=1 zeigt den vollständigen Traceback)", file=sys.stderr)
        return 1
