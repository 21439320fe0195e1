"""``python -m benchmarks``: run every benchmark in one process, print one table,
write ``benchmarks/results.md``.

Usage::

    python -m benchmarks                 # full run, writes benchmarks/results.md
    python -m benchmarks --quick         # tiny sizes (smoke test), writes nothing
    python -m benchmarks --only peers --only montecarlo
    python -m benchmarks --repeats 5     # repeats per timing (default: per benchmark)
    python -m benchmarks --markdown      # also print the table for the README's "Speed"

Calling convention of a benchmark module ``benchmarks/bench_NAME.py``:
``run(size="full", repeats=None) -> dict`` with medians in milliseconds under keys
ending in ``_ms`` and the per-repeat times under ``result["samples_ms"][key]``
(``benchmarks.timing.Timer`` does both); ``size="quick"`` is a smoke-test setting
(one timed call, no warm-up, or tiny sizes).  ``--repeats`` is passed on as
``repeats=``.  A module that does not exist yet is reported as "not yet
available"; one that fails is reported with its error (exit code 1) and the
others still run.  Ratios measured in the same run are the headline, absolute
times are context: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import os
import platform
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.timing import Stats

__all__ = [
    "BENCHMARKS",
    "TARGETS",
    "run_benchmark",
    "run_all",
    "build_rows",
    "render_table",
    "render_markdown",
    "readme_table",
    "main",
]

#: Benchmark modules in run order (``benchmarks/bench_NAME.py``).
BENCHMARKS: tuple[str, ...] = (
    "inflow",
    "allocation",
    "dashboard",
    "staffing",
    "montecarlo",
    "peers",
    "hostile",
    "executors",
    "browser",
    "product",
)
#: Targets from issue #7 (ms, or a ratio).
TARGETS = {
    "deterministic_ms": 50.0,
    "dashboard_ms": 150.0,
    "ensemble_1000_ms": 10_000.0,
    "pysd_ratio": 100.0,
}
RESULTS = Path(__file__).with_name("results.md")
#: Findings (profiles, caveats) copied into the results under "Notes".
NOTES = Path(__file__).with_name("notes.md")
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Outcome:
    """What one benchmark module produced."""

    name: str
    status: str  # "ok", "missing", "failed"
    result: dict[str, Any] = field(default_factory=dict)
    samples: dict[str, list[float]] = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0


def run_benchmark(name: str, size: str = "full", repeats: int | None = None) -> Outcome:
    """Import ``benchmarks.bench_NAME`` and run it, collecting per-repeat samples."""
    modname = f"benchmarks.bench_{name}"
    try:
        module = importlib.import_module(modname)
    except ModuleNotFoundError as exc:
        if exc.name == modname:
            return Outcome(name, "missing", error="not yet available")
        return Outcome(name, "failed", error=f"import: {type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 - a module mid-edit must not stop the others
        return Outcome(name, "failed", error=f"import: {type(exc).__name__}: {exc}")

    kwargs: dict[str, Any] = {}
    if repeats is not None and "repeats" in inspect.signature(module.run).parameters:
        kwargs["repeats"] = repeats
    t0 = time.perf_counter()
    try:
        result = dict(module.run(size, **kwargs))
    except Exception as exc:  # noqa: BLE001 - reported in the table, the others still run
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        return Outcome(
            name,
            "failed",
            error=f"{type(exc).__name__}: {exc} ({Path(tb.filename).name}:{tb.lineno})",
            seconds=time.perf_counter() - t0,
        )
    seconds = time.perf_counter() - t0
    samples = {k: list(v) for k, v in dict(result.pop("samples_ms", {}) or {}).items()}
    return Outcome(name, "ok", result, samples, seconds=seconds)


def run_all(
    names: tuple[str, ...] = BENCHMARKS,
    size: str = "full",
    repeats: int | None = None,
    echo: Any = None,
) -> dict[str, Outcome]:
    """Run the named benchmarks in order; ``echo(str)`` reports progress."""
    out = {}
    for name in names:
        if echo:
            echo(f"running {name} ...")
        out[name] = run_benchmark(name, size, repeats)
        if echo:
            o = out[name]
            echo(
                f"  {name}: {o.status}"
                + (f" ({o.error})" if o.error else "")
                + (f" in {o.seconds:.1f} s" if o.status == "ok" else "")
            )
    return out


# -- table ----------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the results table."""

    label: str
    median: float | None = None  # ms
    spread: str = ""
    n: int | None = None
    target: str = ""
    status: str = ""
    note: str = ""
    value: str = ""  # shown instead of a time (memory, exponents, ratios)


