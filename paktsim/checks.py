"""Every check ``paktsim run`` makes before it computes, in one place.

``paktsim validate`` and :func:`paktsim.pipeline.run_scenario` both call
:func:`check_scenario`, so what a run would reject, validation rejects first,
with the same message.  The scenario schema (:mod:`paktsim.scenario`) checks
structure and types; the checks here need the model's vocabulary (inflow chain
rates, staffing keys, allocation rules, parameter ranges, input files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from paktsim.errors import InputError, Problem

__all__ = ["check_scenario", "clear_cache"]

#: The scenario sections the checks read: scenarios equal in these (e.g. the variants of a
#: tornado or a dashboard that change a staffing value) share one check.
_CHECKED_SECTIONS = ("horizon", "arrivals", "overrides", "allocation", "comparison")
_cache: dict[str, tuple[Problem, ...]] = {}
_CACHE_SIZE = 64  # structural: verdicts kept (scenario variants of one session)


def clear_cache() -> None:
    """Forget earlier check results (e.g. after an input file changed)."""
    _cache.clear()


def check_scenario(scenario: Any, base_dir: str | Path | None = None) -> None:
    """Raise one :class:`~paktsim.errors.InputError` listing every problem a run would hit.

    The result is remembered per checked scenario sections and ``base_dir``
    (building the arrival path and the cost rates is most of a check), so the
    many runs of a tornado or a dashboard check once.

    Parameters
    ----------
    scenario : Scenario
    base_dir : path, optional
        Folder for relative CSV paths (the scenario file's folder).
    """
    import json

    dumped = scenario.model_dump(mode="json")
    key = json.dumps(
        [
            {k: dumped.get(k) for k in _CHECKED_SECTIONS},
            dumped["uncertainty"]["distributions"],
            None if base_dir is None else str(base_dir),
        ],
        sort_keys=True,
        default=str,
    )
    if key not in _cache:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = tuple(_problems(scenario, base_dir))
    if _cache[key]:
        raise InputError(list(_cache[key]))


def _problems(scenario: Any, base_dir: str | Path | None) -> list[Problem]:
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
    if grid is not None:
        collect(_inflow_inputs, scenario, bd)
        collect(
            CostRates.from_params,
            tuple(int(y) for y in grid.years),
            dict(scenario.allocation.qualification_mix),
            scenario.overrides or None,
        )
    for name in ("allocation", "comparison"):
        spec = getattr(scenario, name)
        if spec is not None:
            collect(
                rule_from_spec, spec, base_dir=bd, model_counts=None, location=name, check_only=True
            )
    collect(_tornado_ranges, scenario)
    return problems


def _inflow_inputs(scenario: Any, base_dir: str | None) -> None:
    """The horizon lies after the start of the historic arrivals; the arrival path
    (blocks, CSV files) builds."""
    import pandas as pd

    from paktsim.inflow import arrivals

    start = pd.Period(scenario.horizon.start, freq="M")
    if start < arrivals.HISTORIC_START:
        raise InputError(
            Problem(
                "horizon.start",
                f"the model starts in {arrivals.HISTORIC_START} (historic arrivals)",
                scenario.horizon.start,
            )
        )
    arrivals.build(
        scenario.arrivals,
        pd.Period(scenario.horizon.end, freq="M"),
        base_dir=base_dir,
        overrides=scenario.overrides or None,
    )


def _tornado_ranges(scenario: Any) -> None:
    from paktsim.staffing import ASSUMPTION_PATHS, assumption_range

    for path in ASSUMPTION_PATHS.values():
        assumption_range(path, f"{scenario.horizon.start}-01")
