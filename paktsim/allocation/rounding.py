"""Exact splitting of whole-euro amounts by the largest-remainder method.

Every split of money in paktsim goes through :func:`largest_remainder`: the
parts are non-negative integers (whole euros, or any other integer unit such as
quarter positions) that sum to the total exactly, and no part differs from its
exact quota by one unit or more.

Determinism.  The result depends only on the set of ``(key, weight)`` pairs, not
on the order of the rows: the computation runs on the rows sorted by key, and
equal remainders are broken by key (lowest key first).  Integer weights whose
products with the total fit into int64 are split in exact integer arithmetic
(remainders compared exactly); other weights use float quotas computed from an
order-independent sum (:func:`math.fsum`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["largest_remainder", "largest_remainder_grouped"]

_INT_LIMIT = 2**62
_EXACT_LIMIT = 2**53


def _as_weights(weights: np.ndarray) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1:
        raise ValueError("weights must be one-dimensional")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and non-negative")
    return w


def _integer_weights(w: np.ndarray, total: int) -> np.ndarray | None:
    """Return ``w`` as int64 when an exact integer split is possible, else None."""
    if w.size == 0 or not np.all(w == np.floor(w)) or w.max() >= _INT_LIMIT:
        return None
    wi = w.astype(np.int64)
    wsum = int(wi.sum(dtype=np.int64)) if w.sum() < _INT_LIMIT else _INT_LIMIT
    if wsum == 0 or wsum >= _INT_LIMIT or total * int(wi.max()) >= _INT_LIMIT:
        return None
    return wi


def _split_sorted(w: np.ndarray, total: int) -> np.ndarray:
    """Largest-remainder split of ``total`` over ``w`` (rows already in key order)."""
    n = w.size
    out = np.zeros(n, dtype=np.int64)
    if total == 0 or n == 0:
        return out
    wi = _integer_weights(w, total)
    if wi is not None:
        wsum = int(wi.sum())
        num = wi * np.int64(total)
        base = num // wsum
        left = total - int(base.sum())
        # stable sort on -remainder keeps key order among equal remainders
        order = np.argsort(-(num % wsum), kind="stable")
    else:
        wsum = math.fsum(w.tolist())
        quota = (w / wsum) * total  # share first: stays finite for tiny weights
        base = np.floor(quota).astype(np.int64)
        # guard against float quotas that overshoot the total by one unit
        while int(base.sum()) > total:
            idx = np.argmax(quota - base)  # pragma: no cover - defensive
            base[idx] -= 1  # pragma: no cover
        rem_f = quota - base
        left = total - int(base.sum())
        order = np.argsort(-rem_f, kind="stable")
    if left > 0:
        # only rows with positive weight may receive a unit
        eligible = order[w[order] > 0]
        if left > eligible.size:  # pragma: no cover - impossible for exact quotas
            raise ArithmeticError("largest remainder: more units left than rows")
        out_idx = eligible[:left]
        base = base.copy()
        base[out_idx] += 1
    return base


def largest_remainder(
    weights: pd.Series | np.ndarray, total: int, keys: pd.Index | np.ndarray | None = None
) -> np.ndarray | pd.Series:
    """Split ``total`` integer units in proportion to ``weights``.

    Parameters
    ----------
    weights : Series or 1-d array of float
        Non-negative, finite weights. At least one must be positive when
        ``total > 0``.
    total : int
        Non-negative number of units (whole euros) to split.
    keys : Index or array, optional
        Unique keys used for the canonical order and to break ties (lowest key
        first). Defaults to the Series index, or to the positions for arrays.

    Returns
    -------
    Series or ndarray of int64
        Same shape and order as ``weights``; sums to ``total`` exactly; each
        part lies strictly within one unit of its quota ``total * w / sum(w)``;
        a zero weight gets zero.

    Raises
    ------
    ValueError
        Negative, non-finite or all-zero weights with a positive total, or a
        negative/non-integer total.
    """
    total_int = int(total)
    if total_int != total or total_int < 0:
        raise ValueError(f"total must be a non-negative integer, got {total!r}")
    if total_int > _EXACT_LIMIT:
        # beyond 2**53 float quotas lose whole units: parts could go negative
        raise ValueError(f"total must be at most 2**53 for an exact split, got {total!r}")
    is_series = isinstance(weights, pd.Series)
    w = _as_weights(weights.to_numpy() if is_series else weights)
    if keys is None:
        keys = weights.index if is_series else np.arange(w.size)
    key_arr = np.asarray(keys)
    if key_arr.shape != w.shape:
        raise ValueError("keys and weights must have the same length")
    if total_int > 0 and not np.any(w > 0):
        raise ValueError("cannot split a positive total over all-zero weights")
    order = np.argsort(key_arr, kind="stable")
    parts_sorted = _split_sorted(w[order], total_int)
    parts = np.empty_like(parts_sorted)
    parts[order] = parts_sorted
    if is_series:
        return pd.Series(parts, index=weights.index, name=weights.name, dtype="int64")
    return parts


def largest_remainder_grouped(weights: pd.Series, group: pd.Series, totals: pd.Series) -> pd.Series:
    """Split a total per group over the group's members (largest remainder).

    Parameters
    ----------
    weights : Series of float
        Non-negative weight per member, indexed by a unique key (e.g. AGS).
    group : Series
        Group label per member (same index as ``weights``), e.g. ``kreis_ags``.
    totals : Series of int
        Units to split per group label.  Every label with a positive total must
        have a member with positive weight.

    Returns
    -------
    Series of int64
        Per member; sums to ``totals[g]`` within every group ``g`` exactly, with
        the same guarantees as :func:`largest_remainder` inside each group.
        Vectorised over all members (one sort, no loop over groups).
    """
    if not weights.index.equals(group.index):
        raise ValueError("weights and group must share the index")
    w = _as_weights(weights.to_numpy())
    g = group.astype(str).to_numpy()
    key = weights.index.to_numpy()
    order = np.lexsort((key, g))
    g_sorted = g[order]
    w_sorted = w[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    ends = np.r_[starts[1:], g_sorted.size]
    totals_str = pd.Series(totals.to_numpy(), index=totals.index.astype(str))
    unknown = set(g_sorted[starts]) - set(totals_str.index)
    if unknown:
        raise ValueError(f"groups without a total: {sorted(unknown)[:5]}")
    missing = set(totals_str.index[totals_str.to_numpy() > 0]) - set(g_sorted[starts])
    if missing:
        raise ValueError(f"totals for groups without members: {sorted(missing)[:5]}")
    tot_sorted = totals_str.reindex(g_sorted).to_numpy().astype(np.int64)
    wsum_group = np.add.reduceat(w_sorted, starts) if w.size else np.zeros(0)
    if np.any((totals_str.reindex(g_sorted[starts]).to_numpy() > 0) & (wsum_group <= 0)):
        raise ValueError("a group with a positive total has no positive weight")
    sizes = ends - starts
    wsum_rows = np.repeat(wsum_group, sizes)
    exact = (
        w.size > 0
        and np.all(w == np.floor(w))
        and wsum_group.max() < _INT_LIMIT
        and float(tot_sorted.max(initial=0)) * float(w.max()) < _INT_LIMIT
    )
    if exact:
        wi = w_sorted.astype(np.int64)
        ws = np.repeat(np.add.reduceat(wi, starts), sizes)
        num = wi * tot_sorted
        safe = np.where(ws > 0, ws, 1)
        base = num // safe
        rem = (num % safe).astype(np.float64)
        # ordering by float(rem) is exact while rem < 2**53; beyond, fall back to floats
        exact = bool(np.all(num % safe < 2**53))
    if not exact:
        safe = np.where(wsum_rows > 0, wsum_rows, 1.0)
        quota = (w_sorted / safe) * tot_sorted
        base = np.floor(quota).astype(np.int64)
        rem = quota - base
    base = np.where(wsum_rows > 0, base, 0).astype(np.int64)
    left = tot_sorted[starts] - np.add.reduceat(base, starts) if w.size else np.zeros(0, int)
    # rows sorted by group, then remainder descending, then key; rank within group
    order2 = np.lexsort((np.arange(w.size), -rem, g_sorted))
    rank = np.empty(w.size, dtype=np.int64)
    rank[order2] = np.arange(w.size) - np.repeat(starts, sizes)
    add = (rank < np.repeat(left, sizes)) & (w_sorted > 0)
    parts_sorted = base + add
    if np.any(np.add.reduceat(parts_sorted, starts) != tot_sorted[starts]) if w.size else False:
        raise ArithmeticError("grouped largest remainder did not conserve the totals")
    out = np.empty_like(parts_sorted)
    out[order] = parts_sorted
    return pd.Series(out, index=weights.index, dtype="int64")