def fmt_ms(ms: float | None) -> str:
    """``12.3 ms`` below one second, ``4.56 s`` above."""
    if ms is None:
        return ""
    if ms < 1:
        return f"{ms:.3f} ms"
    if ms < 1000:
        return f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"
    return f"{ms / 1000:.2f} s"


def _spread(samples: list[float] | None) -> tuple[str, int | None]:
    if not samples:
        return "", None
    s = Stats(tuple(samples))
    if s.n == 1:
        return "(1 run)", 1
    lo, hi = s.iqr
    iqr = f"IQR {fmt_ms(lo)}–{fmt_ms(hi)}; " if s.n >= 4 else ""
    return f"{iqr}min–max {fmt_ms(s.min)}–{fmt_ms(s.max)}", s.n


def _timed(
    outcomes: dict[str, Outcome],
    bench: str,
    key: str,
    label: str,
    *,
    target_ms: float | None = None,
    note: str = "",
) -> Row:
    o = outcomes.get(bench)
    if o is None:
        return Row(label, note=_NOT_RUN)
    if o.status != "ok":
        return Row(
            label,
            note=o.error if o.status == "missing" else f"failed: {o.error}",
            target=f"< {fmt_ms(target_ms)}" if target_ms else "",
        )
    if key not in o.result:
        return Row(label, note=f"no `{key}` in bench_{bench}")
    median = float(o.result[key])
    spread, n = _spread(o.samples.get(key))
    row = Row(label, median, spread, n, note=note)
    if target_ms is not None:
        row.target = f"< {fmt_ms(target_ms)}"
        row.status = "met" if median < target_ms else "missed"
    return row


_NOT_RUN = "not run (--only)"


def _dashboard_key(result: dict[str, Any]) -> str | None:
    keys = [k for k, v in result.items() if k.endswith("_ms") and isinstance(v, (int, float))]
    for preferred in ("median_ms", "dashboard_update_ms", "update_ms"):
        if preferred in keys:
            return preferred
    return next((k for k in keys if "update" in k), keys[0] if keys else None)


def _si(x: float) -> str:
    for unit, f in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= f:
            return f"{x / f:.1f} {unit}"
    return f"{x:.0f}"


