"""Scenario spec: shipped files validate; bad files give one clear line per problem."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from paktsim.errors import InputError
from paktsim.scenario import Scenario, builtin_scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_scenario_validates(path):
    scenario = load_scenario(path)
    assert scenario.name
    assert len(scenario.sha256) == 64


def test_builtin_status_quo_is_the_shipped_file():
    assert builtin_scenario("status_quo") == load_scenario(ROOT / "scenarios" / "status_quo.yaml")


def test_hash_is_stable_and_sensitive(tmp_path):
    base = builtin_scenario()
    again = Scenario.from_dict(yaml.safe_load(base.to_yaml()))
    assert again == base and again.sha256 == base.sha256
    changed = base.with_changes(staffing={"target_ratio": 100})
    assert changed.sha256 != base.sha256
    assert changed.staffing.target_ratio == 100
    assert changed.allocation == base.allocation


def test_defaults_do_not_change_the_hash_when_written_out():
    minimal = Scenario.from_dict({"name": "Minimal"})
    explicit = Scenario.from_dict(minimal.model_dump(mode="json"))
    assert minimal.sha256 == explicit.sha256


BAD_CASES = {
    "unknown top-level key": ("name: x\ncolour: red\n", "colour", "unknown field"),
    "unknown nested key": ("name: x\nstaffing: {ratio: 88}\n", "staffing.ratio", "unknown field"),
    "bad month": (
        "name: x\nhorizon: {start: 2025-13}\n",
        "horizon.start",
        "expected a month as YYYY-MM, e.g. 2025-01 (got '2025-13')",
    ),
    "end before start": (
        "name: x\nhorizon: {start: 2026-01, end: 2025-01}\n",
        "horizon",
        "lies before",
    ),
    "negative budget": ("name: x\nallocation: {budget_eur: -5}\n", "allocation.budget_eur", "-5"),
    "zero ratio": ("name: x\nstaffing: {target_ratio: 0}\n", "staffing.target_ratio", "0"),
    "mix not summing to one": (
        "name: x\nallocation: {qualification_mix: {hochschule: 0.5}}\n",
        "allocation",
        "sum to 1",
    ),
    "unknown rule": ("name: x\nallocation: {rule: lottery}\n", "allocation.rule", "lottery"),
    "factor not positive": (
        "name: x\nallocation: {urban_factor: {by: degurba, factors: {1: 0}}}\n",
        "allocation.urban_factor.factors.1",
        "0",
    ),
    "unknown vintage": ("name: x\ndata: {vintage: 2016}\n", "data.vintage", "2016"),
    "missing name": ("horizon: {start: 2025-01}\n", "name", "Field required"),
    "negative seed": ("name: x\nseed: -1\n", "seed", "-1"),
    "unknown override path": (
        "name: x\noverrides: {no.such.param: {2027-01-01: 1}}\n",
        "overrides",
        "no.such.param",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_scenarios_name_field_and_value(tmp_path, case):
    text, field, fragment = BAD_CASES[case]
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_scenario(path)
    lines = info.value.lines()
    assert any(line.startswith(f"{path}: {field}") for line in lines), lines
    assert any(fragment in line for line in lines), lines


def test_invalid_yaml_reports_line(tmp_path):
    path = _write(tmp_path, "name: x\nhorizon: {start: [\n")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert "Zeile" in info.value.lines()[0] and "ungültiges YAML" in info.value.lines()[0]


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(InputError, match="Datei nicht gefunden"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="empty"):
        load_scenario(_write(tmp_path, ""))
    with pytest.raises(InputError, match="mapping"):
        load_scenario(_write(tmp_path, "- a\n- b\n"))


@settings(max_examples=30, deadline=None)
@given(ratio=st.floats(min_value=1, max_value=500), lag=st.integers(0, 36), share=st.floats(0, 1))
def test_valid_staffing_values_round_trip(ratio, lag, share):
    scenario = Scenario.from_dict(
        {
            "name": "h",
            "staffing": {
                "target_ratio": ratio,
                "hiring_lag_months": lag,
                "group_offer_share": share,
            },
        }
    )
    assert Scenario.from_dict(yaml.safe_load(scenario.to_yaml())) == scenario


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "paktsim", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_cli_validate_accepts_shipped():
    proc = _cli("validate", *map(str, SHIPPED))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(": ok") == len(SHIPPED)


def test_cli_validate_rejects_broken_with_one_line_per_problem(tmp_path):
    path = _write(tmp_path, "name: x\ncolour: red\nstaffing: {target_ratio: -3}\n")
    # the English messages are the stable form (PAKTSIM_LANG=en); German: tests/test_i18n.py
    proc = subprocess.run(
        [sys.executable, "-m", "paktsim", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PAKTSIM_LANG": "en"},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = sorted(proc.stderr.strip().splitlines())
    assert lines == [
        f"{path}: colour: unknown field (not allowed here; check the spelling) (got 'red')",
        f"{path}: staffing.target_ratio: Input should be greater than or equal to 1 (got -3)",
    ]


def test_uncertainty_distributions_are_checked_at_validation(tmp_path):
    path = _write(
        tmp_path,
        (
            "name: x\nuncertainty:\n  n_draws: 10\n  distributions:\n"
            "    staffing.target_ratio: {dist: uniform, args: {loc: 80, scale: 40}}\n"
            "    inflow.chain.asyl.no_such_rate: {dist: uniform, args: {loc: 0, scale: 1}}\n"
            "    staffing.colour: {dist: uniform}\n"
            "    staffing.vacancy_rate: {dist: norm, args: {mu: 1}}\n"
        ),
    )
    from paktsim.checks import check_scenario

    with pytest.raises(InputError) as info:
        check_scenario(load_scenario(path))
    lines = "\n".join(info.value.with_source(str(path)).lines())
    assert f"{path}: uncertainty.distributions.inflow.chain.asyl.no_such_rate" in lines
    assert f"{path}: uncertainty.distributions.staffing.colour" in lines
    assert f"{path}: uncertainty.distributions.staffing.vacancy_rate: cannot build norm" in lines
    assert "uncertainty.distributions.staffing.target_ratio" not in lines
