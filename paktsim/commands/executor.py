"""Where ``paktsim run`` computes the Monte Carlo chunks: ``--workers N`` / ``--scheduler``.

* no option: in-process (one core);
* ``--workers N``: a local :class:`~concurrent.futures.ProcessPoolExecutor` of N processes;
* ``--scheduler ADDRESS``: an existing ``dask.distributed`` scheduler (optional extra
  ``dask``: ``pip install -e ".[dask]"``).

The numbers are the same bytes in every case (:mod:`paktsim.ensemble`).
:func:`chunk_progress_display` shows how many chunks of draws are finished (a
line per tenth of them on stderr; nothing with ``--quiet``).  On Ctrl-C the
pending chunks are cancelled and the workers stopped; outputs are written only after
every chunk is back, so nothing half-done is left behind.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from concurrent.futures import Executor
from typing import Any

from paktsim.errors import InputError, Problem

__all__ = ["add_arguments", "executor_from_args", "uses_executor", "chunk_progress_display"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--workers`` and ``--scheduler`` to a sub-command."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="Monte-Carlo-Ziehungen auf N lokalen Prozessen rechnen "
        "(gleiche Ergebnisse wie mit einem Prozess)",
    )
    group.add_argument(
        "--scheduler",
        metavar="ADRESSE",
        help="Monte-Carlo-Ziehungen auf einem laufenden Dask-Cluster rechnen, "
        "z. B. tcp://10.0.0.5:8786 (Extra 'dask' nötig)",
    )


def uses_executor(args: argparse.Namespace) -> bool:
    """True when :func:`executor_from_args` will run the chunks on other processes
    (``--workers`` 2 or more, or ``--scheduler``): nothing may be forked beside them."""
    workers = getattr(args, "workers", None)
    if workers is not None:  # --workers decides first, as in executor_from_args
        return bool(workers > 1)
    return getattr(args, "scheduler", None) is not None


@contextlib.contextmanager
def executor_from_args(args: argparse.Namespace) -> Iterator[Executor | None]:
    """The executor the options ask for (``None``: in-process), shut down afterwards."""
    workers = getattr(args, "workers", None)
    scheduler = getattr(args, "scheduler", None)
    if workers is not None:
        if workers < 1:
            raise InputError(Problem("--workers", "expected 1 or more processes", workers))
        if workers == 1:
            yield None
            return
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=workers)
        try:
            yield pool
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        return
    if scheduler is not None:
        client = _dask_client(scheduler)
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    yield None


def _dask_client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise InputError(
            Problem(
                "--scheduler", 'needs the optional extra dask (pip install -e ".[dask]")', address
            )
        ) from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            Problem("--scheduler", f"cannot reach the Dask scheduler ({exc})", address)
        ) from None


@contextlib.contextmanager
def chunk_progress_display(args: argparse.Namespace | None = None) -> Iterator[None]:
    """Show finished Monte Carlo chunks on stderr while the ``with`` block runs.

    One line per tenth of the chunks, e.g. ``Monte Carlo: 3 von 10 Teilpaketen
    fertig`` (on a terminal ``rich`` prints it above the step display of
    :class:`paktsim.commands.progress.Steps`).  Nothing with ``--quiet`` or when
    the run has a single chunk.
    """
    from paktsim.ensemble import chunk_progress

    if getattr(args, "quiet", False):
        yield
        return
    shown = [0]
    steps = 10  # structural: one line per tenth of the chunks

    def line(done: int, total: int) -> None:
        if total > 1 and (done == total or done * steps // total > shown[0]):
            shown[0] = done * steps // total
            print(
                f"Monte Carlo: {done} von {total} Teilpaketen fertig", file=sys.stderr, flush=True
            )

    with chunk_progress(line):
        yield
