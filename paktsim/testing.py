"""Conformance checks for extensions, in the spirit of scikit-learn's ``check_estimator``.

:func:`check_allocation_rule` runs any object implementing
:class:`paktsim.allocation.AllocationRule` through the engine and verifies the
properties every rule must have.  Use it in your own tests::

    from paktsim.testing import check_allocation_rule
    check_allocation_rule(MyRule(...), table)

A failed property raises :class:`AllocationRuleCheckError` naming the check and
the offending regions.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["AllocationRuleCheckError", "check_allocation_rule", "bump_own_weight"]


class AllocationRuleCheckError(AssertionError):
    """A rule violates one of the properties checked by :func:`check_allocation_rule`."""


def _fail(check: str, detail: str) -> None:
    raise AllocationRuleCheckError(f"{check}: {detail}")


def bump_own_weight(
    rule: Any, table: pd.DataFrame, key: str, factor: float = 1.5
) -> tuple[Any, pd.DataFrame]:
    """Return ``(rule', table')`` in which only region ``key``'s own input is larger.

    Counts (``rule.counts``) are raised for ``key``; a :class:`MixRule` has each
    part bumped; otherwise the table's ``population`` of ``key`` is raised.
    """
    from paktsim.allocation.rules import MixRule

    if isinstance(rule, MixRule):
        parts = {}
        for name, (part, w) in rule.parts.items():
            part2, table = bump_own_weight(part, table, key, factor)
            parts[name] = (part2, w)
        return MixRule(parts), table
    if hasattr(rule, "counts") and dataclasses.is_dataclass(rule):
        counts = rule.counts.copy()
        counts.loc[key] = counts.get(key, 0.0) * factor + 1.0
        return dataclasses.replace(rule, counts=counts), table
    table = table.copy()
    table["population"] = table["population"].astype(float)
    table.loc[key, "population"] = table.loc[key, "population"] * factor + 1
    return rule, table


def check_allocation_rule(
    rule: Any,
    table: pd.DataFrame | None = None,
    budget_eur: int = 58_000_000,
    *,
    seed: int = 0,
    bump: Callable[[Any, pd.DataFrame, str], tuple[Any, pd.DataFrame]] = bump_own_weight,
    n_bumps: int = 5,
) -> None:
    """Verify the properties every allocation rule must have.

    Checks
    ------
    interface
        ``level``, ``weights``, ``describe``, ``parameters`` exist; weights are
        finite, non-negative and indexed like the table.
    exact sum
        The amounts (whole euros) sum to the envelope exactly (for an
        open-ended rule: to its own ``envelope_eur``).
    non-negativity
        No region gets a negative amount.
    zero weight → zero money
        A region with weight 0 gets 0 €.
    row-order independence
        Shuffling the table's rows gives the same amount per AGS.
    monotonicity
        Raising one region's own input (see ``bump``) never lowers its amount.

    Parameters
    ----------
    rule : AllocationRule
    table : DataFrame, optional
        Regions table; default the bundled table of the rule's level (2023).
    budget_eur : int
        Envelope for rules that take one.
    seed : int
        Seed of the shuffles and the regions picked for the monotonicity check.
    bump : callable
        ``bump(rule, table, ags) -> (rule', table')`` raising one region's input.
    n_bumps : int
        How many regions to bump.

    Raises
    ------
    AllocationRuleCheckError
    """
    from paktsim.allocation.engine import allocate_table
    from paktsim.allocation.rules import OpenEndedRule

    for attr in ("level", "weights", "describe", "parameters"):
        if not hasattr(rule, attr):
            _fail("interface", f"rule has no attribute {attr!r}")
    if rule.level not in ("gemeinde", "kreis"):
        _fail("interface", f"level must be 'gemeinde' or 'kreis', got {rule.level!r}")
    if not isinstance(rule.describe(), str) or not isinstance(rule.parameters(), dict):
        _fail("interface", "describe() must return str and parameters() dict")
    if table is None:
        from paktsim import regions

        table = regions.municipalities() if rule.level == "gemeinde" else regions.kreise()
    table = table.sort_index()
    open_ended = isinstance(rule, OpenEndedRule) and hasattr(rule, "envelope_eur")
    budget = None if open_ended else int(budget_eur)

    def run(r: Any, t: pd.DataFrame) -> pd.DataFrame:
        return allocate_table(r, budget if not open_ended else None, t, programme=None, join="none")

    w = rule.weights(table)
    if not w.index.sort_values().equals(table.index):
        _fail("interface", "weights must be indexed like the table")
    if not np.all(np.isfinite(w.to_numpy(dtype=float))) or (w < 0).any():
        _fail("interface", "weights must be finite and non-negative")
    if math.fsum(w.tolist()) <= 0:
        return  # nothing to split: allocate refuses, which is the documented behaviour

    base = run(rule, table)
    amount = base["amount_eur"]
    envelope = rule.envelope_eur(table) if open_ended else budget
    if amount.dtype != np.int64:
        _fail("exact sum", f"amounts must be int64 whole euros, got {amount.dtype}")
    if int(amount.sum()) != envelope:
        _fail("exact sum", f"amounts sum to {int(amount.sum())}, envelope is {envelope}")
    if (amount < 0).any():
        _fail("non-negativity", f"negative amounts for {list(amount.index[amount < 0][:5])}")
    zero = w.reindex(amount.index) == 0
    if (amount[zero] != 0).any():
        _fail(
            "zero weight",
            f"money for zero-weight regions {list(amount.index[zero & (amount != 0)][:5])}",
        )

    rng = np.random.default_rng(seed)
    for _ in range(2):
        shuffled = table.iloc[rng.permutation(len(table))]
        again = run(rule, shuffled)["amount_eur"].reindex(amount.index)
        if not again.equals(amount):
            diff = amount.index[again.to_numpy() != amount.to_numpy()]
            _fail("row-order independence", f"amounts differ for {list(diff[:5])}")

    keys = rng.choice(table.index.to_numpy(), size=min(n_bumps, len(table)), replace=False)
    for key in keys:
        rule2, table2 = bump(rule, table, str(key))
        after = run(rule2, table2)["amount_eur"]
        if open_ended:
            continue  # the envelope grows with the count; checked by rate × count below
        if int(after[key]) < int(amount[key]):
            _fail(
                "monotonicity",
                f"raising {key}'s own input lowered its amount "
                f"from {int(amount[key])} to {int(after[key])}",
            )
    if open_ended:
        rate = getattr(rule, "rate_eur", None)
        if rate is not None:
            exact = w.reindex(amount.index) * rate
            if (np.abs(amount - exact) >= 1).any():
                _fail("exact sum", "per-capita amounts deviate from rate × count by ≥ 1 €")
