"""Parameter sweeps: one scenario, a grid of changes, one tidy table.

A scenario may declare ``sweep.grid``: dotted paths into the scenario (the same
names as in the YAML file) with a list of values each, e.g.::

    sweep:
      grid:
        allocation.urban_factor.factors.1: [1.1, 1.2, 1.3]
        allocation.budget_eur: [40000000, 58000000]
        arrivals.path: [baseline, low]

Every combination of values (the Cartesian product, in the order of the grid)
is a scenario of its own: the base scenario with those fields replaced, checked
like any scenario file before anything runs.  :func:`run` computes each
combination's central run (:func:`paktsim.pipeline.run_scenario`) on any
:class:`concurrent.futures.Executor` — in-process, local processes or a
``dask.distributed`` cluster — and collects

* :attr:`SweepResult.table`: one row per combination and year with the grid
  values and the headline figures (stable English column names,
  :data:`METRICS`);
* :attr:`SweepResult.comparison`: each combination minus the base scenario
  (the scenario without the grid) in the same year, plus how many Kreise get
  more or less money than under the base.

Results are placed by combination index, so the table is the same bytes
whatever the executor, the number of workers and the order in which the
combinations finish.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from paktsim import limits
from paktsim.errors import InputError, Problem

__all__ = [
    "METRICS",
    "METRIC_LABELS",
    "SweepResult",
    "combinations",
    "scenario_for",
    "check",
    "run_combination",
    "run",
    "german",
]

#: Headline figures per combination and year (columns of :attr:`SweepResult.table`).
METRICS: tuple[str, ...] = (
    "target_group",
    "caseload",
    "fte_needed",
    "fte_funded",
    "fte_staffed",
    "ratio_actual",
    "gap_fte",
    "gap_eur",
    "planned_eur",
    "needed_eur",
    "envelope_gap_eur",
    "employer_cost_eur",
    "land_funding_eur",
    "cofunding_eur",
    "unused_eur",
    "kreise_over_alert",
)
#: German column headers for people (Excel).
METRIC_LABELS: dict[str, str] = {
    "combination": "Kombination",
    "year": "Jahr",
    "target_group": "Personen in der Zielgruppe",
    "caseload": "Fallzahl",
    "fte_needed": "Stellen benötigt (VZÄ)",
    "fte_funded": "Stellen gefördert (VZÄ)",
    "fte_staffed": "Stellen besetzt (VZÄ)",
    "ratio_actual": "Personen je besetzter Stelle",
    "gap_fte": "Fehlende Stellen (VZÄ)",
    "gap_eur": "Fehlbetrag Landesmittel (€)",
    "planned_eur": "Mittel geplant (€)",
    "needed_eur": "Mittel benötigt (€)",
    "envelope_gap_eur": "Differenz benötigt − geplant (€)",
    "employer_cost_eur": "Personalkosten Arbeitgeber (€)",
    "land_funding_eur": "Landesförderung ausgezahlt (€)",
    "cofunding_eur": "Kommunaler Eigenanteil (€)",
    "unused_eur": "Nicht abgerufene Mittel (€)",
    "kreise_over_alert": "Kreise über der Überlastungsgrenze",
    "kreise_more_money": "Kreise mit mehr Mitteln als Basis",
    "kreise_less_money": "Kreise mit weniger Mitteln als Basis",
    "max_gain_eur": "Größter Zugewinn eines Kreises (€)",
    "max_loss_eur": "Größter Verlust eines Kreises (€)",
}

#: A Kreis gains or loses money in a combination when its euros move by more than this.
_HALF_EURO = 0.5  # structural: half a euro (amounts are whole euros)


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``a.b.c`` in a nested dict, creating sections that are unset (``None``).

    ``overrides.PARAM.PATH`` sets the override of one parameter (whose own path has
    dots): a mapping ``{date: value}`` as in the YAML, or a plain value, which then
    applies from the first month of the horizon on.
    """
    if path.startswith("overrides."):
        param = path[len("overrides.") :]
        if not isinstance(value, dict):
            value = {f"{data['horizon']['start']}-01": value}
        data.setdefault("overrides", {})
        data["overrides"] = {**(data["overrides"] or {}), param: value}
        return
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            node[part] = nxt
        node = nxt
    node[parts[-1]] = value


def _grid(scenario: Any) -> dict[str, list[Any]]:
    spec = getattr(scenario, "sweep", None)
    if spec is None or not spec.grid:
        raise InputError(
            Problem(
                "sweep.grid",
                "das Szenario enthält kein Raster (sweep.grid) "
                "mit mindestens einem Feld und seinen Werten",
            )
        )
    return {path: list(values) for path, values in spec.grid.items()}


