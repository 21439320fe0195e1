"""Benchmark: hostile inputs are refused fast (issue 13).

* ``user_table_rows_ms``: :func:`paktsim.regions.read_user_table` on a table of
  10**6 rows (``size="quick"``: 10**4) whose keys repeat (every row after the
  first 1,103 is a duplicate): the checks are linear, the old duplicate check
  was quadratic (10**5 rows: 290 s);
* ``alias_bomb_ms``, ``deep_yaml_ms``, ``dev_zero_ms``: the whole CLI
  (``python -m paktsim validate FILE`` in a fresh interpreter, so start-up
  included) refusing a 9-level alias bomb, a 20,000-deep YAML and ``/dev/zero``;
  target < 2,000 ms each;
* ``alias_bomb_inprocess_ms``: :func:`paktsim.scenario.load_scenario` alone.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.timing import Timer

REPEATS = {"quick": 1, "full": 5}
ROWS = {"quick": 10_000, "full": 1_000_000}


def _bomb() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    prev = "a"
    for i in range(1, 9):
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ", ".join(f"*{prev}" for _ in range(9)) + "]")
        prev = name
    return "\n".join(lines + ["name: bombe", f"overrides: {{x: *{prev}}}"]) + "\n"


def run(size: str = "full", repeats: int | None = None) -> dict[str, Any]:
    """Median times (ms) of refusing hostile inputs.

    Parameters
    ----------
    size : {"quick", "full"}
        Rows of the user table and repeats.
    repeats : int, optional
        Override the number of repeats.
    """
    from paktsim import regions
    from paktsim.errors import InputError
    from paktsim.scenario import load_scenario

    if size not in REPEATS:
        raise ValueError(f"size must be one of {sorted(REPEATS)}, got {size!r}")
    timer = Timer(repeats or REPEATS[size], warmup=0)
    out: dict[str, Any] = {"rows": ROWS[size]}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        keys = list(regions.municipalities(include_uninhabited=True).index)
        table = tmp / "gross.csv"
        with open(table, "w", encoding="utf-8") as handle:
            handle.write("ags;persons\n")
            handle.writelines(f"{keys[i % len(keys)]};1.234,5\n" for i in range(ROWS[size]))
        bomb = tmp / "bombe.yaml"
        bomb.write_text(_bomb(), encoding="utf-8")
        deep = tmp / "tief.yaml"
        deep.write_text(
            "name: x\ndescription: " + "[" * 20000 + "]" * 20000 + "\n", encoding="utf-8"
        )

        def refused(fn: Any) -> Any:
            def call() -> None:
                try:
                    fn()
                except InputError:
                    return
                raise AssertionError("hostile input was accepted")

            return call

        def cli(path: Path | str) -> Any:
            def call() -> None:
                proc = subprocess.run(
                    [sys.executable, "-m", "paktsim", "validate", str(path)],
                    capture_output=True,
                    text=True,
                    timeout=60,
                    check=False,
                )
                assert proc.returncode == 2, proc.stderr

            return call

        out["user_table_rows_ms"] = timer(
            "user_table_rows_ms", refused(lambda: regions.read_user_table(table, ["persons"]))
        )
        out["alias_bomb_inprocess_ms"] = timer(
            "alias_bomb_inprocess_ms", refused(lambda: load_scenario(bomb))
        )
        out["alias_bomb_ms"] = timer("alias_bomb_ms", cli(bomb))
        out["deep_yaml_ms"] = timer("deep_yaml_ms", cli(deep))
        out["dev_zero_ms"] = timer("dev_zero_ms", cli("/dev/zero"))
    out["samples_ms"] = timer.samples
    return out
