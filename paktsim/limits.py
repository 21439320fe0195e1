"""Bounds on user-supplied numbers: one range per kind of field.

Every boundary (scenario schema, CLI arguments, user tables, allocation entry
points) checks against these, so ``paktsim validate`` refuses what a run could
not compute.  They are technical limits (exact integer arithmetic in float64,
sane magnitudes), not model parameters: model numbers live in
``paktsim/parameters``.
"""

from __future__ import annotations

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_ARRIVALS_PER_MONTH",
    "MAX_ARRIVALS_TOTAL",
    "MAX_COUNT",
    "MAX_ENVELOPE_EUR",
    "MAX_FACTOR",
    "MAX_SOBOL_N_BASE",
    "MAX_SWEEP_COMBINATIONS",
    "MAX_TARGET_RATIO",
    "MIN_TARGET_RATIO",
]

#: Largest envelope in whole euros (1 Billion €, ~20 times the Land's whole budget for
#: integration); far below 2**53, so every whole-euro split is exact in float64 and int64.
MAX_ENVELOPE_EUR = 10**12
#: Largest count or amount in a user table (persons, euros).
MAX_COUNT = 1e12
#: Persons per full-time position: below 1 or above 100,000 is no staffing ratio.
MIN_TARGET_RATIO = 1.0
MAX_TARGET_RATIO = 100_000.0
#: Largest multiplier (urban factors, arrival scale, seasonal factors).
MAX_FACTOR = 1_000.0
#: Largest arrivals per month and per pulse (BW received ~100,000 persons in 2015/16).
MAX_ARRIVALS_PER_MONTH = 10_000_000.0
MAX_ARRIVALS_TOTAL = 100_000_000.0
#: Calendar years a scenario may name (the model starts in January 2014).
FIRST_YEAR = 2014
LAST_YEAR = 2100
#: Largest number of combinations in one sweep grid (each is a full central run).
MAX_SWEEP_COMBINATIONS = 10_000

#: Largest Sobol base sample N (N × (factors + 2) model runs: 4096 × 14 ≈ 57,000 runs).
MAX_SOBOL_N_BASE = 4096
