"""Run record: canonical JSON binding a result to everything it was computed from.

A record holds the scenario (and its sha256), the parameter values used, the
data vintage, the package version, the sha256 of every input file and of every
output file, and finally the sha256 of the record itself (computed over the
record without that field).  Canonical JSON (sorted keys, no whitespace
variation, UTF-8) makes equal records byte-identical; no timestamp is added
unless the caller passes ``created_at``, so a rerun reproduces the record byte
for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "canonical_json",
    "sha256_bytes",
    "sha256_file",
    "build_record",
    "record_base",
    "seal_record",
    "write_record",
    "verify_record",
    "environment",
    "git_commit",
    "LIBRARIES",
]

#: Libraries whose versions a record lists (those that shape numbers or file bytes).
LIBRARIES = (
    "numpy",
    "pandas",
    "scipy",
    "matplotlib",
    "openpyxl",
    "xlsxwriter",
    "babel",
    "pydantic",
    "PyYAML",
    "python-docx",
)

FORMAT = "paktsim-run-record/1"


def _plain(value: Any) -> Any:
    """Turn numpy/pandas/date values into JSON-able plain values (deterministically)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def canonical_json(obj: Any) -> str:
    """Canonical JSON: sorted keys, compact separators, UTF-8 text, plain values."""
    return json.dumps(
        _plain(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_record(
    *,
    scenario: Any,
    parameters: Mapping[str, Any],
    data: Mapping[str, Any],
    inputs: Mapping[str, str | os.PathLike[str] | bytes] | None = None,
    outputs: Mapping[str, str | os.PathLike[str]] | None = None,
    extra: Mapping[str, Any] | None = None,
    created_at: str | None = None,
) -> dict[str, Any]:
    """Assemble a run record.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (its canonical dump and sha256 are recorded).
    parameters : mapping
        Parameter path → value used (including drawn Monte Carlo summaries if any).
    data : mapping
        Data vintage and data-file facts (e.g. ``{"vintage": 2023}``).
    inputs : mapping name → path or bytes, optional
        Input files (scenario file, user CSVs); only their basenames and sha256
        are recorded, never local paths.
    outputs : mapping name → path, optional
        Written result files; their sha256 is recorded.
    extra : mapping, optional
        Further plain facts (seed, number of draws …).
    created_at : str, optional
        A timestamp to include (omitted by default for byte reproducibility).

    Returns
    -------
    dict
        The record including ``record_sha256``.
    """
    base = record_base(
        scenario=scenario,
        parameters=parameters,
        data=data,
        inputs=inputs,
        extra=extra,
        created_at=created_at,
    )
    return seal_record(base, outputs)


def record_base(
    *,
    scenario: Any,
    parameters: Mapping[str, Any],
    data: Mapping[str, Any],
    inputs: Mapping[str, str | os.PathLike[str] | bytes] | None = None,
    extra: Mapping[str, Any] | None = None,
    created_at: str | None = None,
) -> dict[str, Any]:
    """Everything of a run record but the output files and the record's own hash
    (arguments as for :func:`build_record`; ``paktsim run`` assembles it while its charts
    are drawn and seals it with :func:`seal_record` once every file is written)."""
    from paktsim._version import __version__

    record: dict[str, Any] = {
        "format": FORMAT,
        "paktsim_version": __version__,
        "environment": environment(),
        "command": _command_line(),
        "parameters_in_force": _parameters_in_force(scenario),
        "scenario": scenario.model_dump(mode="json"),
        "scenario_sha256": scenario.sha256,
        "parameters": dict(parameters),
        "data": dict(data),
        "inputs": {k: _file_hash(v) for k, v in sorted((inputs or {}).items())},
    }
    if extra:
        record["extra"] = dict(extra)
    if created_at is not None:
        record["created_at"] = created_at
    return json.loads(canonical_json(record))


def seal_record(
    base: Mapping[str, Any], outputs: Mapping[str, str | os.PathLike[str]] | None = None
) -> dict[str, Any]:
    """The run record of :func:`record_base` with the sha256 of each output file and the
    record's own ``record_sha256``."""
    record = dict(base)
    record["outputs"] = {k: _file_hash(v) for k, v in sorted((outputs or {}).items())}
    record = json.loads(canonical_json(record))
    record["record_sha256"] = sha256_bytes(canonical_json(record).encode("utf-8"))
    return record


def _file_hash(value: Any) -> dict[str, str]:
    if isinstance(value, bytes):
        return {"sha256": sha256_bytes(value)}
    return {"file": Path(value).name, "sha256": sha256_file(value)}


def git_commit() -> dict[str, Any] | None:
    """Commit of the paktsim source tree (``None`` outside a git checkout).

    Returns ``{"commit": sha, "dirty": bool}``; ``dirty`` means files differ
    from that commit, so the commit alone does not reproduce the code.
    """
    import subprocess

    root = Path(__file__).resolve().parent.parent
    try:
        sha = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if sha.returncode != 0:
            return None
        status = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                "paktsim",
            ],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": sha.stdout.strip(), "dirty": bool(status.stdout.strip())}


def environment() -> dict[str, Any]:
    """Python, platform and library versions and the git commit of paktsim."""
    import platform
    from importlib import metadata

    versions: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "libraries": versions,
        "git": git_commit(),
    }


