"""Application threshold and joint applications (who applies alone, who with whom).

A Gemeinde whose frame (Planungsrahmen) is below the application threshold
(51,000 € in 2017) cannot apply alone.  :func:`form_applications` offers three
ways of forming applications:

``"none"``
    No grouping: sub-threshold Gemeinden lose eligibility (their money is unused).
``"landkreis"``
    The Landkreis takes over all sub-threshold Gemeinden of the Kreis as one
    application (group id = the 5-digit Kreis AGS).
``"neighbours"``
    Sub-threshold Gemeinden join *adjacent* Gemeinden of the same Kreis until
    every group reaches the threshold.

Merge order of ``"neighbours"`` (deterministic and independent of row order):
the group with the smallest frame below the threshold (ties: lowest AGS among
its members) merges with the adjacent same-Kreis group with the smallest frame
(ties: lowest member AGS); repeat until no group below the threshold has an
adjacent group left.  Merging the smallest with the smallest keeps groups close
to the threshold, so as many applications as possible survive.  A group that
still falls short once its same-Kreis neighbourhood is exhausted (an exclave,
or a Kreis part without adjacent partners) is bundled by the Landkreis: in a
second pass every group of the same Kreis counts as its neighbour, flagged
``fallback``.  A group that stays below the threshold after that (the whole
Kreis is below it) is not eligible.

The loop runs over merge steps (at most one per sub-threshold Gemeinde), each
touching only the neighbour sets of small groups, so 1,101 Gemeinden take
about a millisecond.
"""

from __future__ import annotations

import heapq
from typing import Literal

import numpy as np
import pandas as pd

from paktsim.errors import InputError

__all__ = ["JOIN_MODES", "Join", "form_applications"]

Join = Literal["none", "landkreis", "neighbours"]
JOIN_MODES: tuple[str, ...] = ("none", "landkreis", "neighbours")

KIND_ALONE = "alone"
KIND_JOINT = "joint"
KIND_LANDKREIS = "landkreis"
KIND_NONE = "none"


class _Forest:
    """Union-find over positions with group frame and lowest member rank per root."""

    def __init__(self, frames: np.ndarray):
        self.parent = list(range(frames.size))
        self.frame = [int(v) for v in frames]

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def roots(self) -> np.ndarray:
        """Root of every position (vectorised pointer jumping)."""
        parent = np.asarray(self.parent, dtype=np.int64)
        while True:
            nxt = parent[parent]
            if np.array_equal(nxt, parent):
                return parent
            parent = nxt

    def union(self, a: int, b: int) -> int:
        """Merge roots ``a`` and ``b``; the lower position (lowest AGS) stays root."""
        lo, hi = (a, b) if a < b else (b, a)
        self.parent[hi] = lo
        self.frame[lo] += self.frame[hi]
        return lo


def _agglomerate(
    forest: _Forest, small: list[int], neighbours: dict[int, set[int]], threshold: int
) -> list[int]:
    """Merge groups below ``threshold`` with their smallest neighbour group.

    ``neighbours`` maps a root to a set of positions adjacent to the group
    (resolved lazily through ``forest.find``); only groups below the threshold
    need one.  Returns the roots still below the threshold with no neighbour.
    """
    heap = [(forest.frame[r], r) for r in small]
    heapq.heapify(heap)
    stuck: list[int] = []
    while heap:
        frame, r = heapq.heappop(heap)
        if forest.parent[r] != r or forest.frame[r] != frame or frame >= threshold:
            continue  # stale entry: merged away, grown, or large enough
        cand = {forest.find(j) for j in neighbours.get(r, ())}
        cand.discard(r)
        if not cand:
            stuck.append(r)
            continue
        best = min(cand, key=lambda c: (forest.frame[c], c))
        own = neighbours.pop(r, set())
        other = neighbours.pop(best, None)
        root = forest.union(r, best)
        if forest.frame[root] < threshold:
            if other is not None and len(other) > len(own):
                own, other = other, own
            if other:
                own |= other
            neighbours[root] = {j for j in own if forest.find(j) != root}
            heapq.heappush(heap, (forest.frame[root], root))
    return stuck


def _neighbour_sets(
    positions: np.ndarray, adj_a: np.ndarray, adj_b: np.ndarray, n: int
) -> dict[int, set[int]]:
    """Neighbour sets (CSR-sliced) for the given positions only."""
    both_a = np.concatenate([adj_a, adj_b])
    both_b = np.concatenate([adj_b, adj_a])
    order = np.argsort(both_a, kind="stable")
    src, dst = both_a[order], both_b[order]
    starts = np.searchsorted(src, np.arange(n + 1))
    return {int(p): set(dst[starts[p] : starts[p + 1]].tolist()) for p in positions}


