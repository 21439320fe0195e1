"""``commands.background``: a value computed in a forked child (``Background``) or sent
to the preloaded worker (``Worker``) comes back unchanged, errors come back as errors,
the inline fallback gives the same, and a cancelled or dropped worker leaves nothing."""

from __future__ import annotations

import errno
import functools
import gc
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from paktsim.commands.background import Background, Worker
from paktsim.errors import InputError, Problem


def _table() -> pd.DataFrame:
    return pd.DataFrame({"a": np.arange(5) / 3, "b": list("xyzuv")}, index=list("ABCDE"))


def _bad_input() -> None:
    raise InputError(
        [
            Problem("staffing.target_ratio", "expected a number > 0", -3),
            Problem("horizon", "missing"),
        ]
    )


@pytest.mark.parametrize("fork", [True, False])
def test_value_comes_back_the_same(monkeypatch, fork):
    if not fork:
        monkeypatch.setenv("PAKTSIM_NO_FORK", "1")
    job = Background(_table)
    assert (job.pid is not None) == (fork and hasattr(os, "fork"))
    pd.testing.assert_frame_equal(job.result(), _table())


def test_input_error_comes_back_with_its_problems():
    with pytest.raises(InputError) as info:
        Background(_bad_input).result()
    assert [p.format() for p in info.value.problems] == [
        p.format()
        for p in (
            Problem("staffing.target_ratio", "expected a number > 0", -3),
            Problem("horizon", "missing"),
        )
    ]


def test_other_errors_name_their_cause_and_cancel_reaps_the_child():
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        Background(lambda: 1 / 0).result()
    job = Background(lambda: __import__("time").sleep(30))
    job.cancel()
    assert job.pid is None


def _disk_full():
    raise OSError(errno.ENOSPC, "No space left on device", "/x/karte.png")


def test_os_error_comes_back_as_os_error():
    # the CLI maps it to exit 3 ("Fehler der Umgebung: Datenträger voll"), not to an internal error
    with pytest.raises(OSError) as info:
        Background(_disk_full).result()
    assert info.value.errno == errno.ENOSPC and info.value.filename == "/x/karte.png"


def _preload() -> None:
    os.environ["PAKTSIM_TEST_PRELOADED"] = "yes"


def _big(n: int, tag: str) -> tuple[str, bytes, str | None]:
    return tag, bytes(range(256)) * n, os.environ.get("PAKTSIM_TEST_PRELOADED")


@pytest.mark.parametrize("fork", [True, False])
def test_worker_values_come_back_whatever_the_order_of_asking(monkeypatch, fork):
    if not fork:
        monkeypatch.setenv("PAKTSIM_NO_FORK", "1")
    worker = Worker(_preload)
    # a chart's bytes do not fit a pipe's buffer: no call may wait for the parent to read
    jobs = [worker.submit(functools.partial(_big, 2000 * (i + 1), f"job{i}")) for i in range(3)]
    table = worker.submit(_table)
    pd.testing.assert_frame_equal(table.result(), _table())
    for i in (2, 0, 1):
        tag, data, preloaded = jobs[i].result()
        assert tag == f"job{i}" and data == bytes(range(256)) * 2000 * (i + 1)
        # each call starts from the preloaded state (inline: nothing was preloaded)
        assert preloaded == ("yes" if fork else None)
    folder = getattr(worker, "folder", None)
    worker.close()
    assert worker.pid is None
    assert folder is None or not os.path.exists(folder)


def test_worker_errors_come_back_as_errors():
    worker = Worker()
    bad, disk, other = (worker.submit(f) for f in (_bad_input, _disk_full, _zero_division))
    with pytest.raises(InputError) as info:
        bad.result()
    assert [p.location for p in info.value.problems] == ["staffing.target_ratio", "horizon"]
    with pytest.raises(OSError) as os_info:
        disk.result()
    assert os_info.value.errno == errno.ENOSPC
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        other.result()
    worker.close()


def _zero_division() -> float:
    return 1 / 0


def test_cancelled_worker_kills_its_calls_and_removes_its_folder():
    worker = Worker()
    job = worker.submit(functools.partial(time.sleep, 30))
    pid, folder = worker.pid, worker.folder
    job.cancel()
    assert worker.pid is None and not os.path.exists(folder)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(RuntimeError, match="ohne Ergebnis"):
        job.result()


def test_dropped_worker_leaves_and_removes_its_folder():
    worker = Worker()
    assert worker.submit(_table).result() is not None
    pid, folder = worker.pid, worker.folder
    del worker
    gc.collect()
    os.waitpid(pid, 0)  # returns: the child saw the end of its job pipe
    assert not os.path.exists(folder)


def test_paktsim_run_never_imports_matplotlib(tmp_path):
    """The charts are drawn by the worker: the command's own process computes and writes
    without matplotlib (0.5 s of imports and the drawing stay on the other core)."""
    script = (
        "import sys\n"
        "from paktsim.commands.run import build_outputs, write_outputs\n"
        "from paktsim.scenario import builtin_scenario\n"
        f"write_outputs(build_outputs(builtin_scenario('status_quo')), {str(tmp_path)!r})\n"
        "print('matplotlib' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PAKTSIM_NO_FORK"}
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"
    assert (tmp_path / "personal_tornado.png").stat().st_size > 10_000