def build_rows(outcomes: dict[str, Outcome]) -> list[Row]:
    """The headline rows (1)–(6) of issue #7 from the benchmark outcomes."""
    rows = [
        _timed(
            outcomes,
            "inflow",
            "deterministic_compute_ms",
            "1 Deterministic run, 1,101 Gemeinden × 120 months, all stages (compute)",
            target_ms=TARGETS["deterministic_ms"],
            note="kernel (EA, vU conveyor, AU, own) + AU/own stock of every Gemeinde-month",
        ),
        _timed(
            outcomes,
            "inflow",
            "simulate_status_quo_ms",
            "1b … end to end: simulate(status quo), chain 2014–2034 + keys",
            note="context",
        ),
        _timed(
            outcomes,
            "staffing",
            "run_scenario_cold_ms",
            "1c … whole pipeline, cold caches: run_scenario(status quo)",
            note="context",
        ),
        _timed(
            outcomes,
            "allocation",
            "population_urban_neighbours_ms",
            "2 Allocation: one envelope over 1,101 Gemeinden, neighbour grouping, FTE rounding",
        ),
    ]
    dash = outcomes.get("dashboard")
    key = _dashboard_key(dash.result) if dash is not None and dash.status == "ok" else None
    row = _timed(
        outcomes,
        "dashboard",
        key or "median_ms",
        "3 Dashboard update: slider → recompute → redraw (Agg)",
        target_ms=TARGETS["dashboard_ms"],
    )
    if key is not None:
        rules = {k: v for k, v in dash.result.items() if isinstance(v, dict) and "median_ms" in v}
        if rules and not row.spread:
            row.spread = "p90 " + ", ".join(
                f"{fmt_ms(v['p90_ms'])} ({k.replace('_', ' ')})"
                for k, v in rules.items()
                if "p90_ms" in v
            )
            row.n = sum(int(v.get("moves", 0)) for v in rules.values()) or None
            row.note = "worse of: " + ", ".join(
                f"{k.replace('_', ' ')} {fmt_ms(v['median_ms'])}" for k, v in rules.items()
            )
    rows.append(row)
    rows.append(
        _timed(
            outcomes,
            "staffing",
            "dashboard_update_ms",
            "3b … its model part: run_scenario after a slider change (warm cache)",
            note="no drawing",
        )
    )

    mc = outcomes.get("montecarlo")
    mcr = mc.result if mc is not None and mc.status == "ok" else {}
    n_gem = mcr.get("gemeinde_draws", 1000)
    rows.append(
        _timed(
            outcomes,
            "montecarlo",
            "gemeinde_inflow_ms",
            f"4a Monte Carlo, Gemeinde level: {n_gem:,} draws, AU P10/P50/P90 per Gemeinde-month",
            target_ms=TARGETS["ensemble_1000_ms"] if n_gem == 1000 else None,
            note=(
                f"{_si(mcr['gemeinde_inflow_cells_per_s'])} cell-updates/s"
                if "gemeinde_inflow_cells_per_s" in mcr
                else ""
            ),
        )
    )
    rows.append(
        _timed(
            outcomes,
            "montecarlo",
            "gemeinde_pipeline_ms",
            f"4b Monte Carlo, Gemeinde level: {n_gem:,} draws, whole pipeline (run_ensemble)",
            target_ms=TARGETS["ensemble_1000_ms"] if n_gem == 1000 else None,
            note=(
                f"{mcr['gemeinde_pipeline_draws_per_s']:.0f} draws/s"
                if "gemeinde_pipeline_draws_per_s" in mcr
                else ""
            ),
        )
    )
    rows.append(
        _timed(
            outcomes,
            "montecarlo",
            "land_ms",
            f"4c Monte Carlo, Land level: {mcr.get('land_draws', 10_000):,} draws, P10/P50/P90 of 4 stocks",
            note=(
                f"{_si(mcr['land_cells_per_s'])} cell-updates/s"
                if "land_cells_per_s" in mcr
                else ""
            ),
        )
    )

    peers = outcomes.get("peers")
    pr = peers.result if peers is not None and peers.status == "ok" else {}
    months = pr.get("months", 252)
    rows.append(
        _timed(
            outcomes,
            "peers",
            "paktsim_ms",
            f"5a Land stage chain, {months} months: paktsim (numpy kernel)",
        )
    )
    rows.append(
        _timed(
            outcomes,
            "peers",
            "pandas_rowwise_ms",
            "5b … same chain, pandas row by row",
            note=(
                f"paktsim {pr['speedup_vs_pandas']:.0f}× faster; max diff "
                f"{pr['max_abs_diff_pandas']:.1e} persons"
                if "speedup_vs_pandas" in pr
                else ""
            ),
        )
    )
    if peers is not None and peers.status == "ok" and "pysd_ms" not in pr:
        rows.append(
            Row(
                "5c … same chain, PySD (Vensim .mdl)",
                note=pr.get("pysd_skipped", ""),
                target=f"≥ {TARGETS['pysd_ratio']:.0f}× faster",
            )
        )
    else:
        row = _timed(outcomes, "peers", "pysd_ms", "5c … same chain, PySD (Vensim .mdl)")
        if "speedup_vs_pysd" in pr:
            ratio = pr["speedup_vs_pysd"]
            row.target = f"≥ {TARGETS['pysd_ratio']:.0f}× faster"
            row.status = "met" if ratio >= TARGETS["pysd_ratio"] and pr.get("agree") else "missed"
            row.note = (
                f"paktsim {ratio:.0f}× faster; max diff {pr['max_abs_diff_pysd']:.1e} "
                f"persons (tolerance {pr['tolerance_persons']:g})"
            )
        rows.append(row)

    if mcr:
        rows.append(
            Row(
                f"6a Peak memory, {n_gem:,}-draw Gemeinde ensemble (tracemalloc)",
                value=f"{mcr['peak_mb_gemeinde_inflow']:,.0f} MB inflow (4a); "
                f"{mcr['peak_mb_gemeinde_pipeline']:,.0f} MB pipeline (4b)",
            )
        )
        for k, label in (("land", "Land (4c)"), ("gemeinde_pipeline", "Gemeinde pipeline (4b)")):
            pts = mcr["scaling_ms"][k]
            rows.append(
                Row(
                    f"6b Runtime vs draws, {label}: " + " → ".join(f"{int(n):,}" for n in pts),
                    value=" → ".join(fmt_ms(v) for v in pts.values()),
                    note=f"fitted exponent {mcr['scaling_exponent'][k]:.2f} (1 = linear)",
                )
            )
    elif mc is not None:
        rows.append(
            Row(
                "6 Memory and growth with draws",
                note=mc.error if mc.status == "missing" else f"failed: {mc.error}",
            )
        )
    rows += _executor_rows(outcomes)
    rows += _product_rows(outcomes)
    return [r for r in rows if r.note != _NOT_RUN]


