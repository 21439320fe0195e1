"""Compute values in forked child processes while the command goes on (helpers of
``paktsim run``).

The machine has two cores and a status-quo run is a chain of single-threaded
steps.  :class:`Background` moves one of them beside the others: the child is a fork of
the command, sees every cached result (the central run) without pickling, computes the
value, sends it back pickled through a pipe and leaves with ``os._exit`` (no cleanup, no
output); ``paktsim run`` draws a chart it cannot send to the worker (a matplotlib Figure)
this way.  :class:`Worker` is a child forked early that imports what its calls need once
(matplotlib, while the command computes the scenario) and then runs each call it is sent
in a fork of itself, side by side, so the command itself never imports the charting
library.

Where ``os.fork`` is missing (Windows) or ``PAKTSIM_NO_FORK`` is set, a value is
computed inline when it is asked for: the same value either way.
"""

from __future__ import annotations

import gc
import os
import pickle
import weakref
from collections.abc import Callable
from typing import Any

from paktsim.errors import NO_VALUE, InputError, Problem

__all__ = ["Background", "Worker", "WorkerJob", "fork_allowed"]


def fork_allowed() -> bool:
    """True where a step may run in a forked child (``os.fork`` and no ``PAKTSIM_NO_FORK``)."""
    return hasattr(os, "fork") and not os.environ.get("PAKTSIM_NO_FORK")


