"""The hostile-input corpus: every file in ``corpus/`` with its expected outcome (``cases.yaml``).

Each case is either refused (an ``InputError`` naming the expected field, in the
one-line format, never an internal error) or accepted with the numbers the input
means.  CLI cases run in-process through :func:`paktsim.cli.main` and check the
exit code and that stderr holds only well-formed one-line problems.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml

from paktsim import cli, regions
from paktsim.compare import read_allocation
from paktsim.errors import InputError
from paktsim.scenario import load_scenario

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
CASES = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))


def _cases(kind: str) -> list:
    return [pytest.param(c, id=c["id"]) for c in CASES if c["kind"] == kind]


def _check_refusal(exc: InputError, case: dict) -> None:
    lines = exc.lines()
    assert lines, case
    for line in lines:
        assert "\n" not in line and len(line) < 600, line
        assert "Traceback" not in line
    locations = " | ".join(p.location for p in exc.problems)
    assert case.get("field", "") in locations, (case["id"], lines)
    if case.get("message"):
        assert case["message"] in "\n".join(lines), (case["id"], lines)


def _dig(obj, dotted: str):
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def test_corpus_is_large_and_every_file_has_a_case():
    assert len(CASES) >= 200
    files = {c["file"] for c in CASES if "file" in c}
    on_disk = {
        str(p.relative_to(CORPUS))
        for p in CORPUS.rglob("*")
        if p.is_file() and p.parent.name != "cli" and p.name != "negativ.csv"
    }
    assert on_disk == files


def validate(path: Path):
    """What ``paktsim validate`` does: the schema, then every check a run makes."""
    scenario = load_scenario(path)
    try:
        from paktsim.checks import check_scenario
    except ImportError:  # older layout: load_scenario did all checks
        return scenario
    try:
        check_scenario(scenario, base_dir=path.parent)
    except InputError as exc:
        raise exc.with_source(str(path)) from None
    return scenario


@pytest.mark.parametrize("case", _cases("scenario"))
def test_scenario_case(case):
    path = CORPUS / case["file"]
    if case["expect"] == "refused":
        with pytest.raises(InputError) as info:
            validate(path)
        _check_refusal(info.value, case)
        assert all(line.startswith(str(path)) for line in info.value.lines())
    else:
        scenario = validate(path)
        for dotted, value in (case.get("values") or {}).items():
            assert _dig(scenario, dotted) == value


@pytest.mark.parametrize("case", _cases("table"))
def test_table_case(case):
    path = CORPUS / case["file"]
    if case["expect"] == "refused":
        with pytest.raises(InputError) as info:
            regions.read_user_table(path, ["persons"], level=case["level"])
        _check_refusal(info.value, case)
    else:
        table = regions.read_user_table(path, ["persons"], level=case["level"])
        expected = case["values"]
        assert sorted(table.index) == sorted(expected)
        for ags, value in expected.items():
            assert table.loc[ags, "persons"] == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("case", _cases("allocation"))
def test_allocation_case(case):
    path = CORPUS / case["file"]
    if case["expect"] == "refused":
        with pytest.raises(InputError) as info:
            read_allocation(path)
        _check_refusal(info.value, case)
    else:
        table = read_allocation(path)
        got = {str(k): int(v) for k, v in table["amount_eur"].items()}
        assert got == case["values"]
        assert (table["amount_eur"] >= 0).all()


_LINE = re.compile(r"^\S.*$")


@pytest.mark.parametrize("case", _cases("cli"))
def test_cli_case(case, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [
        a.replace("{corpus}", str(CORPUS)).replace("{tmp}", str(tmp_path)) for a in case["args"]
    ]
    before = sorted(p.name for p in tmp_path.iterdir())
    try:
        code = cli.main(args)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == case["exit"], (case["id"], err)
    assert "interner Fehler" not in err and "Traceback" not in err
    assert "Warning" not in err, err
    for line in err.splitlines():
        assert _LINE.match(line), err
    if case.get("message"):
        assert case["message"] in err, err
    if code != 0:
        # nothing written, no temporary file left (the lock file of a run may stay)
        after = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock"))
        assert after == before, after


def test_every_accepted_table_number_is_finite_and_non_negative():
    for case in CASES:
        if case["kind"] == "table" and case["expect"] == "accepted":
            assert all(math.isfinite(v) and v >= 0 for v in case["values"].values())