def _executor_rows(outcomes: dict[str, Outcome]) -> list[Row]:
    """Rows 7: one ensemble on each executor (issue 16)."""
    ex = outcomes.get("executors")
    if ex is None:
        return []
    if ex.status != "ok":
        return [
            Row("7 Executors", note=ex.error if ex.status == "missing" else f"failed: {ex.error}")
        ]
    r = ex.result
    n = r["draws"]
    peaks = r.get("peak_rss_mb_per_worker", {})
    rows = []
    for key, label in (
        ("inprocess", "in-process"),
        ("processes_1", "1 process"),
        ("processes_2", "2 processes"),
        ("dask_1", "Dask LocalCluster, 1 worker"),
        ("dask_2", "Dask LocalCluster, 2 workers"),
    ):
        if f"{key}_ms" not in r:
            continue
        row = _timed(
            outcomes,
            "executors",
            f"{key}_ms",
            f"7 Gemeinde ensemble, {n:,} draws, chunks of {r['chunk_size']}: {label}",
            note=f"{r[f'{key}_draws_per_s']:,.0f} draws/s; peak RSS per worker "
            f"{peaks.get(key, float('nan')):,.0f} MB",
        )
        if key == "processes_2":
            row.target = "≥ 1.7× in-process"
            row.status = "met" if r["speedup_processes_2"] >= 1.7 else "missed"
            row.note += f"; {r['speedup_processes_2']:.2f}× in-process"
        rows.append(row)
    rows.append(
        Row(
            "7b Overhead per chunk (in-process, small vs large chunks)",
            value=f"{r['overhead_per_chunk_ms']:.1f} ms",
            note="same bytes on every executor"
            if r.get("identical")
            else "RESULTS DIFFER between executors",
        )
    )
    rows.append(
        _timed(
            outcomes,
            "executors",
            "land_large_ms",
            f"7c Land-level chain, {r['land_draws']:,} draws (in-process)",
        )
    )
    return rows