def _command_line() -> str | None:
    import sys

    argv = sys.argv[1:]
    return "paktsim " + " ".join(argv) if argv else None


def _parameters_in_force(scenario: Any) -> dict[str, Any] | None:
    """Every parameter in force at the horizon start, plus every change within the horizon."""
    horizon = getattr(scenario, "horizon", None)
    if horizon is None:
        return None
    from paktsim.report.provenance import parameters_in_force, record_parameters

    start = f"{horizon.start}-01"
    overrides = getattr(scenario, "overrides", None) or None
    at_start = record_parameters(start, overrides)
    changes: dict[str, list[dict[str, Any]]] = {}
    end_year = int(str(horizon.end)[:4])
    for year in range(int(str(horizon.start)[:4]) + 1, end_year + 1):
        table = parameters_in_force(f"{year}-01-01", overrides)
        for path, row in table.to_dict("index").items():
            last = changes[path][-1] if path in changes else at_start[path]
            if row["value"] != last["value"] or row["source"] != last["source"]:
                changes.setdefault(path, []).append(
                    {
                        "value": row["value"],
                        "tag": row["tag"],
                        "source": row["source"],
                        "since": row["since"].isoformat()
                        if isinstance(row["since"], dt.date)
                        else None,
                    }
                )
    return {"date": start, "values": at_start, "changes": changes}


def write_record(path: str | os.PathLike[str], record: Mapping[str, Any]) -> Path:
    """Write the record as canonical JSON (one line plus newline), atomically."""
    from paktsim.io import write_text

    return write_text(path, canonical_json(record) + "\n")


def verify_record(
    path: str | os.PathLike[str], base_dir: str | os.PathLike[str] | None = None
) -> list[str]:
    """Check a record: its own hash and the hashes of the outputs next to it.

    Returns
    -------
    list of str
        Problems found (empty if the record and the outputs match).
    """
    path = Path(path)
    base = Path(base_dir) if base_dir else path.parent
    record = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    claimed = record.pop("record_sha256", None)
    if claimed != sha256_bytes(canonical_json(record).encode("utf-8")):
        problems.append("record_sha256 passt nicht zum Protokoll (Protokoll verändert)")
    for _name, entry in record.get("outputs", {}).items():
        file = base / entry["file"]
        if not file.exists():
            problems.append(f"{entry['file']}: Datei fehlt")
        elif sha256_file(file) != entry["sha256"]:
            problems.append(f"{entry['file']}: Inhalt verändert (sha256 weicht ab)")
    return problems