def form_applications(
    amount: pd.Series,
    kreis: pd.Series,
    threshold: int,
    join: Join,
    adjacency: pd.DataFrame | None = None,
    is_stadtkreis: pd.Series | None = None,
) -> pd.DataFrame:
    """Decide who can apply alone and group the others into applications.

    Parameters
    ----------
    amount : Series of int
        Frame (Planungsrahmen) per Gemeinde in whole euros, indexed by AGS.
    kreis : Series of str
        Kreis AGS per Gemeinde (same index).
    threshold : int
        Minimum frame of an application in euros (≥ 0).
    join : {"none", "landkreis", "neighbours"}
        How sub-threshold Gemeinden form applications (see module docstring).
    adjacency : DataFrame, optional
        Pairs ``ags_a, ags_b`` of adjacent Gemeinden; required for
        ``"neighbours"``. Pairs across Kreis borders are ignored.
    is_stadtkreis : Series of bool, optional
        Per Gemeinde; a Stadtkreis has no Landkreis to hand over to.

    Returns
    -------
    DataFrame
        Indexed like ``amount`` with ``eligible_alone`` (bool), ``group_id``
        (str or NA), ``group_kind`` (``alone``, ``joint``, ``landkreis``,
        ``none``), ``group_size``, ``group_frame_eur`` (int; the frame of the
        application, 0 when not eligible) and ``fallback`` (bool: bundled by
        the Landkreis because no adjacent partner was left).
    """
    if join not in JOIN_MODES:
        raise InputError.single("allocation.join", f"expected one of {', '.join(JOIN_MODES)}", join)
    if threshold < 0:
        raise InputError.single("allocation.threshold", "expected a threshold >= 0", threshold)
    index = amount.index
    order = np.argsort(index.to_numpy(), kind="stable")
    ags = index.to_numpy()[order]
    amt = amount.to_numpy(dtype=np.int64)[order]
    kr = kreis.astype(str).to_numpy()[order]
    stadt = (
        np.zeros(amt.size, dtype=bool)
        if is_stadtkreis is None
        else is_stadtkreis.to_numpy(dtype=bool)[order]
    )
    n = amt.size
    alone = (amt >= threshold) & (amt > 0)
    fallback = np.zeros(n, dtype=bool)
    group_key = np.where(alone, ags, None).astype(object)
    kind = np.where(alone, KIND_ALONE, KIND_NONE).astype(object)

    if join == "landkreis":
        small = ~alone & ~stadt
        sums = pd.Series(amt[small]).groupby(kr[small]).sum()
        ok = sums.index[sums.to_numpy() >= threshold]
        take = small & np.isin(kr, ok)
        group_key[take] = kr[take]
        kind[take] = KIND_LANDKREIS
    elif join == "neighbours":
        if adjacency is None:
            raise InputError.single(
                "allocation.join", "neighbour grouping needs the adjacency", join
            )
        pos = pd.Series(np.arange(n), index=ags)
        a = pos.reindex(adjacency["ags_a"].astype(str).to_numpy()).to_numpy()
        b = pos.reindex(adjacency["ags_b"].astype(str).to_numpy()).to_numpy()
        known = ~(np.isnan(a) | np.isnan(b))
        a, b = a[known].astype(np.int64), b[known].astype(np.int64)
        same = kr[a] == kr[b]
        a, b = a[same], b[same]
        forest = _Forest(amt)
        small_pos = np.flatnonzero(~alone)
        neighbours = _neighbour_sets(small_pos, a, b, n)
        stuck = _agglomerate(forest, small_pos.tolist(), neighbours, threshold)
        if stuck:
            # second pass: the Landkreis bundles what adjacency could not
            roots = forest.roots()
            root_set = np.unique(roots)
            by_kreis = pd.Series(root_set).groupby(kr[root_set]).agg(lambda s: set(s.tolist()))
            stuck_before = set(stuck)
            members_before = {r: set(np.flatnonzero(roots == r).tolist()) for r in stuck}
            second = {r: set(by_kreis[kr[r]]) - {r} for r in stuck if not stadt[r]}
            _agglomerate(forest, [r for r in stuck if not stadt[r]], second, threshold)
            for r in stuck_before:
                if forest.find(r) != r or forest.frame[r] != sum(amt[list(members_before[r])]):
                    fallback[list(members_before[r])] = True
        roots = forest.roots()
        frame_root = np.asarray(forest.frame, dtype=np.int64)[roots]
        ok = frame_root >= threshold
        size = np.bincount(roots, minlength=n)[roots] if n else np.zeros(0, int)
        # the lead (name of the application) is the member with the largest frame
        lead = (
            pd.DataFrame({"root": roots, "amt": -amt, "pos": np.arange(n)})
            .sort_values(["root", "amt", "pos"])
            .groupby("root")["pos"]
            .first()
        )
        lead_of = lead.reindex(roots).to_numpy()
        group_key = np.where(ok, ags[lead_of], None).astype(object)
        kind = np.where(ok, np.where(size > 1, KIND_JOINT, KIND_ALONE), KIND_NONE).astype(object)
        # a member of a group that was bundled by the second pass is flagged on every member
        fb_group = pd.Series(fallback).groupby(roots).transform("any").to_numpy()
        fallback = fb_group & ok

    gid = pd.Series(group_key, dtype="str")
    frame = pd.DataFrame({"amt": amt, "gid": gid})
    gsum = frame.groupby("gid", dropna=True)["amt"].transform("sum")
    gsize = frame.groupby("gid", dropna=True)["amt"].transform("size")
    eligible_group = gid.notna().to_numpy()
    out = pd.DataFrame(
        {
            "eligible_alone": alone,
            "group_id": gid.to_numpy(),
            "group_kind": pd.array(kind.astype(str), dtype="str"),
            "group_size": np.where(eligible_group, gsize.fillna(0).to_numpy(), 0).astype(np.int64),
            "group_frame_eur": np.where(eligible_group, gsum.fillna(0).to_numpy(), 0).astype(
                np.int64
            ),
            "fallback": fallback,
        },
        index=pd.Index(ags, name=index.name),
    )
    out["group_id"] = out["group_id"].astype("str")
    return out.reindex(index)