def _product_rows(outcomes: dict[str, Outcome]) -> list[Row]:
    """Rows 8: the CLI as a user runs it, in a subprocess (issue 11)."""
    from benchmarks.bench_product import TARGETS as PRODUCT

    pr = outcomes.get("product")
    if pr is None:
        return []
    if pr.status != "ok":
        return [
            Row(
                "8 Product (paktsim CLI)",
                note=pr.error if pr.status == "missing" else f"failed: {pr.error}",
            )
        ]
    r = pr.result

    def cpu(key: str) -> str:
        return f"CPU {r[f'{key}_cpu_s']:.2f} s" if f"{key}_cpu_s" in r else ""

    def failed(key: str, label: str, target: str) -> Row | None:
        if f"{key}_error" in r:
            return Row(label, target=target, status="missed", note=f"failed: {r[f'{key}_error']}")
        if f"{key}_ms" not in r:
            return Row(label, note=_NOT_RUN)
        return None

    rows = []
    for key, label in (
        ("help", "8a `paktsim --help` (subprocess, start-up included)"),
        ("status_quo", "8b `paktsim run scenarios/status_quo.yaml` end to end"),
    ):
        target = PRODUCT[f"{key}_ms"]
        rows.append(
            failed(key, label, f"< {fmt_ms(target)}")
            or _timed(
                outcomes,
                "product",
                f"{key}_ms",
                label,
                target_ms=target,
                note=f"{cpu(key)}; peak RSS {r[f'{key}_peak_mb']:,.0f} MB",
            )
        )
    for key in sorted(
        {k[:-6] for k in r if k.startswith("mc_") and k.endswith("_draws")},
        key=lambda k: (r[f"{k}_draws"], k),
    ):
        n, workers = r[f"{key}_draws"], r.get(f"{key}_workers")
        label = f"8c `paktsim run scenarios/zugang_unsicher.yaml --draws {n:,}`" + (
            f" --workers {workers}" if workers else ""
        )
        target = PRODUCT.get(f"{key}_peak_mb")
        bad = failed(key, label, f"< {target:,.0f} MB" if target else "")
        if bad:
            rows.append(bad)
            continue
        peak = r[f"{key}_peak_mb"]
        memory = f"peak RSS {peak:,.0f} MB" + (
            f" (main {r[f'{key}_main_peak_mb']:,.0f} MB, largest worker "
            f"{r[f'{key}_worker_peak_mb']:,.0f} MB, together ≤ "
            f"{r[f'{key}_tree_peak_mb']:,.0f} MB)"
            if workers
            else ""
        )
        row = _timed(
            outcomes,
            "product",
            f"{key}_ms",
            label,
            note=f"{memory}; {cpu(key)}"
            + (
                f"; {r['speedup_workers_2']:.2f}× one process"
                if workers == 2 and "speedup_workers_2" in r
                else ""
            ),
        )
        if target:
            row.value = f"{fmt_ms(row.median)}; {peak:,.0f} MB"
            row.target = f"< {target:,.0f} MB peak RSS"
            row.status = "met" if peak < target else "missed"
        rows.append(row)
    return rows


def render_table(rows: list[Row]) -> str:
    """Plain-text table for the terminal."""
    head = ("benchmark", "median", "spread", "n", "target", "status", "notes")
    body = [
        (
            r.label,
            r.value or fmt_ms(r.median),
            r.spread,
            "" if r.n is None else str(r.n),
            r.target,
            r.status,
            r.note,
        )
        for r in rows
    ]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    widths[-1] = min(widths[-1], 70)
    line = "  ".join("-" * w for w in widths)
    fmt = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([fmt(head), line, *(fmt(b) for b in body)])


def _md_table(rows: list[Row]) -> str:
    out = [
        "| benchmark | median | spread | n | target | status | notes |",
        "|---|---:|---|---:|---|---|---|",
    ]
    for r in rows:
        status = {"met": "✓ met", "missed": "✗ missed"}.get(r.status, r.status)
        out.append(
            f"| {r.label} | {r.value or fmt_ms(r.median)} | {r.spread} | "
            f"{'' if r.n is None else r.n} | {r.target} | {status} | {r.note} |"
        )
    return "\n".join(out)


