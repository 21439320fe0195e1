"""Every check ``paktsim run`` makes before it computes, in one place.

``paktsim validate`` and :func:`paktsim.pipeline.run_scenario` both call
:func:`check_scenario`, so what a run would reject, validation rejects first,
with the same message.  The scenario schema (:mod:`paktsim.scenario`) checks
structure and types; the checks here need the model's vocabulary (inflow chain
rates, staffing keys, allocation rules, parameter ranges, input files).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from paktsim.errors import InputError, Problem

__all__ = ["check_scenario"]


def check_scenario(scenario: Any, base_dir: str | Path | None = None) -> None:
    """Raise one :class:`~paktsim.errors.InputError` listing every problem a run would hit.

    Parameters
    ----------
    scenario : Scenario
    base_dir : path, optional
        Folder for relative CSV paths (the scenario file's folder).
    """
    from paktsim.allocation.factory import rule_from_spec
    from paktsim.ensemble import validate_distributions
    from paktsim.staffing import CostRates, YearGrid

    problems: list[Problem] = []

    def collect(check: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except InputError as exc:
            problems.extend(exc.problems)
            return None

    collect(validate_distributions, scenario.uncertainty.distributions)
    grid = collect(YearGrid, scenario.horizon.start, scenario.horizon.end)
    bd = None if base_dir is None else str(base_dir)
    overrides = json.dumps(scenario.overrides, sort_keys=True, default=str)
    if grid is not None:
        # a dashboard checks a new scenario on every slider move, but mostly with
        # the same horizon, arrivals and rates: a check that passed is not repeated
        if any(getattr(block, "file", None) for block in scenario.arrivals.blocks):
            collect(_inflow_inputs, scenario, bd)  # a CSV file may change between runs
        else:
            collect(_passed, ("inflow", scenario.horizon.model_dump_json(),
                              scenario.arrivals.model_dump_json(), overrides, bd),
                    _inflow_inputs, scenario, bd)
        years = tuple(int(y) for y in grid.years)
        mix = dict(scenario.allocation.qualification_mix)
        collect(_passed, ("rates", years, json.dumps(mix, sort_keys=True), overrides),
                CostRates.from_params, years, mix, scenario.overrides or None)
    for name in ("allocation", "comparison"):
        spec = getattr(scenario, name)
        if spec is not None:
            collect(rule_from_spec, spec, base_dir=bd, model_counts=None, location=name,
                    check_only=True)
    collect(_passed, ("tornado", scenario.horizon.start), _tornado_ranges, scenario)
    if problems:
        raise InputError(problems)


_PASSED: dict[tuple[Any, ...], None] = {}


def _passed(key: tuple[Any, ...], check: Any, *args: Any) -> None:
    """Run ``check(*args)`` unless it passed before for ``key`` (with the bundled
    parameters and data, which do not change while the process runs)."""
    from paktsim import params

    tree = params.load()
    full = (id(tree), *key)
    if full in _PASSED:
        return
    check(*args)
    if len(_PASSED) > 256:
        _PASSED.clear()
    _PASSED[full] = None


def _inflow_inputs(scenario: Any, base_dir: str | None) -> None:
    """The horizon lies after the start of the historic arrivals; the arrival path
    (blocks, CSV files) builds."""
    import pandas as pd

    from paktsim.inflow import arrivals

    start = pd.Period(scenario.horizon.start, freq="M")
    if start < arrivals.HISTORIC_START:
        raise InputError(Problem("horizon.start", f"the model starts in "
                                 f"{arrivals.HISTORIC_START} (historic arrivals)",
                                 scenario.horizon.start))
    arrivals.build(scenario.arrivals, pd.Period(scenario.horizon.end, freq="M"),
                   base_dir=base_dir, overrides=scenario.overrides or None)


def _tornado_ranges(scenario: Any) -> None:
    from paktsim.staffing import ASSUMPTION_PATHS, assumption_range

    for path in ASSUMPTION_PATHS.values():
        assumption_range(path, f"{scenario.horizon.start}-01")