def _outcome(func: Callable[[], Any]) -> bytes:
    """``func()`` or its error, pickled for the parent (in the child; never raises)."""
    try:
        return pickle.dumps(("ok", func()))
    except InputError as exc:
        problems = [
            (p.location, p.message) if p.value is NO_VALUE else (p.location, p.message, p.value)
            for p in exc.problems
        ]
        return pickle.dumps(("input", problems))
    except OSError as exc:  # disk full, permission: the parent reports it as such
        return pickle.dumps(("os", (exc.errno, exc.strerror, exc.filename)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, never printed here
        return pickle.dumps(("error", f"{type(exc).__name__}: {exc}"))


def _value(data: bytes) -> Any:
    """The value :func:`_outcome` packed, or its error raised again."""
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


def _fork() -> int:
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    return os.fork()


def _kill(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _abandon(*fds: int) -> None:
    """Close a dropped worker's pipes: its child finishes, removes its folder and leaves."""
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


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
        self._read, write = os.pipe()
        self.pid = _fork()
        if self.pid == 0:  # the child
            os.close(self._read)
            try:
                payload = _outcome(func)
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
        return _value(data)

    def cancel(self) -> None:
        """Kill and reap the child (nothing happens without one)."""
        if self.pid is None:
            return
        _kill(self.pid)
        os.close(self._read)
        self.pid = None


class Worker:
    """A forked child that runs the calls :meth:`submit` sends it.

    The child runs ``preload()`` first (imports, warm caches) while the parent goes
    on; then each call runs in a fork of it (so calls run side by side on the cores
    the parent leaves free, each starting from the preloaded state).  Calls and values
    are pickled; values are handed over through files in a private temporary folder,
    so no child waits for the parent to read (a chart's bytes do not fit a pipe's
    buffer).  The folder is removed when the worker is closed, cancelled or left (the
    child removes it when the parent's end of the job pipe closes).  Errors come back as
    for :class:`Background`.
    """

    def __init__(self, preload: Callable[[], Any] | None = None) -> None:
        self.pid: int | None = None
        self._submitted = 0
        self._done: set[int] = set()
        if not fork_allowed():
            return
        import tempfile

        self.folder = tempfile.mkdtemp(prefix="paktsim-worker-")
        jobs_read, self._jobs = os.pipe()
        self._finished, finished_write = os.pipe()
        self.pid = _fork()
        if self.pid == 0:  # the child
            os.close(self._jobs)
            os.close(self._finished)
            self._serve(preload, jobs_read, finished_write)
        try:  # also here: a cancel right after the fork finds the group
            os.setpgid(self.pid, self.pid)
        except OSError:
            pass
        os.close(jobs_read)
        os.close(finished_write)
        self._pending = b""
        # a worker dropped unclosed (its outputs never written) lets its child leave
        self._finalizer = weakref.finalize(self, _abandon, self._jobs, self._finished)

    def _serve(self, preload: Callable[[], Any] | None, jobs_read: int, finished: int) -> None:
        """The child: preload, then fork a grandchild per call; leave at the jobs' end."""
        import shutil

        running: list[int] = []
        try:
            os.setpgid(0, 0)  # cancel kills the group: this child and its calls
            if preload is not None:
                _outcome(preload)  # a failed preload shows in the calls that need it
            gc.freeze()  # the calls' garbage collections skip what is preloaded
            with os.fdopen(jobs_read, "rb") as jobs:
                for line in jobs:
                    pid = os.fork()
                    if pid == 0:
                        try:
                            self._run(int(line), finished)
                        finally:
                            os._exit(0)
                    running.append(pid)
            for pid in running:
                os.waitpid(pid, 0)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            os._exit(0)

    def _run(self, number: int, finished: int) -> None:
        """A grandchild: run call ``number``, store its value, say it is done."""
        with open(self._path(number, "call"), "rb") as handle:
            data = handle.read()
        payload = _outcome(lambda: pickle.loads(data)())
        with open(self._path(number, "part"), "wb") as handle:
            handle.write(payload)
        os.replace(self._path(number, "part"), self._path(number, "value"))
        os.write(finished, b"%d\n" % number)  # one short write: atomic on a pipe

    def _path(self, number: int, kind: str) -> str:
        return os.path.join(self.folder, f"{number}.{kind}")

    def submit(self, func: Callable[[], Any]) -> "WorkerJob":
        """Send ``func`` (picklable) to the child; its value comes from the returned job."""
        number = self._submitted
        self._submitted += 1
        if self.pid is None:
            return WorkerJob(self, number, func)
        data = pickle.dumps(func)
        with open(self._path(number, "call"), "wb") as handle:
            handle.write(data)
        os.write(self._jobs, b"%d\n" % number)
        return WorkerJob(self, number)

    def value_of(self, number: int) -> Any:
        """The value of call ``number`` (waits for the child)."""
        if self.pid is None:
            raise RuntimeError("Hintergrundrechnung ohne Ergebnis beendet")
        while number not in self._done:
            chunk = os.read(self._finished, 4096)
            if not chunk:  # the child is gone
                self.cancel()
                raise RuntimeError("Hintergrundrechnung ohne Ergebnis beendet")
            *lines, self._pending = (self._pending + chunk).split(b"\n")
            self._done.update(int(line) for line in lines)
        path = self._path(number, "value")
        with open(path, "rb") as handle:
            data = handle.read()
        os.remove(path)
        os.remove(self._path(number, "call"))
        return _value(data)

    def close(self) -> None:
        """Let the child finish its calls and leave; remove the folder."""
        if self.pid is None:
            return
        self._finalizer.detach()
        os.close(self._jobs)
        os.close(self._finished)
        os.waitpid(self.pid, 0)
        self.pid = None

    def cancel(self) -> None:
        """Kill and reap the child, remove the folder (nothing happens without one)."""
        if self.pid is None:
            return
        import shutil
        import signal

        self._finalizer.detach()
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        _kill(self.pid)
        os.close(self._jobs)
        os.close(self._finished)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.pid = None


class WorkerJob:
    """One call sent to a :class:`Worker` (the interface of :class:`Background`)."""

    def __init__(self, worker: Worker, number: int, func: Callable[[], Any] | None = None):
        self.worker = worker
        self.number = number
        self.func = func

    def result(self) -> Any:
        """The call's value (waits for the child; computes inline where there is none)."""
        if self.func is not None:
            return self.func()
        return self.worker.value_of(self.number)

    def cancel(self) -> None:
        """Cancel the whole worker: its child runs this call and the others."""
        self.worker.cancel()
