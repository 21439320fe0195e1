"""Stage chain kernel: monthly stock-flow of people through the FlüAG stages.

Stages (FlüAG BW): Erstaufnahme (``ea``, Land) → vorläufige Unterbringung
(``vu``, Kreise; a months-in-stage conveyor with a monthly exit hazard and a hard
cap) → Anschlussunterbringung (``au``, Gemeinden) → own housing / independent
(``own``).  From every stage people can leave Baden-Württemberg (``left``).  A
share of arrivals (Ukrainians in private housing) goes straight to ``own``.

The kernel works on the Land total of each *assignment segment*: the months in
which one set of distribution keys is in force.  Because the chain is linear in
its inflow, the stock of a place is exactly ``key[segment, place] × stock[segment]``
summed over segments (see :mod:`paktsim.inflow.distribute`), so the chain never
has to run per Gemeinde.

Timing convention (the same for every stage): exits in month ``t`` are taken from
the stock at the end of month ``t - 1``; people entering in month ``t`` are in
the end-of-month stock of ``t``.  A person entering vU in month ``t`` is therefore
counted in vU at the end of months ``t .. t + cap - 1`` at most and has left by
the end of month ``t + cap``.

Array shapes: ``D`` draws, ``G`` groups, ``S`` segments, ``A`` months-in-stage
slots (the largest cap), ``T`` months.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

__all__ = ["ChainRates", "ChainResult", "run_chain", "STOCKS", "FLOWS"]

#: Stocks reported at the end of each month.
STOCKS: tuple[str, ...] = ("ea", "vu", "au", "own")
#: Monthly flows between stages (``*_left`` leave Baden-Württemberg).
FLOWS: tuple[str, ...] = (
    "arrivals",  # into Erstaufnahme or directly into own housing
    "direct",  # straight to own (private) housing, part of arrivals
    "ea_to_vu",
    "ea_left",
    "vu_to_au",
    "vu_left",
    "au_to_own",
    "au_left",
    "own_left",
    "own_moved",  # net moves into a place's own housing (relocation; Land sum 0)
)


@dataclass(frozen=True)
class ChainRates:
    """Monthly rates of the stage chain, per draw and group.

    Every field is an array broadcastable to ``(D, G)``; ``vu_exit`` may carry a
    trailing months-in-stage axis ``(D, G, A)`` for a duration-dependent hazard.
    With ``monthly=True`` every field carries one more trailing axis, the month
    (``(D, G, T)``, ``vu_exit`` ``(D, G, T)`` or ``(D, G, A, T)``): the rate in force
    in each month, so a dated change acts from its month on and never before.

    Parameters
    ----------
    direct_share : array
        Share of arrivals skipping Erstaufnahme and vU (private housing).
    ea_exit : array
        Monthly hazard of leaving Erstaufnahme.
    ea_left_share : array
        Share of Erstaufnahme exits that leave Baden-Württemberg.
    vu_exit : array
        Monthly hazard of leaving vU before the cap.
    vu_cap : array of int
        Hard cap on months in vU; nobody stays longer.
    vu_left_share : array
        Share of vU exits that leave Baden-Württemberg (returns, onward moves).
    au_to_own : array
        Monthly hazard of moving from AU to own housing.
    au_left : array
        Monthly hazard of leaving Baden-Württemberg from AU.
    own_left : array
        Monthly hazard of leaving Baden-Württemberg (or the protection-seeker
        status) from own housing.
    own_relocate_share : array
        Share of the moves from AU into own housing that settle by the
        relocation key (segment ``move_segment`` of :func:`run_chain`) instead of
        staying in the place of assignment (moves to cities after recognition).
    """

    direct_share: np.ndarray
    ea_exit: np.ndarray
    ea_left_share: np.ndarray
    vu_exit: np.ndarray
    vu_cap: np.ndarray
    vu_left_share: np.ndarray
    au_to_own: np.ndarray
    au_left: np.ndarray
    own_left: np.ndarray
    own_relocate_share: np.ndarray | float = 0.0
    monthly: bool = False

    def take(self, draws: slice) -> "ChainRates":
        """The rates of a slice of draws (first axis; broadcast rates stay as they are)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "monthly":
                arr = np.asarray(value)
                value = arr[draws] if arr.ndim >= 2 and arr.shape[0] > 1 else arr
            out[f.name] = value
        return ChainRates(**out)

    def check(self) -> None:
        """Raise ``ValueError`` naming the first rate outside its range."""
        for f in fields(self):
            if f.name == "monthly":
                continue
            value = np.asarray(getattr(self, f.name), dtype=float)
            if not np.all(np.isfinite(value)):
                raise ValueError(f"{f.name}: rates must be finite numbers")
            if f.name == "vu_cap":
                if np.any(value < 1) or np.any(value != np.round(value)):
                    raise ValueError("vu_cap: expected whole months >= 1")
            elif np.any(value < 0) or np.any(value > 1):
                raise ValueError(f"{f.name}: expected a share/hazard between 0 and 1")
        if np.any(np.asarray(self.au_to_own) + np.asarray(self.au_left) > 1 + 1e-12):
            raise ValueError("au_to_own + au_left: together they must not exceed 1")


