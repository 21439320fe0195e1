"""Atomic output sets: a failed, interrupted or killed run leaves the old set byte for byte.

* :func:`paktsim.io.output_set` unit tests (failure, Ctrl+C, foreign files, stale
  temporary folders, the two-rename fallback killed half-way, the lock);
* fault injection in-process: the *k*-th file write of ``write_outputs`` fails
  with "disk full", for every *k*;
* SIGKILL of a ``--force`` re-run at seeded random moments (subprocess): the
  folder is always exactly the old or the new set, each matching its run record;
* environment faults in the CLI give exit code 3 and one German line.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from paktsim import cli, io
from paktsim.commands.run import RECORD_NAME, write_outputs
from paktsim.errors import InputError
from paktsim.runrecord import verify_record

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
import write_child  # noqa: E402 - after the sys.path entry it needs


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file in ``folder`` (the state to compare byte for byte)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def leftovers(folder: Path) -> list[str]:
    return sorted(
        p.name
        for p in folder.parent.iterdir()
        if p.name.startswith(f".{folder.name}.") and not p.name.endswith(".lock")
    )


def assert_consistent_set(folder: Path) -> str:
    """The folder is one complete set: record valid, files = record outputs + record."""
    record = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
    assert verify_record(folder / RECORD_NAME) == []
    expected = {entry["file"] for entry in record["outputs"].values()} | {RECORD_NAME}
    assert {p.name for p in folder.iterdir()} == expected
    return record["record_sha256"]


# --------------------------------------------------------------------------- output_set


def _fill(folder: Path, names: list[str], text: str) -> None:
    for name in names:
        (folder / name).write_text(f"{text}:{name}", encoding="utf-8")


def test_failure_inside_leaves_old_set_and_no_temp(tmp_path):
    out = tmp_path / "erg"
    out.mkdir()
    _fill(out, ["a.csv", "b.csv"], "alt")
    before = snapshot(out)
    with pytest.raises(OSError):
        with io.output_set(out, ["a.csv", "b.csv"], force=True) as staging:
            _fill(staging, ["a.csv"], "neu")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_ctrl_c_inside_leaves_old_set(tmp_path):
    out = tmp_path / "erg"
    out.mkdir()
    _fill(out, ["a.csv"], "alt")
    before = snapshot(out)
    with pytest.raises(KeyboardInterrupt):
        with io.output_set(out, ["a.csv"], force=True) as staging:
            _fill(staging, ["a.csv"], "neu")
            raise KeyboardInterrupt
    assert snapshot(out) == before and leftovers(out) == []


def test_success_swaps_whole_set_and_keeps_user_files(tmp_path):
    out = tmp_path / "erg"
    out.mkdir()
    _fill(out, ["a.csv", "alt_nur.csv", "notiz.txt"], "alt")
    (out / RECORD_NAME).write_text(
        json.dumps(
            {"outputs": {"a.csv": {"file": "a.csv"}, "alt_nur.csv": {"file": "alt_nur.csv"}}}
        )
    )
    with io.output_set(out, ["a.csv", RECORD_NAME], force=True, record_name=RECORD_NAME) as staging:
        _fill(staging, ["a.csv", RECORD_NAME], "neu")
    # the old run's extra file is gone (no mixing), the user's note stays
    assert snapshot(out).keys() == {"a.csv", RECORD_NAME, "notiz.txt"}
    assert (out / "a.csv").read_text() == "neu:a.csv"
    assert (out / "notiz.txt").read_text() == "alt:notiz.txt"
    assert leftovers(out) == []


def test_new_folder_is_created_whole(tmp_path):
    out = tmp_path / "x" / "erg"
    with io.output_set(out, ["a.csv"]) as staging:
        assert not out.exists()
        _fill(staging, ["a.csv"], "neu")
    assert snapshot(out).keys() == {"a.csv"}


def test_existing_files_need_force_before_anything_runs(tmp_path):
    out = tmp_path / "erg"
    out.mkdir()
    _fill(out, ["a.csv"], "alt")
    entered = []
    with pytest.raises(InputError, match="--force"), io.output_set(out, ["a.csv"]):
        entered.append(1)
    assert not entered and leftovers(out) == []


@pytest.mark.parametrize("bad", [".", "..", "/"])
def test_current_folder_or_root_is_refused(tmp_path, monkeypatch, bad):
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    with pytest.raises(InputError, match="Ausgabeordner"):
        with io.output_set(bad, ["a.csv"], force=True):
            pass


def test_user_subfolders_and_links_are_kept(tmp_path):
    out = tmp_path / "erg"
    (out / "daten" / "tief").mkdir(parents=True)
    (out / "daten" / "tief" / "x.txt").write_text("meins", encoding="utf-8")
    (out / "verweis").symlink_to("daten")
    with io.output_set(out, ["a.csv"], force=True) as staging:
        _fill(staging, ["a.csv"], "neu")
    assert (out / "daten" / "tief" / "x.txt").read_text() == "meins"
    assert (out / "verweis").is_symlink() and (out / "verweis" / "tief").is_dir()
    assert leftovers(out) == []


def test_stale_temporary_folder_of_a_killed_run_is_removed(tmp_path):
    out = tmp_path / "erg"
    out.mkdir()
    _fill(out, ["a.csv"], "alt")
    stale = tmp_path / ".erg.neu-abc123"
    stale.mkdir()
    _fill(stale, ["a.csv"], "halb")
    with io.output_set(out, ["a.csv"], force=True) as staging:
        _fill(staging, ["a.csv"], "neu")
    assert not stale.exists() and leftovers(out) == []


def test_fallback_swap_killed_between_renames_is_undone(tmp_path, monkeypatch):
    out = tmp_path / "erg"
    out.mkdir()
    _fill(out, ["a.csv"], "alt")
    before = snapshot(out)
    monkeypatch.setattr(io, "_exchange", lambda a, b: False)
    real_rename = os.rename
    calls = []

    def rename(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # "killed" after moving the old set aside
            raise KeyboardInterrupt
        return real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        with io.output_set(out, ["a.csv"], force=True) as staging:
            _fill(staging, ["a.csv"], "neu")
    monkeypatch.setattr(os, "rename", real_rename)
    assert not out.exists()  # the moment a kill could catch
    with io.output_set(out, ["b.csv"], force=True) as staging:  # next start repairs first
        _fill(staging, ["b.csv"], "neu")
    assert {k: v for k, v in snapshot(out).items() if k != "b.csv"} == before
    assert leftovers(out) == []


def test_fallback_swap_completes(tmp_path, monkeypatch):
    out = tmp_path / "erg"
    out.mkdir()
    _fill(out, ["a.csv"], "alt")
    monkeypatch.setattr(io, "_exchange", lambda a, b: False)
    with io.output_set(out, ["a.csv"], force=True) as staging:
        _fill(staging, ["a.csv"], "neu")
    assert (out / "a.csv").read_text() == "neu:a.csv" and leftovers(out) == []


def test_lock_stops_a_second_writer(tmp_path):
    out = tmp_path / "erg"
    with open(tmp_path / ".erg.lock", "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(InputError, match="anderer paktsim-Lauf"):
            with io.output_set(out, ["a.csv"]):
                pass
    assert not out.exists()


def test_nested_sets_into_one_folder_are_refused(tmp_path):
    out = tmp_path / "erg"
    with io.output_set(out, ["a.csv"]) as staging:
        _fill(staging, ["a.csv"], "eins")
        with pytest.raises(InputError, match="anderer paktsim-Lauf"):
            with io.output_set(out, ["a.csv"], force=True):
                pass
    assert (out / "a.csv").read_text() == "eins:a.csv"


# --------------------------------------------------------------------------- fault injection


@pytest.fixture(scope="module")
def sets():
    return write_child.outputs("alt", 300), write_child.outputs("neu", 300)


def test_every_failing_write_leaves_the_old_set(tmp_path, sets, monkeypatch):
    old, new = sets
    out = tmp_path / "erg"
    # every write in this process, so the k-th call is counted where it happens (a forked
    # chart writer would count its own copy; its failures: tests/test_background.py)
    monkeypatch.setenv("PAKTSIM_NO_FORK", "1")
    write_outputs(old, out)
    old_sha = assert_consistent_set(out)
    before = snapshot(out)
    real = io.atomic_write
    n_writes = len(before)  # one atomic write per file
    for k in range(n_writes):
        calls = []

        def failing(path, *args, k=k, calls=calls, **kwargs):
            calls.append(path)
            if len(calls) == k + 1:
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
            return real(path, *args, **kwargs)

        monkeypatch.setattr(io, "atomic_write", failing)
        with pytest.raises(OSError):
            write_outputs(new, out, force=True)
        assert snapshot(out) == before, k
        assert leftovers(out) == []
    monkeypatch.setattr(io, "atomic_write", real)
    write_outputs(new, out, force=True)
    assert assert_consistent_set(out) != old_sha


@pytest.mark.slow
def test_sigkill_of_force_rerun_leaves_old_or_new_set(tmp_path):
    out = tmp_path / "erg"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).parents[2]), os.environ.get("PYTHONPATH", "")]
        ),
    }
    child = [sys.executable, str(HERE / "write_child.py"), str(out)]
    rows = "30000"
    t0 = time.monotonic()
    subprocess.run([*child, "alt", rows], check=True, env=env, capture_output=True)
    assert_consistent_set(out)
    write_time = time.monotonic() - t0
    rng = random.Random(20261130)
    for label in ("neu1", "neu2", "neu3"):
        proc = subprocess.Popen(
            [*child, label, rows],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0, write_time))
        proc.kill()
        proc.wait()
        proc.stdout.close()
        assert_consistent_set(out)  # the whole old set or the whole new set, never a mix
    # the next start removes whatever the killed runs left behind
    subprocess.run([*child, "neu4", "10"], check=True, env=env, capture_output=True)
    assert_consistent_set(out)
    assert leftovers(out) == []


# --------------------------------------------------------------------------- environment faults


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EACCES, errno.EROFS, errno.EDQUOT])
def test_environment_fault_is_exit_3_with_one_german_line(tmp_path, monkeypatch, capsys, err):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.csv").write_text("alt", encoding="utf-8")

    def replace(src, dst):
        raise OSError(err, os.strerror(err), str(dst))

    monkeypatch.setattr(os, "replace", replace)
    code = cli.main(
        ["allocate", "--rule", "population", "--budget", "1000000", "--out", "a.csv", "--force"]
    )
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == cli.EXIT_ENVIRONMENT == 3
    assert len(lines) == 1 and "Fehler der Umgebung" in lines[0]
    assert (tmp_path / "a.csv").read_text() == "alt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_numpy_warnings_do_not_reach_the_terminal(tmp_path, monkeypatch, capsys):
    import numpy as np

    from paktsim.commands import allocate

    def noisy(args):
        np.log(np.zeros(1))  # RuntimeWarning: divide by zero
        raise InputError.single("--budget", "kaputt", 1)

    monkeypatch.setattr(allocate, "run", noisy)
    code = cli.main(
        ["allocate", "--rule", "population", "--budget", "1", "--out", str(tmp_path / "a.csv")]
    )
    assert code == 2
    assert capsys.readouterr().err.strip().splitlines() == ["--budget: kaputt (erhalten 1)"]


def test_csv_and_table_helpers_do_not_touch_numbers():
    frame = pd.DataFrame({"Betrag": [-5, 3], "Name": ["-minus", "ok"]})
    guarded = io.csv_safe(frame)
    assert guarded["Betrag"].tolist() == [-5, 3]
    assert guarded["Name"].tolist() == ["'-minus", "ok"]
