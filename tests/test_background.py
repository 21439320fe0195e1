"""``commands.background.Background``: a value computed in a forked child comes back
unchanged, errors come back as errors, and the inline fallback gives the same."""

from __future__ import annotations

import errno
import os

import numpy as np
import pandas as pd
import pytest

from paktsim.commands.background import Background
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
