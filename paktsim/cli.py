"""Command-line interface: ``paktsim <command> ...``.

Exit codes: 0 success, 2 bad input (one line per problem on stderr, nothing
written), 3 a fault of the environment (disk full, no permission, read-only or
failing file system: one German line), 1 unexpected internal error (short
message, no traceback unless ``PAKTSIM_DEBUG=1``), 130 interrupted.
Warnings of the libraries (numpy, pandas, matplotlib) are not printed: they
would break the one-line format (``PAKTSIM_DEBUG=1`` shows them).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import signal
import sys
import warnings
from typing import Sequence

from paktsim._version import __version__
from paktsim.commands import COMMANDS
from paktsim.errors import InputError

__all__ = ["main", "entry", "build_parser", "EXIT_INPUT", "EXIT_ENVIRONMENT", "EXIT_INTERNAL"]

EXIT_INTERNAL = 1
EXIT_INPUT = 2
EXIT_ENVIRONMENT = 3

# OS errors a user causes with an argument (an impossible path): input problems, exit 2
_INPUT_ERRNOS = {
    errno.ENAMETOOLONG: "Pfad zu lang",
    errno.ENOTDIR: "ein Teil des Pfads ist kein Ordner",
    errno.EISDIR: "ist ein Ordner",
    errno.ELOOP: "zu viele symbolische Verweise im Pfad",
    errno.EEXIST: "existiert bereits",
}
# faults of the machine the run happens on: exit 3
_ENVIRONMENT_ERRNOS = {
    errno.ENOSPC: "kein Speicherplatz mehr auf dem Datenträger",
    errno.EDQUOT: "Speicherkontingent (Quota) erschöpft",
    errno.EACCES: "keine Berechtigung",
    errno.EPERM: "keine Berechtigung",
    errno.EROFS: "Dateisystem ist schreibgeschützt",
    errno.EIO: "Ein-/Ausgabefehler des Datenträgers",
    errno.EMFILE: "zu viele offene Dateien",
    errno.ENOMEM: "kein Arbeitsspeicher mehr",
    errno.EBUSY: "Datei oder Gerät belegt",
    errno.ENOENT: "Datei oder Ordner verschwunden",
}


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


def build_parser() -> argparse.ArgumentParser:
    """Build the full parser with every available sub-command."""
    parser = _Parser(
        prog="paktsim",
        description=(
            "Planungs- und Verteilungsmodell für den Pakt für Integration "
            "(Baden-Württemberg): Zugänge, Unterbringung, Integrationsmanagement, "
            "Mittelverteilung."
        ),
        epilog="Exit-Codes: 0 fertig, 2 fehlerhafte Eingabe (eine Zeile je Problem, nichts "
        "geschrieben), 3 Fehler der Umgebung (Datenträger voll, keine Berechtigung), "
        "1 interner Fehler, 130 abgebrochen.",
    )
    from paktsim.i18n import gettext as _

    parser.add_argument(
        "--version",
        action="version",
        version=f"paktsim {__version__}",
        help=_("show program's version number and exit"),
    )
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


def _sigterm(signum: int, frame: object) -> None:
    # turn SIGTERM into an exception so cleanups (temporary output folders) run
    raise KeyboardInterrupt


def _os_error_line(exc: OSError) -> tuple[int, str]:
    where = exc.filename or ""
    where = f"{str(where)[:120]}{'…' if len(str(where)) > 120 else ''}: " if where else ""
    if exc.errno in _INPUT_ERRNOS:
        return EXIT_INPUT, f"paktsim: {where}{_INPUT_ERRNOS[exc.errno]}"
    reason = _ENVIRONMENT_ERRNOS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return EXIT_ENVIRONMENT, f"paktsim: Fehler der Umgebung: {where}{reason}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit code."""
    _german_argparse()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    debug = bool(os.environ.get("PAKTSIM_DEBUG"))
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _sigterm)
    except ValueError:  # not the main thread (CLI called from a thread): keep the default
        pass
    try:
        with warnings.catch_warnings():
            if not debug:
                warnings.simplefilter("ignore")
            return int(args.func(args) or 0)
    except InputError as exc:
        from paktsim.i18n import problem_lines

        for line in problem_lines(exc):
            print(line, file=sys.stderr)
        return EXIT_INPUT
    except MemoryError:
        print(
            "paktsim: Fehler der Umgebung: kein Arbeitsspeicher mehr (weniger Ziehungen "
            "oder ein kürzerer Zeitraum helfen)",
            file=sys.stderr,
        )
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:
        print("abgebrochen", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `paktsim data | head -1`): not an error of ours;
        # point stdout at devnull so the interpreter's final flush stays quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        if debug:
            raise
        code, line = _os_error_line(exc)
        print(line, file=sys.stderr)
        return code
    except Exception as exc:
        if debug:
            raise
        text = " ".join(str(exc).split())[:200]
        print(f"paktsim: interner Fehler: {type(exc).__name__}: {text}", file=sys.stderr)
        print("(PAKTSIM_DEBUG=1 zeigt den vollständigen Traceback)", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def entry() -> None:
    """Console-script entry (``paktsim``, ``python -m paktsim``): :func:`main`, then leave.

    The process ends with ``os._exit`` once the output streams are flushed: every file
    was written and closed inside :func:`main` (folders are swapped in by context
    managers, executors shut down), and the interpreter's own teardown — freeing the
    cached model runs and tables object by object — took a third of a second of a
    status-quo run without doing anything a user sees.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # reader gone or stream closed: nothing to keep
            pass
    os._exit(code)
