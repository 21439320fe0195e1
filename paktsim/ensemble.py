"""The model step per draw, and the Monte Carlo engine that runs it in chunks.

One path
--------
:func:`place_staffing` is the step from the inflow chain's stocks to staffing
and money per place and year: target group (:func:`paktsim.staffing.target_group`)
→ annual mean per key segment → places (:func:`to_places`) → the one staffing
and money formula (:func:`paktsim.staffing.annual_staffing`).  The central run
of :mod:`paktsim.pipeline` is this step with one draw (the deterministic rates);
the ensemble is the same step vectorised over the draws of a chunk.

Chunks, executors and reproducibility
-------------------------------------
:func:`run` splits the draws into chunks of at most ``chunk_size`` draws.  A
chunk is a small picklable :class:`ChunkTask`; :func:`run_chunk` samples the
chunk's own inflow rates (``rates.sample(..., first_draw=start)``: about 60 kB
per draw, so no process ever holds the rates of all draws), runs the inflow
chain for its draws in steps of at most :data:`MAX_CELLS`, applies
:func:`place_staffing` and reduces the result inside the worker to what is kept
per draw: the Land's headline figures per year and the ratio, positions needed
and missing per Kreis and year (``draws × Kreise × years``, never ``draws ×
Gemeinden × months``).  Tasks go to any :class:`concurrent.futures.Executor`
(``None``: in-process, one chunk after the other, so memory holds one chunk);
results are stored by draw index as they arrive, and ``on_chunk_done(done,
total)`` (or :func:`chunk_progress`) reports each finished chunk.

Random numbers do not depend on the chunks: the inflow rates come from fixed
blocks of draws (:mod:`paktsim.inflow.rates`, ``SeedSequence(seed,
spawn_key=(block,))``) and the staffing values from one stream per draw
(``SeedSequence(seed, spawn_key=(STAFFING_STREAM, draw))``), i.e. the children
``SeedSequence.spawn`` would give, addressed by index.  Every number of a draw
is computed element-wise from that draw's inputs and written to the draw's row;
quantiles and probabilities are computed over the complete per-draw arrays at
the end.  So results are exact (not streamed approximations) and bit-identical
whatever the executor, the number of workers and the chunk size (tested).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from paktsim import staffing as st
from paktsim.errors import InputError, Problem

__all__ = [
    "STAFFING_KEYS",
    "STAFFING_STREAM",
    "QUANTILES",
    "LAND_METRICS",
    "MAX_CELLS",
    "PlaceInputs",
    "DrawSpec",
    "ChunkTask",
    "ChunkCallback",
    "EnsembleResult",
    "validate_distributions",
    "split_distributions",
    "sample_staffing",
    "horizon_window",
    "to_places",
    "place_staffing",
    "run_chunk",
    "chunk_progress",
    "run",
]

#: Staffing assumptions that may carry a distribution, with their valid interval.
STAFFING_KEYS: dict[str, tuple[float, float]] = {
    "staffing.target_ratio": (1e-9, np.inf),
    "staffing.counselling_share": (0.0, 1.0),
    "staffing.group_offer_share": (0.0, 1.0),
    "staffing.vacancy_rate": (0.0, 1.0 - 1e-9),
}
#: Keyword of :func:`paktsim.staffing.annual_staffing` per staffing key.
_STAFFING_ARGS = {
    "staffing.target_ratio": "target_ratio",
    "staffing.counselling_share": "counselling_share",
    "staffing.group_offer_share": "group_offer_share",
    "staffing.vacancy_rate": "vacancy_rate",
}
#: First spawn-key element of the staffing streams (keeps them apart from the inflow blocks).
STAFFING_STREAM = 0x57AF
QUANTILES: tuple[float, ...] = (0.1, 0.5, 0.9)
LAND_METRICS: tuple[str, ...] = (
    "caseload",
    "fte_needed",
    "fte_staffed",
    "ratio_actual",
    "gap_fte",
    "gap_eur",
    "needed_eur",
    "cofunding_eur",
)
#: Upper bound of draws × places × years per chunk in a worker (about 8 MB per array):
#: larger ``chunk_size`` values are split further, which changes no number.
MAX_CELLS = 1_000_000
_BAND_ROWS = {
    "fte_needed": "Stellen benötigt (VZÄ)",
    "ratio_actual": "Betreuungsschlüssel tatsächlich (Personen je VZÄ)",
    "gap_fte": "Fehlende Stellen (VZÄ)",
    "gap_eur": "Fehlbetrag Landesmittel (€)",
    "needed_eur": "Mittel benötigt für Zielschlüssel (€)",
    "cofunding_eur": "Kommunaler Eigenanteil inkl. Sachkosten (€)",
}


# ------------------------------------------------------------------ distributions


def _expected_keys() -> tuple[set[str], str]:
    from paktsim.inflow.arrivals import GROUPS
    from paktsim.inflow.rates import RATE_NAMES

    known = (
        {f"inflow.chain.{g}.{n}" for g in GROUPS for n in RATE_NAMES}
        | set(STAFFING_KEYS)
        | {"inflow.initial.own"}
    )
    text = (
        "expected an inflow chain rate (inflow.chain.GROUP.RATE with GROUP in "
        f"{', '.join(GROUPS)} and RATE in {', '.join(RATE_NAMES)}), inflow.initial.own "
        f"or one of {', '.join(STAFFING_KEYS)}"
    )
    return known, text


def validate_distributions(distributions: Mapping[str, Any]) -> None:
    """Check a scenario's ``uncertainty.distributions`` before anything runs.

    Every key must be an inflow chain rate (``inflow.chain.GROUP.RATE``) or one of
    :data:`STAFFING_KEYS`, and every distribution must build with its arguments.

    Raises
    ------
    InputError
        One problem per bad key or distribution, located at
        ``uncertainty.distributions.KEY``.
    """
    from paktsim.inflow.rates import distribution

    known, text = _expected_keys()
    problems = [
        Problem(f"uncertainty.distributions.{key}", text, key)
        for key in sorted(set(distributions) - known)
    ]
    for key, spec in distributions.items():
        if hasattr(spec, "dist"):
            try:
                distribution(spec)
            except InputError as exc:
                problems += [
                    Problem(f"uncertainty.distributions.{key}", p.message, p.value)
                    for p in exc.problems
                ]
    if problems:
        raise InputError(problems)


def split_distributions(distributions: Mapping[str, Any]) -> tuple[dict, dict]:
    """``(inflow chain rates, staffing keys)`` of a checked distributions mapping."""
    validate_distributions(distributions)
    inflow = {
        k: v
        for k, v in distributions.items()
        if k.startswith("inflow.chain.") or k == "inflow.initial.own"
    }
    staff = {k: v for k, v in distributions.items() if k in STAFFING_KEYS}
    return inflow, staff


def sample_staffing(
    distributions: Mapping[str, Any], seed: int, draws: np.ndarray
) -> dict[str, np.ndarray]:
    """Staffing values for the given draw indices (each draw its own stream).

    Parameters
    ----------
    distributions : mapping key → DistributionSpec (or frozen scipy distribution)
        Keys from :data:`STAFFING_KEYS`.
    seed : int
        Root entropy.
    draws : ndarray of int
        Draw indices; the value of draw ``i`` depends only on ``(seed, i)``.

    Returns
    -------
    dict key → ndarray (len(draws),)
        Values clipped to the key's valid interval.
    """
    from paktsim.inflow.rates import distribution

    keys = sorted(distributions)
    if not keys:
        return {}
    frozen = {k: (distribution(v) if hasattr(v, "dist") else v) for k, v in distributions.items()}
    u = np.empty((len(draws), len(keys)))
    for i, d in enumerate(np.asarray(draws, dtype=np.int64)):  # one tiny stream per draw
        rng = np.random.default_rng(
            np.random.SeedSequence(int(seed), spawn_key=(STAFFING_STREAM, int(d)))
        )
        u[i] = rng.random(len(keys))
    out = {}
    for j, key in enumerate(keys):
        values = np.asarray(frozen[key].ppf(u[:, j]), dtype=float)
        if not np.all(np.isfinite(values)):
            raise InputError(
                Problem(f"uncertainty.distributions.{key}", "distribution gives non-finite values")
            )
        low, high = STAFFING_KEYS[key]
        out[key] = np.clip(values, low, high)
    return out


# ------------------------------------------------------------------ the step


def horizon_window(inflow: Any) -> slice:
    """Months of the scenario horizon within the chain's months (which start in 2014)."""
    first = int(inflow.all_months.get_loc(inflow.months[0]))
    return slice(first, first + len(inflow.months))