@dataclass(frozen=True)
class ChainResult:
    """Stocks and flows of one kernel run.

    ``stocks[name]`` has shape ``(D, G, T)`` for ``ea`` (Land only) and
    ``(D, G, S, T)`` for the assigned stages; ``flows[name]`` likewise
    (``arrivals`` and the ``ea_*`` flows are unsegmented, ``(D, G, T)``).
    ``vu_age`` holds the months-in-stage distribution of the vU stock at the
    end of each month, ``(D, G, S, A, T)``, only when requested.
    """

    stocks: dict[str, np.ndarray]
    flows: dict[str, np.ndarray]
    vu_age: np.ndarray | None = None


def _bcast(value: np.ndarray, d: int, g: int, t_n: int | None = None) -> np.ndarray:
    """``(D, G)`` or, with ``t_n``, ``(T, D, G)`` (time-major for the month loop)."""
    value = np.asarray(value, dtype=float)
    if t_n is None:
        return np.broadcast_to(value, (d, g)).copy()
    if value.shape[-1] != t_n:
        raise ValueError(
            f"monthly rates: expected {t_n} months on the last axis, got shape {value.shape}"
        )
    return np.ascontiguousarray(np.moveaxis(np.broadcast_to(value, (d, g, t_n)), -1, 0))


