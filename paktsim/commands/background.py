"""Compute one value in a forked child process while the command goes on (helper of
``paktsim run``).

The machine has two cores and a status-quo run is a chain of single-threaded
steps; :class:`Background` moves one of them (the tornado's twelve model runs)
beside the others.  The child is a fork of the command: it sees every cached
result (the central run) without pickling, computes the value, sends it back
pickled through a pipe and leaves with ``os._exit`` (no cleanup, no output).
Where ``os.fork`` is missing (Windows) or ``PAKTSIM_NO_FORK`` is set, the value
is computed inline by :meth:`Background.result`: the same value either way.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any

from paktsim.errors import NO_VALUE, InputError, Problem

__all__ = ["Background", "fork_allowed"]


def fork_allowed() -> bool:
    """True where a step may run in a forked child (``os.fork`` and no ``PAKTSIM_NO_FORK``)."""
    return hasattr(os, "fork") and not os.environ.get("PAKTSIM_NO_FORK")


class Background:
    """``func()`` computed in a forked child; :meth:`result` waits for it.

    An :class:`~paktsim.errors.InputError` in the child is raised again by
    :meth:`result` (same problems), an :class:`OSError` (disk full, permission) as
    ``OSError`` with its errno and file name; any other error as ``RuntimeError``
    with its text.  Call :meth:`cancel` if the value is no longer wanted (the child is
    killed and reaped).
    """

    def __init__(self, func: Callable[[], Any]) -> None:
        self.func = func
        self.pid: int | None = None
        if not fork_allowed():
            return
        import sys

        sys.stdout.flush()
        sys.stderr.flush()
        self._read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child
            os.close(self._read)
            try:
                payload = pickle.dumps(("ok", func()))
            except InputError as exc:
                payload = pickle.dumps(
                    (
                        "input",
                        [
                            (p.location, p.message)
                            if p.value is NO_VALUE
                            else (p.location, p.message, p.value)
                            for p in exc.problems
                        ],
                    )
                )
            except OSError as exc:  # disk full, permission: the parent reports it as such
                payload = pickle.dumps(("os", (exc.errno, exc.strerror, exc.filename)))
            except BaseException as exc:  # noqa: BLE001 - reported to the parent, never printed here
                payload = pickle.dumps(("error", f"{type(exc).__name__}: {exc}"))
            try:
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(payload)
            finally:
                os._exit(0)
        os.close(write)

    def result(self) -> Any:
        """The value (waits for the child; computes inline where there is none)."""
        if self.pid is None:
            return self.func()
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        os.waitpid(self.pid, 0)
        self.pid = None
        if not data:
            raise RuntimeError("Hintergrundrechnung ohne Ergebnis beendet")
        kind, value = pickle.loads(data)
        if kind == "input":
            raise InputError([Problem(*p) for p in value])
        if kind == "os":
            raise OSError(*value)
        if kind == "error":
            raise RuntimeError(value)
        return value

    def cancel(self) -> None:
        """Kill and reap the child (nothing happens without one)."""
        import signal

        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self._read)
        self.pid = None
