"""tools/build_data.py rebuilds the shipped package data byte for byte from the raw files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = Path(__file__).resolve().parents[2] / "shared/data/raw"
SCRIPT = ROOT / "tools" / "build_data.py"
SHIPPED = ROOT / "paktsim" / "data"
OUTPUTS = (
    "gemeinden.csv",
    "kreise.csv",
    "gemeinden_nachbarn.csv",
    "gemeinden.geojson",
    "kreise.geojson",
    "metadata.yaml",
)

pytestmark = [
    pytest.mark.skipif(
        not RAW.is_dir(),
        reason=f"raw data folder {RAW} not present (only in the development checkout)",
    ),
]


def _build(raw: Path, out: Path) -> subprocess.CompletedProcess:
    pytest.importorskip("shapely", reason="the build needs shapely (extra 'data')")
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(raw), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_rebuild_equals_shipped(tmp_path):
    proc = _build(RAW, tmp_path)
    assert proc.returncode == 0, proc.stderr
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OUTPUTS)
    assert "Gemeinden without neighbour: ['08335015']" in proc.stdout


def test_shipped_data_is_lean():
    total = sum((SHIPPED / name).stat().st_size for name in OUTPUTS)
    assert total < 3_000_000


def _copy_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    for path in raw.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    raw.chmod(0o755)
    return raw


def test_changed_raw_file_fails_without_writing(tmp_path):
    raw = _copy_raw(tmp_path)
    gv = raw / "destatis_gv_auszug_2023-12-31_bw.csv"
    gv.write_text(gv.read_text("utf-8").replace(",633484,", ",633485,"), encoding="utf-8")
    out = tmp_path / "out"
    proc = _build(raw, out)
    assert proc.returncode == 2
    assert "sha256" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() or not any(out.iterdir())

    # without SOURCES.md the hash check is skipped but the official totals still catch it
    (raw / "SOURCES.md").unlink()
    proc = _build(raw, out)
    assert proc.returncode == 2
    assert "11339261 != official 11339260" in proc.stderr
    assert not out.exists() or not any(out.iterdir())


def test_missing_raw_dir(tmp_path):
    proc = _build(tmp_path / "nothing", tmp_path / "out")
    assert proc.returncode == 2 and "not a folder" in proc.stderr