def combinations(scenario: Any) -> pd.DataFrame:
    """The grid's combinations: one row each, index ``combination`` (0, 1, …).

    Columns are the grid paths, in the order of the grid; values vary fastest in
    the last column.
    """
    grid = _grid(scenario)
    rows = list(itertools.product(*grid.values()))
    frame = pd.DataFrame(rows, columns=list(grid), dtype=object)
    frame.index = pd.RangeIndex(len(rows), name="combination")
    return frame


def _base_data(scenario: Any) -> dict[str, Any]:
    data = scenario.model_dump(mode="json")
    data.pop("sweep", None)
    return data


def scenario_for(scenario: Any, changes: Mapping[str, Any], index: int | None = None) -> Any:
    """The base scenario (without its grid) with ``changes`` (path → value) applied.

    Raises
    ------
    InputError
        The changed scenario is not valid; each problem is located at
        ``sweep.grid.PATH`` with the value of the combination.
    """
    from paktsim.scenario import Scenario

    data = _base_data(scenario)
    for path, value in changes.items():
        _set_path(data, path, copy.deepcopy(value))
    if index is not None:
        data["name"] = f"{scenario.name} [{index}]"[:200]
    try:
        return Scenario.from_dict(data)
    except InputError as exc:
        problems = []
        for p in exc.problems:
            hit = next(
                (
                    path
                    for path in changes
                    if p.location == path
                    or p.location.startswith(path + ".")
                    or (path.startswith("overrides.") and p.location.startswith("overrides"))
                ),
                None,
            )
            where = f"sweep.grid.{hit}" if hit else f"sweep.grid ({p.location})"
            value = changes[hit] if hit else p.value
            problems.append(Problem(where, p.message, value))
        raise InputError(problems) from None


def check(scenario: Any, base_dir: Any = None) -> pd.DataFrame:
    """Check every combination before anything runs (what ``paktsim validate`` does).

    Returns
    -------
    DataFrame
        :func:`combinations`.
    """
    return _checked(scenario, base_dir)[0]


def _checked(scenario: Any, base_dir: Any) -> tuple[pd.DataFrame, list[str]]:
    """The combinations and, once checked, each combination's scenario as JSON."""
    from paktsim.checks import check_scenario

    combos = combinations(scenario)
    if len(combos) > limits.MAX_SWEEP_COMBINATIONS:
        raise InputError(
            Problem(
                "sweep.grid",
                f"zu viele Kombinationen; erlaubt sind höchstens {limits.MAX_SWEEP_COMBINATIONS}",
                len(combos),
            )
        )
    problems: list[Problem] = []
    seen: set[str] = set()
    payloads: list[str] = []
    for i, changes in enumerate(combos.to_dict("records")):
        try:
            sc = scenario_for(scenario, changes, index=i)
            check_scenario(sc, base_dir=base_dir)
            payloads.append(sc.model_dump_json())
        except InputError as exc:
            for p in exc.problems:
                key = f"{p.location}\0{p.message}"
                if key not in seen:  # one line per distinct problem, not per combination
                    seen.add(key)
                    problems.append(p)
    if problems:
        raise InputError(problems)
    return combos, payloads


def _kreis_money(result: Any) -> pd.DataFrame:
    """Allocated frame per Kreis (rows) and year (columns)."""
    return result.kreise["frame_eur"].unstack("year").astype(float)


def run_combination(scenario_json: str, base_dir: str | None) -> dict[str, Any]:
    """Central run of one scenario (runs in the worker): headline figures per year.

    Takes and returns plain data so any executor can ship it.

    Returns
    -------
    dict
        ``years`` (list), ``metrics`` (metric → list per year) and ``kreis_money``
        (Kreis key → list per year of allocated euros).
    """
    from paktsim import pipeline
    from paktsim.scenario import Scenario

    scenario = Scenario.model_validate_json(scenario_json)
    result = pipeline.run_scenario(scenario, base_dir=base_dir, ensemble=False)
    years = result.years
    land, proj = result.land.loc[years], result.projection.loc[years]
    metrics: dict[str, list[float]] = {}
    for key in METRICS:
        if key == "kreise_over_alert":
            ratio = result.kreise["ratio_actual"].unstack("year")[years]
            values = (ratio > pipeline.ratio_alert(result.scenario)).sum(axis=0)
        elif key in ("planned_eur", "needed_eur"):
            values = proj[key]
        elif key == "envelope_gap_eur":
            values = proj["gap_eur"]
        else:
            values = land[key]
        metrics[key] = [float(v) for v in np.asarray(values, dtype=float)]
    money = _kreis_money(result)[years]
    return {
        "years": [int(y) for y in years],
        "metrics": metrics,
        "kreis_money": {str(k): [float(v) for v in row] for k, row in money.iterrows()},
    }


