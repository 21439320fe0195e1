"""Where ``paktsim run`` computes the Monte Carlo chunks: ``--workers N`` / ``--scheduler``.

* no option: in-process (one core);
* ``--workers N``: a local :class:`~concurrent.futures.ProcessPoolExecutor` of N processes;
* ``--scheduler ADDRESS``: an existing ``dask.distributed`` scheduler (optional extra
  ``dask``: ``pip install -e ".[dask]"``).

The numbers are the same bytes in every case (:mod:`paktsim.ensemble`).  On Ctrl-C the
pending chunks are cancelled and the workers stopped; outputs are written only after
every chunk is back, so nothing half-done is left behind.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor
from typing import Any

from paktsim.errors import InputError, Problem

__all__ = ["add_arguments", "executor_from_args"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--workers`` and ``--scheduler`` to a sub-command."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--workers", type=int, metavar="N",
                       help="Monte-Carlo-Ziehungen auf N lokalen Prozessen rechnen "
                            "(gleiche Ergebnisse wie mit einem Prozess)")
    group.add_argument("--scheduler", metavar="ADRESSE",
                       help="Monte-Carlo-Ziehungen auf einem laufenden Dask-Cluster rechnen, "
                            "z. B. tcp://10.0.0.5:8786 (Extra 'dask' nötig)")


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
        raise InputError(Problem("--scheduler", "needs the optional extra dask "
                                 "(pip install -e \".[dask]\")", address)) from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(Problem("--scheduler", f"cannot reach the Dask scheduler ({exc})",
                                 address)) from None
