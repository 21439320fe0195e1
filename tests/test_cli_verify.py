"""Run records anyone can verify: parameters with sources, versions, `paktsim verify [--rerun]`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paktsim.commands.run import RECORD_NAME, build_outputs, write_outputs
from paktsim.commands.verify import rerun_record
from paktsim.runrecord import verify_record
from paktsim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]


def cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "paktsim", *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("lauf")
    scenario = Scenario.from_yaml(ROOT / "scenarios" / "status_quo.yaml")
    write_outputs(build_outputs(scenario), out, force=True)
    return out


def test_record_lists_parameters_sources_versions(run_dir):
    record = json.loads((run_dir / RECORD_NAME).read_text(encoding="utf-8"))
    p = record["parameters_in_force"]
    rate = p["values"]["integrationsmanagement.foerdersatz.hochschule"]
    assert rate["value"] == 68_000 and rate["tag"] == "uncertain" and rate["source"]
    assert all(v["source"] or v["value"] is None for v in p["values"].values())
    env = record["environment"]
    assert env["python"].count(".") == 2 and env["libraries"]["numpy"]
    assert env["git"] is None or len(env["git"]["commit"]) == 40
    assert "command" in record


@pytest.mark.slow
def test_rerun_passes_on_a_fresh_run_and_fails_on_a_tampered_output(run_dir, tmp_path):
    assert verify_record(run_dir / RECORD_NAME) == []
    assert rerun_record(run_dir / RECORD_NAME) == []
    r = cli("verify", str(run_dir / RECORD_NAME), cwd=tmp_path)
    assert r.returncode == 0 and "bestätigt" in r.stdout
    # tamper with one output: plain verify and --rerun both fail, naming the file
    target = run_dir / "personal_land.csv"
    original = target.read_bytes()
    try:
        target.write_bytes(original.replace(b"8", b"9", 1))
        r = cli("verify", str(run_dir / RECORD_NAME), cwd=tmp_path)
        assert r.returncode == 1 and "personal_land.csv" in r.stdout
        assert "NICHT bestätigt" in r.stdout
    finally:
        target.write_bytes(original)
    # a record that claims other bytes than the rerun gives fails --rerun
    record = json.loads((run_dir / RECORD_NAME).read_text(encoding="utf-8"))
    record["outputs"]["personal_land.csv"]["sha256"] = "0" * 64
    fake = tmp_path / RECORD_NAME
    fake.write_text(json.dumps(record), encoding="utf-8")
    problems = rerun_record(fake)
    assert any("personal_land.csv" in p for p in problems)


def test_verify_bad_input(tmp_path):
    r = cli("verify", "fehlt.json", cwd=tmp_path)
    assert r.returncode == 2 and "fehlt.json" in r.stderr
    (tmp_path / "x.json").write_text("[1, 2]", encoding="utf-8")
    r = cli("verify", "x.json", cwd=tmp_path)
    assert r.returncode == 2 and "Laufprotokoll" in r.stderr


@pytest.mark.slow
def test_status_quo_workbook_prints_on_at_most_12_pages(run_dir, tmp_path):
    from paktsim.report.brief import soffice

    if soffice() is None or shutil.which("pdfinfo") is None:
        pytest.skip("LibreOffice (soffice) or pdfinfo not installed")
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(run_dir / "personal_budget.xlsx"),
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "personal_budget.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 1 <= pages <= 12