@dataclass(frozen=True)
class SweepResult:
    """What :func:`run` produces.

    Attributes
    ----------
    combinations : DataFrame
        The grid's combinations (index ``combination``).
    table : DataFrame
        One row per combination and year: ``combination``, the grid paths,
        ``year`` and :data:`METRICS`.
    base : DataFrame
        The base scenario's figures per year (index ``year``, :data:`METRICS`).
    comparison : DataFrame
        ``table`` minus ``base`` per year (columns ``delta_METRIC``), plus
        ``kreise_more_money``, ``kreise_less_money``, ``max_gain_eur``,
        ``max_loss_eur`` (allocated money per Kreis against the base).
    """

    combinations: pd.DataFrame
    table: pd.DataFrame
    base: pd.DataFrame
    comparison: pd.DataFrame


def _frame(part: Mapping[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(part["metrics"], index=pd.Index(part["years"], name="year"))


def _money(part: Mapping[str, Any]) -> pd.DataFrame:
    """Allocated euros per Kreis (rows) and year (columns) of one run."""
    return pd.DataFrame.from_dict(
        part["kreis_money"], orient="index", columns=pd.Index(part["years"], name="year")
    )


def run(
    scenario: Any,
    *,
    base_dir: Any = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run every combination of the scenario's grid and the base scenario.

    Parameters
    ----------
    scenario : Scenario
        With ``sweep.grid``.
    base_dir : path, optional
        Folder for relative CSV paths in the scenario.
    executor : concurrent.futures.Executor, optional
        Where combinations run (``ProcessPoolExecutor``, a ``dask.distributed``
        client's ``get_executor()``, …); default in-process, one after the other.
    progress : callable (done, total), optional
        Called after each finished combination.

    Returns
    -------
    SweepResult
    """
    bd = None if base_dir is None else str(base_dir)
    combos, checked = _checked(scenario, base_dir)
    payloads = [scenario_for(scenario, {}).model_dump_json(), *checked]
    total = len(payloads)
    parts: list[dict[str, Any] | None] = [None] * total
    if executor is None:
        for i, payload in enumerate(payloads):
            parts[i] = run_combination(payload, bd)
            if progress:
                progress(i + 1, total)
    else:
        futures = [executor.submit(run_combination, payload, bd) for payload in payloads]
        try:
            for i, future in enumerate(futures):
                parts[i] = future.result()
                if progress:
                    progress(i + 1, total)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    done = [p for p in parts if p is not None]
    base = _frame(done[0])
    base_money = _money(done[0])
    tables, deltas = [], []
    for i, part in enumerate(done[1:]):
        frame = _frame(part)
        values = combos.iloc[i]
        head = pd.DataFrame(
            {"combination": i, **{p: [values[p]] * len(frame) for p in combos.columns}},
            index=frame.index,
        )
        tables.append(pd.concat([head, frame], axis=1).reset_index())
        delta = (frame - base.reindex(frame.index)).add_prefix("delta_")
        change = (
            (_money(part).reindex(base_money.index) - base_money)
            .reindex(columns=frame.index)
            .fillna(0.0)
        )
        delta["kreise_more_money"] = (change > _HALF_EURO).sum(axis=0).to_numpy()
        delta["kreise_less_money"] = (change < -_HALF_EURO).sum(axis=0).to_numpy()
        delta["max_gain_eur"] = change.max(axis=0).clip(lower=0).to_numpy() + 0.0
        delta["max_loss_eur"] = (-change.min(axis=0)).clip(lower=0).to_numpy() + 0.0
        deltas.append(pd.concat([head, delta], axis=1).reset_index())
    cols = ["combination", *combos.columns, "year"]
    table = pd.concat(tables, ignore_index=True)[[*cols, *METRICS]]
    comparison = pd.concat(deltas, ignore_index=True)
    comparison = comparison[[*cols, *[c for c in comparison.columns if c not in cols]]]
    return SweepResult(combos, table, base, comparison)


def _value_text(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def german(frame: pd.DataFrame, grid_paths: Sequence[str]) -> pd.DataFrame:
    """A sweep table with German headers for people (grid paths stay as written)."""
    out = frame.copy()
    for path in grid_paths:
        out[path] = out[path].map(_value_text)

    def label(col: str) -> str:
        if col in grid_paths:
            return col
        if col.startswith("delta_"):
            return f"Δ {METRIC_LABELS.get(col[6:], col[6:])}"
        return METRIC_LABELS.get(col, col)

    return out.rename(columns=label)
