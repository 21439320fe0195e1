"""paktsim.io: all targets are checked before writing; writes are atomic."""

from __future__ import annotations

import pandas as pd
import pytest

from paktsim.errors import InputError
from paktsim.io import atomic_write, ensure_writable, write_table, write_text


def test_existing_file_needs_force(tmp_path):
    target = tmp_path / "a.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(InputError) as info:
        ensure_writable([target, tmp_path / "new.csv"])
    assert info.value.lines() == [
        f"--out: file exists; use --force to overwrite it (got '{target}')"
    ]
    assert ensure_writable([target], force=True) == [target]


def test_many_existing_files_are_one_line(tmp_path):
    paths = [tmp_path / f"t{i}.csv" for i in range(5)]
    for path in paths:
        path.write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as info:
        ensure_writable(paths)
    (line,) = info.value.lines()
    assert "5 files exist already" in line and str(tmp_path) in line and "--force" in line


def test_bad_suffix_directory_and_parent_file(tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as info:
        ensure_writable(
            [tmp_path / "t.txt", tmp_path, tmp_path / "afile" / "t.csv"], suffixes=(".csv", ".xlsx")
        )
    lines = info.value.lines()
    assert len(lines) == 3
    assert "unsupported file type" in lines[0]
    assert "is a directory" in lines[1] or "unsupported" in lines[1]
    assert "parent path is a file" in lines[2]


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_write(target, "w") as handle:
            handle.write("half")
            raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_write_table_csv_and_text(tmp_path):
    frame = pd.DataFrame(
        {"amount_eur": [1, 2]}, index=pd.Index(["08111000", "08115001"], name="ags")
    )
    path = write_table(tmp_path / "t.csv", frame)
    assert path.read_text(encoding="utf-8") == "ags,amount_eur\n08111000,1\n08115001,2\n"
    with pytest.raises(InputError, match="one table"):
        write_table(tmp_path / "two.csv", {"a": frame, "b": frame})
    with pytest.raises(InputError, match="unsupported file type"):
        write_table(tmp_path / "t.json", frame)
    assert not (tmp_path / "two.csv").exists() and not (tmp_path / "t.json").exists()
    assert write_text(tmp_path / "x.txt", "ä").read_text(encoding="utf-8") == "ä"


def test_written_files_follow_the_umask(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        path = write_text(tmp_path / "r.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_write_long_csv_guards_text_and_reads_back(tmp_path):
    import numpy as np

    from paktsim.io import write_long_csv

    frame = pd.DataFrame(
        {
            "AGS": pd.Categorical(["08111000", "08111000", "=HYPERLINK(1)"]),
            "Name": ["Stuttgart", "@SUM(A1)", "Ulm, Stadt"],
            "Personen": [30.0, 2.5, np.nan],
        }
    )
    path = write_long_csv(tmp_path / "lang.csv", frame)
    back = pd.read_csv(path, dtype={"AGS": str, "Name": str})
    assert back["AGS"].tolist() == ["08111000", "08111000", "'=HYPERLINK(1)"]
    assert back["Name"].tolist() == ["Stuttgart", "'@SUM(A1)", "Ulm, Stadt"]
    np.testing.assert_array_equal(back["Personen"].to_numpy(), [30.0, 2.5, np.nan])
    assert frame["AGS"].tolist()[2] == "=HYPERLINK(1)"  # the caller's frame is untouched