def to_places(segments: np.ndarray, key: np.ndarray) -> np.ndarray:
    """``(D, S, T)`` segment totals × ``(S, N)`` key → ``(D, N, T)`` per place.

    Adds one segment after the other (element-wise, no BLAS), so each draw's
    numbers do not depend on how many draws are processed together, and memory
    stays ``D × N × T`` however many key segments (regimes) there are.
    """
    out = segments[:, 0, None, :] * key[0][None, :, None]
    for s in range(1, key.shape[0]):  # a few dozen segments, not places or months
        out += segments[:, s, None, :] * key[s][None, :, None]
    return out


@dataclass(frozen=True, eq=False)
class PlaceInputs:
    """What the step needs besides the stocks: the same for every draw.

    Attributes
    ----------
    key : ndarray (S, N)
        Share of each key segment's persons per place.
    places : Index
        Place keys (``ags``), sorted so that each Kreis's places are contiguous.
    funded, filled : ndarray (N, Y)
        Annual mean funded FTE and filled FTE before vacancy
        (:func:`paktsim.staffing.annual_inputs`).
    frame : ndarray (N, Y)
        Allocated frame (euros) per place and year.
    grid : YearGrid
    assumptions : StaffingAssumptions
    rates : CostRates
    target : tuple of (stage, group or None)
        Target-group definition (:func:`paktsim.staffing.target_group_parts`).
    window : slice
        Horizon months within the chain's months.
    """

    key: np.ndarray
    places: pd.Index
    funded: np.ndarray
    filled: np.ndarray
    frame: np.ndarray
    grid: st.YearGrid
    assumptions: st.StaffingAssumptions
    rates: st.CostRates
    target: tuple[tuple[str, str | None], ...]
    window: slice

    @property
    def kreis_index(self) -> pd.Index:
        """Kreis keys in order of the places."""
        return pd.Index(pd.unique(np.asarray(self.places.str[:5])), name="kreis_ags")

    @property
    def kreis_starts(self) -> np.ndarray:
        """First place position of each Kreis (for ``np.add.reduceat``)."""
        codes = np.asarray(self.places.str[:5])
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        if len(starts) != len(self.kreis_index):
            raise InputError(Problem("places", "places must be sorted by Kreis"))
        return starts