def run_chain(
    arrivals: np.ndarray,
    rates: ChainRates,
    segment: np.ndarray,
    n_segments: int | None = None,
    keep_age: bool = False,
    initial_own: np.ndarray | None = None,
    initial_segment: np.ndarray | int | None = None,
    move_segment: int | None = None,
) -> ChainResult:
    """Run the stage chain for every draw and group.

    Parameters
    ----------
    arrivals : ndarray, shape (D, G, T)
        Persons arriving in Baden-Württemberg per month.
    rates : ChainRates
        Monthly rates, broadcastable to ``(D, G)`` (``vu_exit`` to ``(D, G, A)``).
    segment : ndarray of int, shape (T,) or (G, T)
        Index of the distribution-key segment in force in each month (per
        group when groups follow different keys, e.g. reception credits apply
        to asylum seekers only); people are assigned to the segment of the
        month they leave Erstaufnahme (or arrive, for the direct path).
    n_segments : int, optional
        Number of segments (default ``segment.max() + 1``).
    keep_age : bool
        Also return the vU months-in-stage distribution (memory ``A``-fold).
    initial_own : ndarray, shape broadcastable to (D, G), optional
        People already in own housing before the first month (assigned to each
        group's first segment, or ``initial_segment``); they only leave.
    initial_segment : int or ndarray of int, shape (G,), optional
        Segment of the initial stock (its own distribution key).
    move_segment : int, optional
        Segment whose key receives the relocating share of AU → own moves
        (``rates.own_relocate_share``); without it nobody relocates.

    Returns
    -------
    ChainResult
    """
    arrivals = np.asarray(arrivals, dtype=float)
    if arrivals.ndim != 3:
        raise ValueError("arrivals: expected shape (draws, groups, months)")
    if np.any(arrivals < 0) or not np.all(np.isfinite(arrivals)):
        raise ValueError("arrivals: expected finite, non-negative numbers")
    rates.check()
    d, g, t_n = arrivals.shape
    segment = np.asarray(segment, dtype=np.intp)
    if segment.shape == (t_n,):
        segment = np.broadcast_to(segment, (g, t_n))
    if segment.shape != (g, t_n):
        raise ValueError("segment: expected one segment index per month (or per group and month)")
    s_n = int(segment.max()) + 1 if n_segments is None else int(n_segments)
    g_idx = np.arange(g)

    tm = t_n if rates.monthly else None
    cap = _bcast(rates.vu_cap, d, g, tm).astype(np.intp)  # (D, G) or (T, D, G)
    a_n = int(cap.max())
    age = np.arange(a_n)
    vu_e = np.asarray(rates.vu_exit, dtype=float)
    if rates.monthly:
        if vu_e.ndim == 4:  # (D, G, A, T) → (T, D, G, A)
            vu_e = np.moveaxis(np.broadcast_to(vu_e, (d, g, vu_e.shape[2], t_n)), -1, 0)
        else:
            vu_e = _bcast(vu_e, d, g, t_n)[..., None]
        vu_e = np.broadcast_to(vu_e, (t_n, d, g, a_n))
    else:
        vu_e = vu_e if vu_e.ndim == 3 else vu_e[..., None]
        vu_e = np.broadcast_to(vu_e, (d, g, a_n))

    def vu_hazard(t: int) -> np.ndarray:
        # Hazard per months-in-stage slot; 1 at the last slot allowed by the cap, so
        # the conveyor empties exactly there (C * 1 - C == 0, no rounding residue).
        c = cap[t] if rates.monthly else cap
        h = vu_e[t] if rates.monthly else vu_e
        return np.where(age >= c[..., None] - 1, 1.0, h)[:, :, None, :]  # (D, G, 1, A)

    direct = _bcast(rates.direct_share, d, g, tm)
    ea_exit = _bcast(rates.ea_exit, d, g, tm)
    ea_left = _bcast(rates.ea_left_share, d, g, tm)
    vu_left = _bcast(rates.vu_left_share, d, g, tm)[..., None]
    au_own = _bcast(rates.au_to_own, d, g, tm)[..., None]
    au_left = _bcast(rates.au_left, d, g, tm)[..., None]
    own_left = _bcast(rates.own_left, d, g, tm)[..., None]
    reloc = _bcast(rates.own_relocate_share, d, g, tm)[..., None]

    def now(arr: np.ndarray, t: int) -> np.ndarray:
        return arr[t] if rates.monthly else arr

    # time-major buffers: each month writes one contiguous block; returned as
    # (..., T) views via moveaxis
    land = np.zeros((t_n, d, g))
    seg = np.zeros((t_n, d, g, s_n))
    stocks = {"ea": land, "vu": seg.copy(), "au": seg.copy(), "own": seg.copy()}
    flows = {
        "direct": seg.copy(),
        "ea_to_vu": seg.copy(),
        "ea_left": land.copy(),
        "vu_to_au": seg.copy(),
        "vu_left": seg.copy(),
        "au_to_own": seg.copy(),
        "au_left": seg.copy(),
        "own_left": seg.copy(),
        "own_moved": seg.copy(),
    }
    ages = np.zeros((t_n, d, g, s_n, a_n)) if keep_age else None

    ea = np.zeros((d, g))
    conveyor = np.zeros((d, g, s_n, a_n))
    au = np.zeros((d, g, s_n))
    own = np.zeros((d, g, s_n))
    if initial_own is not None:
        init = _bcast(initial_own, d, g)
        if np.any(init < 0) or not np.all(np.isfinite(init)):
            raise ValueError("initial_own: expected finite, non-negative numbers")
        init_seg = (
            segment[:, 0]
            if initial_segment is None
            else np.broadcast_to(np.asarray(initial_segment, dtype=np.intp), (g,))
        )
        own[:, g_idx, init_seg] = init
    direct_in = arrivals * (np.moveaxis(direct, 0, -1) if rates.monthly else direct[..., None])
    ea_in = arrivals - direct_in
    vu_h = vu_hazard(0)
    for t in range(t_n):
        s = segment[:, t]  # (G,): the key segment of each group this month
        if rates.monthly:
            vu_h = vu_hazard(t)
        # exits, all from last month's stocks, at the rates in force this month
        ea_out = ea * now(ea_exit, t)
        ea_gone = ea_out * now(ea_left, t)
        ea_vu = ea_out - ea_gone
        vu_out_age = conveyor * vu_h
        vu_out = vu_out_age.sum(axis=-1)
        vu_gone = vu_out * now(vu_left, t)
        vu_au = vu_out - vu_gone
        au_o = au * now(au_own, t)
        au_gone = au * now(au_left, t)
        own_gone = own * now(own_left, t)
        # new stocks
        ea = ea - ea_out + ea_in[..., t]
        survivors = conveyor - vu_out_age
        conveyor[..., 1:] = survivors[..., :-1]
        conveyor[..., 0] = 0.0
        conveyor[:, g_idx, s, 0] = ea_vu
        au = au - au_o - au_gone + vu_au
        if move_segment is None:
            moved_in = au_o
        else:
            moved = au_o * now(reloc, t)
            moved_in = au_o - moved
            moved_in[:, :, move_segment] += moved.sum(axis=-1)
        own = own - own_gone + moved_in
        own[:, g_idx, s] += direct_in[..., t]

        stocks["ea"][t] = ea
        stocks["vu"][t] = conveyor.sum(axis=-1)
        stocks["au"][t] = au
        stocks["own"][t] = own
        flows["direct"][t][:, g_idx, s] = direct_in[..., t]
        flows["ea_to_vu"][t][:, g_idx, s] = ea_vu
        flows["ea_left"][t] = ea_gone
        flows["vu_to_au"][t] = vu_au
        flows["vu_left"][t] = vu_gone
        flows["au_to_own"][t] = au_o
        flows["au_left"][t] = au_gone
        flows["own_left"][t] = own_gone
        flows["own_moved"][t] = moved_in - au_o
        if ages is not None:
            ages[t] = conveyor
    stocks = {k: np.moveaxis(v, 0, -1) for k, v in stocks.items()}
    flows = {"arrivals": arrivals.copy(), **{k: np.moveaxis(v, 0, -1) for k, v in flows.items()}}
    if ages is not None:
        ages = np.moveaxis(ages, 0, -1)
    return ChainResult(stocks=stocks, flows=flows, vu_age=ages)