def machine_info() -> dict[str, str]:
    """CPU, load, versions and commit of this run."""
    import numpy
    import pandas
    import scipy

    info = {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "platform": platform.platform(),
        "cpu_count": str(os.cpu_count()),
    }
    try:
        info["cpus_usable"] = str(len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        pass
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        info["cpu"] = model
    except (OSError, StopIteration):
        info["cpu"] = platform.processor() or "unknown"
    try:
        info["load_average"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        pass
    info["python"] = platform.python_version()
    info["numpy"] = numpy.__version__
    info["pandas"] = pandas.__version__
    info["scipy"] = scipy.__version__
    try:
        import pysd

        info["pysd"] = pysd.__version__
    except Exception:  # noqa: BLE001 - machine facts are optional
        info["pysd"] = "not installed"
    try:
        from paktsim import __version__

        info["paktsim"] = __version__
    except Exception:  # noqa: BLE001  # pragma: no cover
        pass
    try:
        info["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except Exception:  # noqa: BLE001 - machine facts are optional
        pass
    return info


def _standing(rows: list[Row]) -> list[str]:
    lines = []
    for r in rows:
        if r.status and r.target.startswith("≥"):
            lines.append(
                f"- **{r.label}**: {r.note}; target {r.target} — "
                f"{'met' if r.status == 'met' else 'missed'}"
            )
        elif r.status:
            lines.append(
                f"- **{r.label}**: {r.value or fmt_ms(r.median)} against {r.target} — "
                f"{'met' if r.status == 'met' else 'missed'}" + (f" ({r.note})" if r.note else "")
            )
        elif r.target:
            lines.append(f"- **{r.label}**: no measurement ({r.note}); target {r.target}")
    return lines


def render_markdown(
    outcomes: dict[str, Outcome],
    rows: list[Row],
    info: dict[str, str],
    size: str,
    argv: list[str],
    notes: str = "",
) -> str:
    """``results.md``: machine, table, standing against the targets, raw results."""
    cmd = "python -m benchmarks" + ("" if not argv else " " + " ".join(argv))
    parts = [
        "# paktsim benchmarks",
        "",
        f"Measured {info.get('date', '')} with `{cmd}` ({size} size), all benchmarks in one "
        "process. Medians over repeated runs; spread as interquartile range (IQR, with ≥ 4 "
        "runs) and min–max. Ratios measured in the same run are the headline; absolute "
        "times are context (shared, noisy machine — see the load average).",
        "",
        "**Machine:** " + "; ".join(f"{k} {v}" for k, v in info.items() if k != "date"),
        "",
        _md_table(rows),
        "",
        "## Where we stand against the targets (issue #7)",
        "",
        *_standing(rows),
        "",
        "## Definitions",
        "",
        "- *Cell-update* (4a): one Gemeinde-month stock value computed for one draw "
        "(draws × 1,101 × 120). (4c): one state cell of the Land kernel updated for one draw "
        "and month: 3 groups × (Erstaufnahme + 24 vU months-in-stage slots + AU + own) = 81 "
        "per draw-month, over 252 months (2014–2034).",
        "- *Peers* (5): identical inputs — the status-quo arrival path January 2014 – "
        "December 2034 (252 months, 3 groups), chain rates in force on 2025-01-01, the "
        "pre-2014 stock in own housing. PySD runs `benchmarks/peers/stage_chain.mdl` "
        "(translated once, outside the timing); the vU is an aging chain of 24 monthly "
        "slots whose exit hazard is 1 in the last slot the cap allows, which with "
        "`TIME STEP = 1` is paktsim's months-in-stage conveyor with its hard cap, slot for "
        "slot. The three agree on every stock (Erstaufnahme, vU, AU, own; every group and "
        "month) within the stated tolerance; the differences are float rounding only.",
        "- *Scaling* (6b): median runtime at 100, 1,000 and 10,000 draws; exponent = slope "
        "of log(time) on log(draws).",
        "",
    ]
    if notes:
        parts += ["## Notes", "", notes.strip(), ""]
    parts += ["## Raw results per benchmark module", ""]
    for name, o in outcomes.items():
        parts.append(f"### bench_{name}")
        parts.append("")
        if o.status != "ok":
            parts += [f"{o.status}: {o.error}", ""]
            continue
        parts.append(f"({o.seconds:.1f} s wall clock)")
        parts.append("")
        for k, v in o.result.items():
            spread, n = _spread(o.samples.get(k))
            extra = f" — {spread}, n = {n}" if n else ""
            if isinstance(v, float):
                v = (
                    f"{v:.4g}"
                    if abs(v) < 1e-3 or abs(v) >= 1e6
                    else f"{v:,.3f}".rstrip("0").rstrip(".")
                )
            parts.append(f"- `{k}`: {v}{extra}")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def readme_table(rows: list[Row], info: dict[str, str], argv: list[str]) -> str:
    """The README's speed and memory table: the rows of this run with its machine
    and load, ready to paste under "Speed" (``python -m benchmarks --markdown``)."""
    cmd = "python -m benchmarks" + (
        "" if not argv else " " + " ".join(a for a in argv if a != "--markdown")
    )
    load = info.get("load_average", "?")
    if "load_average_end" in info:
        load += f" at the start, {info['load_average_end']} at the end"
    head = (
        f"Measured {info.get('date', '')} with `{cmd}` on {info.get('cpu', '?')} "
        f"({info.get('cpus_usable', info.get('cpu_count', '?'))} cores usable), commit "
        f"{info.get('commit', '?')}; load average (1, 5, 15 min) {load}."
    )
    out = ["| what | median | target | status | notes |", "|---|---:|---|---|---|"]
    for r in rows:
        status = {"met": "✓ met", "missed": "✗ missed"}.get(r.status, r.status)
        out.append(
            f"| {r.label} | {r.value or fmt_ms(r.median)} | {r.target} | {status} | {r.note} |"
        )
    return head + "\n\n" + "\n".join(out) + "\n"


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (1 if a benchmark failed)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes, one repeat (smoke test); writes no results file",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=BENCHMARKS,
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--repeats", type=int, default=None, help="repeats per timing (default: per benchmark)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="results file (default: benchmarks/results.md for a full run of "
        "every benchmark, none otherwise)",
    )
    parser.add_argument(
        "--notes",
        type=Path,
        default=None,
        help="markdown file whose text goes into the results under 'Notes' "
        "(default: benchmarks/notes.md if it exists)",
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="also print the table for the README (with machine and load)",
    )
    args = parser.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats: expected a whole number >= 1")
    size = "quick" if args.quick else "full"
    names = tuple(n for n in BENCHMARKS if not args.only or n in args.only)
    info = machine_info()
    print(
        f"paktsim benchmarks ({size}) on {info.get('cpu', '?')}, {info['cpu_count']} CPUs, "
        f"load {info.get('load_average', '?')}",
        flush=True,
    )
    outcomes = run_all(names, size, args.repeats, echo=lambda s: print(s, flush=True))
    rows = build_rows(outcomes)
    print()
    print(render_table(rows))
    try:
        info["load_average_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        pass
    if args.markdown:
        print()
        print(readme_table(rows, info, argv))
    output = args.output
    if output is None and size == "full" and names == BENCHMARKS:
        output = RESULTS
    if output is not None:
        notes_file = args.notes or (NOTES if NOTES.exists() else None)
        notes = notes_file.read_text(encoding="utf-8") if notes_file else ""
        _write(output, render_markdown(outcomes, rows, info, size, argv, notes))
        print(f"\nwrote {output}")
    return 1 if any(o.status == "failed" for o in outcomes.values()) else 0