def place_staffing(
    stocks: Mapping[str, np.ndarray],
    inputs: PlaceInputs,
    draw_values: Mapping[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """The model step: chain stocks of ``D`` draws → staffing and money ``(D, N, Y)``.

    Parameters
    ----------
    stocks : mapping stage → ndarray (D, G, S, T_all)
        The inflow chain's stocks.
    inputs : PlaceInputs
    draw_values : mapping key → ndarray (D,), optional
        Drawn staffing assumptions (keys of :data:`STAFFING_KEYS`).
    """
    segs = st.target_group(stocks, definition=inputs.target, window=inputs.window)
    people = to_places(inputs.grid.mean(segs), inputs.key)
    per_draw = {
        _STAFFING_ARGS[k]: np.asarray(v, dtype=float)[:, None, None]
        for k, v in (draw_values or {}).items()
    }
    return st.annual_staffing(
        people,
        inputs.funded,
        inputs.filled,
        inputs.grid,
        inputs.assumptions,
        inputs.rates,
        frame_eur=inputs.frame,
        **per_draw,
    )


# ------------------------------------------------------------------ chunks


@dataclass(frozen=True, eq=False)
class DrawSpec:
    """How every chunk samples its draws' inflow inputs (the same for all chunks).

    The arguments of :func:`paktsim.inflow.rates.sample`; a chunk samples only its
    own draws (``first_draw``), so no process ever holds the rates of all draws.
    """

    seed: int
    first_day: Any  # date: rates in force (with ``months``: unused)
    overrides: dict[str, Any] | None
    distributions: dict[str, Any]
    arrivals_sigma: float
    months: pd.PeriodIndex  # the chain's months (monthly rates)
    initial_own: np.ndarray  # (1, G) central pre-2014 stock


@dataclass(frozen=True, eq=False)
class ChunkTask:
    """One chunk of draws, self-contained and picklable (sent to a worker).

    The worker samples the chunk's rates itself and runs them in steps of at
    most ``work`` draws (:data:`MAX_CELLS`), so a chunk's memory is bounded by
    its rates (about 60 kB per draw) plus one step.
    """

    start: int
    size: int
    work: int
    arrivals: np.ndarray  # (1, G, T_all) central monthly arrivals
    forward: np.ndarray  # (T_all,) months the arrival factor applies to
    segment: np.ndarray  # (G, T_all) key segment (regime) per group and month
    n_segments: int
    initial_segment: int | None  # segment of the pre-2014 stock and of movers
    staff: dict[str, np.ndarray]  # key → (size,)
    draws: DrawSpec
    inputs: PlaceInputs


def _step(
    task: ChunkTask,
    rates: Any,
    factor: np.ndarray,
    initial: np.ndarray,
    staff: Mapping[str, np.ndarray],
) -> dict[str, Any]:
    """Chain → staffing → reduction for a few draws (at most ``task.work``)."""
    from paktsim.inflow.kernel import run_chain

    arr = np.where(task.forward, task.arrivals * factor[:, None, None], task.arrivals)
    try:
        chain = run_chain(
            arr,
            rates,
            task.segment,
            n_segments=task.n_segments,
            initial_own=initial,
            initial_segment=task.initial_segment,
            move_segment=task.initial_segment,
        )
    except ValueError as exc:
        raise InputError(Problem("inflow", str(exc))) from None
    out = place_staffing(chain.stocks, task.inputs, staff)
    del chain
    rates_eur = task.inputs.rates.select(task.inputs.grid.years)
    land = {
        m: out[m].sum(axis=1)
        for m in ("caseload", "fte_needed", "fte_staffed", "gap_fte", "gap_eur", "cofunding_eur")
    }
    land["needed_eur"] = st.needed_eur(land["fte_needed"], rates_eur)
    starts = task.inputs.kreis_starts
    with np.errstate(divide="ignore", invalid="ignore"):
        land["ratio_actual"] = np.where(
            land["fte_staffed"] > 0, land["caseload"] / land["fte_staffed"], np.nan
        )
        k_cl = np.add.reduceat(out["caseload"], starts, axis=1)
        k_st = np.add.reduceat(out["fte_staffed"], starts, axis=1)
        kreis_ratio = np.where(k_st > 0, k_cl / k_st, np.nan)
    kreis_needed = np.add.reduceat(out["fte_needed"], starts, axis=1)
    kreis_gap = np.add.reduceat(out["gap_fte"], starts, axis=1)
    return {
        "land": land,
        "kreis_ratio": kreis_ratio,
        "kreis_needed": kreis_needed,
        "kreis_gap": kreis_gap,
    }


def run_chunk(task: ChunkTask) -> dict[str, Any]:
    """Sample, run and reduce one chunk to what is kept per draw (runs in the worker).

    Returns
    -------
    dict
        ``start``, ``land`` (metric → (c, Y)), ``kreis_ratio``, ``kreis_needed``,
        ``kreis_gap`` (c, K, Y), ``drawn`` (key → (c,)) and ``factor`` (c,).
    """
    from paktsim.inflow import rates as rates_mod

    spec = task.draws
    rates, factor, drawn = rates_mod.sample(
        task.size,
        spec.seed,
        spec.first_day,
        spec.overrides,
        distributions=spec.distributions,
        arrivals_sigma=spec.arrivals_sigma,
        months=spec.months,
        first_draw=task.start,
    )
    initial = np.repeat(np.asarray(spec.initial_own)[:1], task.size, axis=0)
    if "inflow.initial.own" in drawn:  # calibrated: drawn jointly with the rates
        initial[:, 0] = drawn["inflow.initial.own"]
    parts = []
    for lo in range(0, task.size, task.work):
        sl = slice(lo, min(task.size, lo + task.work))
        parts.append(
            _step(
                task,
                rates.take(sl),
                factor[sl],
                initial[sl],
                {k: v[sl] for k, v in task.staff.items()},
            )
        )
    del rates
    land = {m: np.concatenate([p["land"][m] for p in parts]) for m in LAND_METRICS}
    kreis = {
        k: np.concatenate([p[k] for p in parts])
        for k in ("kreis_ratio", "kreis_needed", "kreis_gap")
    }
    return {"start": task.start, "land": land, **kreis, "drawn": drawn, "factor": factor}


def _tasks(
    inflow: Any,
    inputs: PlaceInputs,
    spec: DrawSpec,
    staff: Mapping[str, np.ndarray],
    n: int,
    chunk: int,
    work: int,
) -> Iterator[ChunkTask]:
    from paktsim.inflow import arrivals as arrivals_mod
    from paktsim.inflow.arrivals import GROUPS

    base = inflow.arrivals[list(GROUPS)].to_numpy().T[None, :, :]
    forward = np.asarray(inflow.all_months > arrivals_mod.HISTORIC_END)
    keys = inflow.keys  # month-by-month regimes (reception credits), as the central run
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        yield ChunkTask(
            lo,
            hi - lo,
            min(work, hi - lo),
            base,
            forward,
            keys.segment,
            keys.kreis.shape[0],
            keys.initial_segment,
            {k: v[lo:hi] for k, v in staff.items()},
            spec,
            inputs,
        )


#: Receives ``(chunks done, chunks in all)`` after each chunk (see :func:`chunk_progress`).
ChunkCallback = Callable[[int, int], None]
_PROGRESS: contextvars.ContextVar[ChunkCallback | None] = contextvars.ContextVar(
    "paktsim_chunk_progress", default=None
)


@contextlib.contextmanager
def chunk_progress(callback: ChunkCallback | None) -> Iterator[None]:
    """Call ``callback(done, total)`` at the start (``done = 0``) and after each
    finished chunk of every ensemble run inside the ``with`` block (e.g. a progress
    bar of ``paktsim run``), also when it is reached through cached pipeline calls."""
    token = _PROGRESS.set(callback)
    try:
        yield
    finally:
        _PROGRESS.reset(token)


def run(
    scenario: Any,
    inflow: Any,
    inputs: PlaceInputs,
    *,
    n_draws: int,
    chunk_size: int,
    executor: Executor | None = None,
    on_chunk_done: ChunkCallback | None = None,
) -> EnsembleResult:
    """Monte Carlo ensemble of the headline figures (see the module docstring).

    Parameters
    ----------
    scenario : Scenario
        Uses ``seed``, ``overrides``, ``horizon.start``, ``data.vintage`` and
        ``uncertainty`` (arrivals_sigma, distributions).
    inflow : InflowResult
        The central inflow run (arrivals path, months, initial stocks).
    inputs : PlaceInputs
        The central run's allocation, funding and rates per place.
    n_draws, chunk_size : int
        Draws, and draws per chunk (the unit sent to a worker; a worker holds
        the rates of one chunk and computes it in steps bounded by
        :data:`MAX_CELLS`).
    executor : concurrent.futures.Executor, optional
        Where chunks run (``ProcessPoolExecutor``, a ``dask.distributed``
        client's ``get_executor()``, …); default in-process.
    on_chunk_done : callable ``(done, total)``, optional
        Called in this process with ``done = 0`` before the first chunk and
        after each finished chunk (default: the callback of an enclosing
        :func:`chunk_progress`).

    Returns
    -------
    EnsembleResult
    """
    n, chunk = int(n_draws), int(chunk_size)
    if n < 1:
        raise InputError(Problem("uncertainty.n_draws", "expected at least 1 draw", n))
    if chunk < 1:
        raise InputError(Problem("uncertainty.chunk_size", "expected at least 1", chunk))
    callback = on_chunk_done if on_chunk_done is not None else _PROGRESS.get()
    cells = max(1, inputs.key.shape[1] * len(inputs.grid.years))
    work = max(1, min(chunk, MAX_CELLS // cells))
    inflow_dists, staff_dists = split_distributions(scenario.uncertainty.distributions)
    spec = DrawSpec(
        int(scenario.seed),
        pd.Period(scenario.horizon.start, freq="M").start_time.date(),
        dict(scenario.overrides) if scenario.overrides else None,
        inflow_dists,
        float(scenario.uncertainty.arrivals_sigma),
        inflow.all_months,
        np.asarray(inflow.initial_own)[:1],
    )
    staff = sample_staffing(staff_dists, scenario.seed, np.arange(n))
    years = inputs.grid.years
    kreise = inputs.kreis_index
    land = {m: np.empty((n, len(years))) for m in LAND_METRICS}
    kreis_ratio = np.empty((n, len(kreise), len(years)))
    kreis_needed = np.empty_like(kreis_ratio)
    kreis_gap = np.empty_like(kreis_ratio)
    factor = np.empty(n)
    drawn: dict[str, np.ndarray] = {}
    total = -(-n // chunk)

    def store(part: dict[str, Any], done: int) -> None:
        lo = part["start"]
        hi = lo + part["kreis_ratio"].shape[0]
        for m in LAND_METRICS:
            land[m][lo:hi] = part["land"][m]
        kreis_ratio[lo:hi] = part["kreis_ratio"]
        kreis_needed[lo:hi] = part["kreis_needed"]
        kreis_gap[lo:hi] = part["kreis_gap"]
        factor[lo:hi] = part["factor"]
        for key, values in part["drawn"].items():
            drawn.setdefault(key, np.empty(n))[lo:hi] = values
        if callback is not None:
            callback(done, total)

    if callback is not None:
        callback(0, total)
    tasks = _tasks(inflow, inputs, spec, staff, n, chunk, work)
    if executor is None:
        for done, task in enumerate(tasks, 1):
            store(run_chunk(task), done)
    else:
        # results are placed by draw index, so the order they arrive in changes nothing;
        # as_completed drops each future once yielded, so finished chunks are not kept
        futures = as_completed([executor.submit(run_chunk, task) for task in tasks])
        for done, future in enumerate(futures, 1):
            store(future.result(), done)
    return EnsembleResult(
        n,
        int(scenario.seed),
        chunk,
        tuple(int(y) for y in years),
        kreise,
        land,
        kreis_ratio,
        {**drawn, "arrivals_factor": factor, **staff},
        kreis_needed,
        kreis_gap,
    )


# ------------------------------------------------------------------ result


def _nanquantile(values: np.ndarray, q: tuple[float, ...]) -> np.ndarray:
    """Quantiles over draws (axis 0) ignoring NaN; a year where every draw is NaN
    (e.g. no staff at all, so no ratio) gives NaN without a warning."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanquantile(values, q, axis=0)


@dataclass(frozen=True, eq=False)
class EnsembleResult:
    """Per-draw headline figures of a Monte Carlo run.

    Attributes
    ----------
    land : dict metric → ndarray (D, Y)
        Land totals per draw and year (metrics :data:`LAND_METRICS`).
    kreis_ratio : ndarray (D, K, Y)
        Persons per staffed FTE per Kreis (NaN without staff).
    drawn : dict key → ndarray (D,)
        Values drawn for every uncertain input (run record).
    kreis_needed, kreis_gap : ndarray (D, K, Y)
        Positions needed and missing per Kreis (:meth:`kreis_bands`).
    """

    n_draws: int
    seed: int
    chunk_size: int
    years: tuple[int, ...]
    kreise: pd.Index
    land: dict[str, np.ndarray]
    kreis_ratio: np.ndarray
    drawn: dict[str, np.ndarray] = field(default_factory=dict)
    kreis_needed: np.ndarray | None = None
    kreis_gap: np.ndarray | None = None

    def quantiles(self, metric: str, q: tuple[float, ...] = QUANTILES) -> pd.DataFrame:
        """Quantiles of a Land metric per year: index ``year``, columns ``P10, P50, P90``."""
        if metric not in self.land:
            raise InputError(Problem("metric", f"expected one of {', '.join(self.land)}", metric))
        values = _nanquantile(self.land[metric], q)
        return pd.DataFrame(
            values.T,
            index=pd.Index(self.years, name="year"),
            columns=[f"P{round(x * 100)}" for x in q],
        )

    def kreis_bands(
        self, metric: str = "gap_fte", q: tuple[float, ...] = QUANTILES
    ) -> pd.DataFrame:
        """Quantiles per Kreis and year of positions needed (``fte_needed``) or
        missing (``gap_fte``): index ``(kreis_ags, year)``, columns ``P10, P50, P90``."""
        arrays = {"fte_needed": self.kreis_needed, "gap_fte": self.kreis_gap}
        chosen = arrays.get(metric)
        if chosen is None:
            raise InputError(Problem("metric", "expected fte_needed or gap_fte", metric))
        values = _nanquantile(chosen, q)  # (Q, K, Y)
        index = pd.MultiIndex.from_product([self.kreise, pd.Index(self.years, name="year")])
        return pd.DataFrame(
            values.reshape(len(q), -1).T, index=index, columns=[f"P{round(x * 100)}" for x in q]
        )

    def prob_ratio_above(
        self, threshold: float, year: int | None = None
    ) -> pd.Series | pd.DataFrame:
        """Probability that a Kreis's ratio exceeds ``threshold`` persons per FTE
        (the overload threshold: :func:`paktsim.pipeline.ratio_alert`).

        A Kreis without staff but with people counts as above.  Returns a Series
        per Kreis for one ``year``, else a DataFrame Kreis × year.
        """
        above = np.where(np.isnan(self.kreis_ratio), True, self.kreis_ratio > threshold)
        prob = pd.DataFrame(
            above.mean(axis=0), index=self.kreise, columns=pd.Index(self.years, name="year")
        )
        return prob if year is None else prob[int(year)].rename("probability")

    def prob_any_kreis_above(self, threshold: float) -> pd.Series:
        """Probability per year that at least one Kreis exceeds ``threshold``."""
        above = np.where(np.isnan(self.kreis_ratio), True, self.kreis_ratio > threshold)
        return pd.Series(
            above.any(axis=1).mean(axis=0),
            index=pd.Index(self.years, name="year"),
            name="probability",
        )

    def add_bands(self, summary: pd.DataFrame, years: list[int], threshold: float) -> pd.DataFrame:
        """Insert P10/P50/P90 rows after the uncertain rows of a summary table."""
        rows = []
        pos = {y: i for i, y in enumerate(self.years)}
        idx = [pos[int(y)] for y in years]
        for label, values in summary.iterrows():
            rows.append((label, values.to_numpy()))
            for metric, mlabel in _BAND_ROWS.items():
                if label == mlabel:
                    qs = _nanquantile(self.land[metric][:, idx], QUANTILES)
                    for q, v in zip(QUANTILES, qs):
                        rows.append((f"{label} P{round(q * 100)}", v))
        prob = self.prob_any_kreis_above(threshold).to_numpy()[idx]
        rows.append((f"Wahrscheinlichkeit: mindestens ein Kreis über 1:{threshold:g}", prob))
        out = pd.DataFrame(
            [v for _, v in rows], index=[k for k, _ in rows], columns=summary.columns
        )
        out.index.name = summary.index.name
        return out
