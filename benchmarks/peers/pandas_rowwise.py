"""The Land-level stage chain as a careful analyst would write it by hand in pandas.

One loop over months; within a month every stage is a pandas Series over the
arrival groups, the vU a DataFrame of months-in-stage cohorts (rows) by group
(columns) that is shifted down one row each month; results are written row by
row into one DataFrame per stock.  Same timing convention as
:mod:`paktsim.inflow.kernel` (exits from last month's stock, entrants counted at
the end of the month they enter), so the stocks agree to float rounding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.peers import STAGES, LandInputs

__all__ = ["run"]


def run(inputs: LandInputs) -> dict[str, np.ndarray]:
    """End-of-month stocks ``{stage: (G, T)}``."""
    groups = list(inputs.groups)
    months = pd.RangeIndex(inputs.months, name="month")
    arrivals = pd.DataFrame(inputs.arrivals.T, index=months, columns=groups)
    rates = pd.DataFrame(inputs.rates, index=groups)  # one row per group, one column per rate
    cap = pd.Series(inputs.vu_cap, index=groups)
    slots = pd.RangeIndex(int(cap.max()), name="months_in_vu")
    # exit hazard per cohort: the vU exit rate, 1 in the last month the cap allows
    hazard = pd.DataFrame(
        {g: np.where(slots >= cap[g] - 1, 1.0, rates.loc[g, "vu_exit"]) for g in groups},
        index=slots,
    )

    stocks = {stage: pd.DataFrame(0.0, index=months, columns=groups) for stage in STAGES}
    ea = pd.Series(0.0, index=groups)
    cohorts = pd.DataFrame(0.0, index=slots, columns=groups)
    au = pd.Series(0.0, index=groups)
    own = pd.Series(inputs.initial_own, index=groups, dtype=float)

    for month in months:
        arriving = arrivals.loc[month]
        direct = arriving * rates["direct_share"]
        # exits, all from last month's stocks
        ea_out = ea * rates["ea_exit"]
        ea_to_vu = ea_out * (1 - rates["ea_left_share"])
        leaving_vu = cohorts * hazard
        vu_out = leaving_vu.sum()
        vu_to_au = vu_out * (1 - rates["vu_left_share"])
        au_to_own = au * rates["au_to_own"]
        au_left = au * rates["au_left"]
        own_left = own * rates["own_left"]
        # new stocks
        ea = ea - ea_out + (arriving - direct)
        cohorts = (cohorts - leaving_vu).shift(1, fill_value=0.0)
        cohorts.loc[0] = ea_to_vu
        au = au - au_to_own - au_left + vu_to_au
        own = own - own_left + au_to_own + direct

        stocks["ea"].loc[month] = ea
        stocks["vu"].loc[month] = cohorts.sum()
        stocks["au"].loc[month] = au
        stocks["own"].loc[month] = own
    return {stage: frame.to_numpy().T for stage, frame in stocks.items()}
