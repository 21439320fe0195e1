"""Benchmark: paktsim's Land-level stage chain next to PySD and hand-written pandas.

All three run the same chain on the same inputs (:func:`benchmarks.peers.land_inputs`:
status-quo arrival path from January 2014 to December 2034, 252 months, three
groups, rates in force on 2025-01-01, pre-2014 stock in own housing) and must
agree on every end-of-month stock within :data:`TOLERANCE` persons.  PySD's
translation of the ``.mdl`` is done once, outside the timing (reported
separately); the timed call is ``model.run(params=...)``.

``run(size)`` returns medians in milliseconds (``*_ms``), the per-repeat samples
(``samples_ms``), the largest differences and the speed-up ratios.  Without
PySD the PySD keys are absent and ``pysd_skipped`` says why.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks.timing import Stats, measure

#: Largest allowed difference between implementations (persons, any stock, group, month).
TOLERANCE = 1e-6
MONTHS = {"quick": 24, "full": None}
REPEATS = {
    "quick": {"paktsim": 2, "pandas": 1, "pysd": 1},
    "full": {"paktsim": 50, "pandas": 10, "pysd": 5},
}


def run(size: str = "full", repeats: int | None = None) -> dict[str, Any]:
    """Time and compare the three implementations.

    Parameters
    ----------
    size : {"quick", "full"}
        ``quick``: the first 24 months, one repeat each.
    repeats : int, optional
        Repeats for every implementation (default per size and implementation).
    """
    from benchmarks.peers import STAGES, land_inputs, max_abs_diff, paktsim_chain
    from benchmarks.peers import pandas_rowwise, pysd_chain

    if size not in MONTHS:
        raise ValueError(f"size must be one of {sorted(MONTHS)}, got {size!r}")
    reps = {k: (repeats or v) for k, v in REPEATS[size].items()}
    inputs = land_inputs(MONTHS[size])
    reference = paktsim_chain(inputs)
    out: dict[str, Any] = {
        "benchmark": "peers",
        "size": size,
        "months": inputs.months,
        "groups": len(inputs.groups),
        "tolerance_persons": TOLERANCE,
        "largest_stock_persons": round(max(float(v.max()) for v in reference.values()), 1),
    }
    samples: dict[str, list[float]] = {}
    samples["paktsim_ms"] = measure(lambda: paktsim_chain(inputs), reps["paktsim"])
    samples["pandas_rowwise_ms"] = measure(lambda: pandas_rowwise.run(inputs), reps["pandas"])
    out["max_abs_diff_pandas"] = max_abs_diff(reference, pandas_rowwise.run(inputs))

    reason = pysd_chain.available()
    if reason is None:
        import pysd

        out["pysd_version"] = pysd.__version__
        t0 = time.perf_counter()
        model = pysd_chain.load()
        out["pysd_translate_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        samples["pysd_ms"] = measure(lambda: pysd_chain.run(model, inputs), reps["pysd"])
        out["max_abs_diff_pysd"] = max_abs_diff(reference, pysd_chain.run(model, inputs))
    else:
        out["pysd_skipped"] = f"PySD not importable ({reason}); pip install -e '.[bench]'"

    for key, values in samples.items():
        out[key] = round(Stats(tuple(values)).median, 3)
    out["samples_ms"] = samples
    out["speedup_vs_pandas"] = round(out["pandas_rowwise_ms"] / out["paktsim_ms"], 1)
    if "pysd_ms" in out:
        out["speedup_vs_pysd"] = round(out["pysd_ms"] / out["paktsim_ms"], 1)
    diffs = [out[k] for k in ("max_abs_diff_pandas", "max_abs_diff_pysd") if k in out]
    out["agree"] = all(d < TOLERANCE for d in diffs)
    out["stages"] = list(STAGES)
    return out


if __name__ == "__main__":  # pragma: no cover
    import json

    res = run()
    res.pop("samples_ms")
    print(json.dumps(res, indent=2))
