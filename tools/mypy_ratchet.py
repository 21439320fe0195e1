"""mypy as a ratchet: no module may have more type errors than ``tools/mypy_baseline.json``.

The package is not type-clean yet (pandas-stubs are strict); instead of a wall
of ``# type: ignore`` the baseline records the errors per module, and this check
fails when any module gets more, or a module not in the baseline gets any.  When
errors are fixed, ``python tools/mypy_ratchet.py --update`` writes the lower
counts (it refuses to raise one).  Files under ``tests/typecheck/`` are checked in
the same run and must have no error at all (e.g. that every shipped allocation
rule satisfies the ``AllocationRule`` protocol).

Usage::

    python tools/mypy_ratchet.py            # check (exit 1 on a regression)
    python tools/mypy_ratchet.py --update   # record fewer errors after fixing some

Configuration is ``[tool.mypy]`` in ``pyproject.toml``; the cache lives in the
system temp folder (one per checkout), so repeated runs take seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "tools" / "mypy_baseline.json"
STRICT = ROOT / "tests" / "typecheck"
_ERROR = re.compile(r"^(?P<path>[^:]+\.pyi?):\d+(?::\d+)?: error: ")


def cache_dir() -> Path:
    """Per-checkout mypy cache in the temp folder (kept between runs)."""
    digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / f"paktsim-mypy-{digest}"


def run_mypy() -> tuple[Counter[str], list[str]]:
    """Run mypy on the package and ``tests/typecheck``; errors per file and all error lines."""
    targets = ["paktsim", *sorted(str(p.relative_to(ROOT)) for p in STRICT.glob("*.py"))]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--cache-dir",
            str(cache_dir()),
            "--no-color-output",
            "--no-error-summary",
            *targets,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if proc.returncode not in (0, 1):  # 2: mypy itself failed (config, crash)
        raise RuntimeError(f"mypy failed (exit {proc.returncode}): {proc.stderr or proc.stdout}")
    lines = [line for line in proc.stdout.splitlines() if _ERROR.match(line)]
    counts = Counter(_ERROR.match(line)["path"].replace("\\", "/") for line in lines)
    return counts, lines


def load_baseline() -> dict[str, int]:
    """Errors allowed per file (``path → count``)."""
    return json.loads(BASELINE.read_text(encoding="utf-8"))


def regressions(counts: Counter[str], baseline: dict[str, int]) -> list[str]:
    """Files with more errors than allowed (``tests/typecheck`` allows none)."""
    out = []
    for path, n in sorted(counts.items()):
        allowed = 0 if path.startswith("tests/typecheck/") else baseline.get(path, 0)
        if n > allowed:
            out.append(f"{path}: {n} mypy errors, {allowed} allowed")
    return out


def write_baseline(counts: Counter[str]) -> None:
    """Write the counts (package files only), sorted, one per line."""
    data = {p: n for p, n in sorted(counts.items()) if p.startswith("paktsim/")}
    BASELINE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (exit 1 on a regression)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--update", action="store_true", help="write the current (lower) counts to the baseline"
    )
    parser.add_argument(
        "--init",
        action="store_true",
        help="write the current counts whatever they are (first baseline only)",
    )
    args = parser.parse_args(argv)
    counts, lines = run_mypy()
    if args.init:
        write_baseline(counts)
        print(f"wrote {BASELINE.relative_to(ROOT)}: {sum(counts.values())} errors")
        return 0
    baseline = load_baseline()
    bad = regressions(counts, baseline)
    if bad:
        shown = [line for line in lines if any(line.startswith(b.split(":")[0]) for b in bad)]
        print(
            "\n".join(shown + ["", "more mypy errors than tools/mypy_baseline.json allows:", *bad])
        )
        return 1
    if args.update:
        write_baseline(counts)
        print(f"wrote {BASELINE.relative_to(ROOT)}: {sum(counts.values())} errors")
    else:
        lower = {p: (n, counts.get(p, 0)) for p, n in baseline.items() if counts.get(p, 0) < n}
        print(
            f"mypy: {sum(counts.values())} errors, none above the baseline"
            + (f"; {len(lower)} files improved — run with --update" if lower else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
